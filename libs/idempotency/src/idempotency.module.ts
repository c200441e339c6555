import { Module } from '@nestjs/common';
import { IdempotencyStore } from './idempotency-store';

/** The responses kept under clients' Idempotency-Key headers. */
@Module({ providers: [IdempotencyStore], exports: [IdempotencyStore] })
export class IdempotencyModule {}
