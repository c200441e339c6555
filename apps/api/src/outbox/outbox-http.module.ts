import { Module } from '@nestjs/common';
import { DirectoryModule } from '@yixin/directory';
import { NotificationsOutboxModule } from '@yixin/notifications';
import { OutboxController } from './outbox.controller';

/** The local outbox, for administrators. */
@Module({ imports: [NotificationsOutboxModule, DirectoryModule], controllers: [OutboxController] })
export class OutboxHttpModule {}
