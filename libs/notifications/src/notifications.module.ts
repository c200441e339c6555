import { Module } from '@nestjs/common';
import { PrivacyModule } from '@yixin/privacy';
import { NotificationPlannerService } from './planning/notification-planner.service';
import { NotificationDelivery } from './delivery/notification-delivery';
import { NotificationsOutboxModule } from './outbox/notifications-outbox.module';

/**
 * What yixin tells residents and organisations (docs/notifications.md): the planner that turns case
 * events into notification workflows, and what those workflows' activities need to deliver them.
 * The worker runs both.
 */
@Module({ imports: [PrivacyModule, NotificationsOutboxModule], providers: [NotificationPlannerService, NotificationDelivery], exports: [NotificationDelivery] })
export class NotificationsModule {}
