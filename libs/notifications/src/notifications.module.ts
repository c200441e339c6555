import { Module } from '@nestjs/common';
import { PrivacyModule } from '@yixin/privacy';
import { NotificationDelivery } from './delivery/notification-delivery';
import { NotificationsOutboxModule } from './outbox/notifications-outbox.module';

/**
 * What yixin tells residents and organisations (docs/notifications.md): the activities with which
 * each case's workflow plans the messages its events call for and delivers them. The worker runs them.
 */
@Module({ imports: [PrivacyModule, NotificationsOutboxModule], providers: [NotificationDelivery], exports: [NotificationDelivery] })
export class NotificationsModule {}
