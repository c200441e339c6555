import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { SqlDatabase } from '@yixin/stores';
import { RECORD_STORE } from '@yixin/stores';

/** A signed-out token is remembered until it would have expired anyway. */
export const REVOKED_TOKENS_SCHEMA = `
  CREATE TABLE IF NOT EXISTS revoked_tokens (
    jti TEXT PRIMARY KEY, user_id TEXT NOT NULL, expires_at BIGINT NOT NULL);
  CREATE INDEX IF NOT EXISTS revoked_tokens_expiry ON revoked_tokens (expires_at)`;

/** What the guard knows of a token once its signature and expiry are verified. */
export interface IssuedToken {
  jti: string;
  userId: string;
  /** The user's token generation when it was issued: tokens of an older generation are revoked. */
  generation: number;
  /** Epoch milliseconds. */
  expiresAt: number;
}

/**
 * How long this process trusts a token it found live without asking the record store again. Changes
 * made through this process take effect at once; another API process sees them within this time.
 */
const LIVE_VERDICT_MS = 5_000;
const MAX_CACHED_VERDICTS = 100_000;
const PURGE_EVERY_MS = 60 * 60_000;

interface TokenStatusRow {
  disabled: number;
  token_generation: number;
  revoked: number;
}

/**
 * Which signed tokens still stand: not signed out (their jti in revoked_tokens), their user neither
 * disabled nor changed since (a change raises the user's token generation and so revokes every
 * token issued before). One indexed query per token every few seconds.
 */
@Injectable()
export class TokenRevocation implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(TokenRevocation.name);
  private readonly liveUntil = new Map<string, { userId: string; until: number }>();
  private purgeTimer?: NodeJS.Timeout;

  constructor(@Inject(RECORD_STORE) private readonly db: SqlDatabase) {}

  onModuleInit(): void {
    this.purgeTimer = setInterval(() => {
      this.purgeExpired().catch((error: unknown) => this.logger.warn(`purging expired revoked tokens failed: ${String(error)}`));
    }, PURGE_EVERY_MS).unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.purgeTimer);
  }

  async isLive(token: IssuedToken): Promise<boolean> {
    const now = Date.now();
    if ((this.liveUntil.get(token.jti)?.until ?? 0) > now) return true;
    const [row] = await this.db.query<TokenStatusRow>(
      `SELECT disabled, token_generation, (SELECT COUNT(*) FROM revoked_tokens WHERE jti = ?) AS revoked
       FROM users WHERE user_id = ?`,
      [token.jti, token.userId],
    );
    const live = row !== undefined && !Number(row.disabled) && Number(row.token_generation) === token.generation && Number(row.revoked) === 0;
    if (live) this.remember(token, now);
    return live;
  }

  /** Asks the record store whatever this process remembers: for a response that outlives the request it answers. */
  async isLiveNow(token: IssuedToken): Promise<boolean> {
    this.liveUntil.delete(token.jti);
    return this.isLive(token);
  }

  /** Signs one token out. */
  async revoke(token: Pick<IssuedToken, 'jti' | 'userId' | 'expiresAt'>): Promise<void> {
    await this.db.batch([
      {
        sql: 'INSERT INTO revoked_tokens (jti, user_id, expires_at) VALUES (?, ?, ?) ON CONFLICT (jti) DO NOTHING',
        params: [token.jti, token.userId, token.expiresAt],
      },
    ]);
    this.liveUntil.delete(token.jti);
  }

  /** Drops what this process trusted of the user's tokens, after their generation went up in the record store. */
  forgetUser(userId: string): void {
    for (const [jti, verdict] of this.liveUntil) if (verdict.userId === userId) this.liveUntil.delete(jti);
  }

  private remember(token: IssuedToken, now: number): void {
    if (this.liveUntil.size >= MAX_CACHED_VERDICTS) {
      for (const [jti, verdict] of this.liveUntil) if (verdict.until <= now) this.liveUntil.delete(jti);
      if (this.liveUntil.size >= MAX_CACHED_VERDICTS) this.liveUntil.clear();
    }
    this.liveUntil.set(token.jti, { userId: token.userId, until: Math.min(now + LIVE_VERDICT_MS, token.expiresAt) });
  }

  private async purgeExpired(): Promise<void> {
    await this.db.batch([{ sql: 'DELETE FROM revoked_tokens WHERE expires_at <= ?', params: [Date.now()] }]);
  }
}
