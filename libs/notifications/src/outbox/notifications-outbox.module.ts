import { Module } from '@nestjs/common';
import { LocalOutbox } from './local-outbox';

/** The local outbox: its table in the record store, and its messages for the console. */
@Module({ providers: [LocalOutbox], exports: [LocalOutbox] })
export class NotificationsOutboxModule {}
