export * from './channels/channel';
export * from './outbox/local-outbox';
export * from './outbox/notifications-outbox.module';
export * from './delivery/notification-delivery';
export * from './notifications.module';
