export * from './channels/channel';
export * from './outbox/local-outbox';
export * from './outbox/notifications-outbox.module';
