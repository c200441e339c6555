import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { YIXIN_CONFIG, type YixinConfig } from '@yixin/config';
import type { SqlDatabase } from '@yixin/stores';
import { RECORD_STORE } from '@yixin/stores';

/** A row without a status is a request still running; its expiry is then a lease, so that a crash does not lock the key for good. */
export const IDEMPOTENCY_SCHEMA = `
  CREATE TABLE IF NOT EXISTS idempotency_keys (
    user_id TEXT NOT NULL,
    idempotency_key TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    status_code INTEGER,
    response_json TEXT,
    expires_at BIGINT NOT NULL,
    PRIMARY KEY (user_id, idempotency_key));
  CREATE INDEX IF NOT EXISTS idempotency_keys_expiry ON idempotency_keys (expires_at)`;

/** Longer than any request takes (statements time out after 30 s by default). */
const IN_FLIGHT_LEASE_MS = 5 * 60_000;
const PURGE_EVERY_MS = 60 * 60_000;

export type IdempotencyClaim =
  /** The key is ours: run the request, then complete or release it. */
  | { kind: 'claimed' }
  /** `body`: the JSON text of the answer, null if it had none. */
  | { kind: 'completed'; statusCode: number; body: string | null }
  | { kind: 'in_flight' }
  /** The key was used for a request with another method, path or body. */
  | { kind: 'other_request' };

interface IdempotencyRow {
  fingerprint: string;
  status_code: number | null;
  response_json: string | null;
}

/**
 * The answers to requests sent with an Idempotency-Key, per user and key, in the record store, so
 * that every API process sees them. Kept for the configured time, then purged.
 */
@Injectable()
export class IdempotencyStore implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(IdempotencyStore.name);
  private readonly ttlMs: number;
  private purgeTimer?: NodeJS.Timeout;

  constructor(@Inject(RECORD_STORE) private readonly db: SqlDatabase, @Inject(YIXIN_CONFIG) config: YixinConfig) {
    this.ttlMs = config.idempotencyKeyTtlHours * 3600_000;
  }

  onModuleInit(): void {
    this.purgeTimer = setInterval(() => {
      this.purgeExpired().catch((error: unknown) => this.logger.warn(`purging expired idempotency keys failed: ${String(error)}`));
    }, PURGE_EVERY_MS).unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.purgeTimer);
  }

  async claim(userId: string, key: string, fingerprint: string): Promise<IdempotencyClaim> {
    const now = Date.now();
    const claimed = await this.db.query(
      `INSERT INTO idempotency_keys (user_id, idempotency_key, fingerprint, status_code, response_json, expires_at)
       VALUES (?, ?, ?, NULL, NULL, ?)
       ON CONFLICT (user_id, idempotency_key) DO UPDATE SET
         fingerprint = excluded.fingerprint, status_code = NULL, response_json = NULL, expires_at = excluded.expires_at
       WHERE idempotency_keys.expires_at <= ?
       RETURNING user_id`,
      [userId, key, fingerprint, now + IN_FLIGHT_LEASE_MS, now],
    );
    if (claimed.length > 0) return { kind: 'claimed' };
    const [row] = await this.db.query<IdempotencyRow>(
      'SELECT fingerprint, status_code, response_json FROM idempotency_keys WHERE user_id = ? AND idempotency_key = ?',
      [userId, key],
    );
    // No row: the request that held the key failed and released it a moment ago; a retry may claim it.
    if (!row) return { kind: 'in_flight' };
    if (row.fingerprint !== fingerprint) return { kind: 'other_request' };
    if (row.status_code === null) return { kind: 'in_flight' };
    return { kind: 'completed', statusCode: Number(row.status_code), body: row.response_json };
  }

  /** `body`: the JSON text of the answer as it was sent, null if it had none. */
  async complete(userId: string, key: string, statusCode: number, body: string | null): Promise<void> {
    await this.db.batch([
      {
        sql: `UPDATE idempotency_keys SET status_code = ?, response_json = ?, expires_at = ?
              WHERE user_id = ? AND idempotency_key = ? AND status_code IS NULL`,
        params: [statusCode, body, Date.now() + this.ttlMs, userId, key],
      },
    ]);
  }

  /** Frees a claimed key whose request failed, so that the same key may run the request again. */
  async release(userId: string, key: string): Promise<void> {
    await this.db.batch([
      { sql: 'DELETE FROM idempotency_keys WHERE user_id = ? AND idempotency_key = ? AND status_code IS NULL', params: [userId, key] },
    ]);
  }

  private async purgeExpired(): Promise<void> {
    await this.db.batch([{ sql: 'DELETE FROM idempotency_keys WHERE expires_at <= ?', params: [Date.now()] }]);
  }
}
