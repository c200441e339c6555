import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { sleep } from '@yixin/event-store';
import type { SqlDatabase, SqlStatement } from '@yixin/stores';
import type { HeldLease, Leases } from './leases';

export const LEASES_SCHEMA = `
  CREATE TABLE IF NOT EXISTS leases (
    name TEXT PRIMARY KEY,
    holder TEXT NOT NULL,
    token BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
  );
  CREATE TABLE IF NOT EXISTS lease_holders (
    holder TEXT PRIMARY KEY,
    expires_at BIGINT NOT NULL
  )`;

export interface LeaseTiming {
  /** How long a lease lasts unless renewed: how long a dead holder's work waits for a successor. */
  ttlMs: number;
  /** How often a holder renews, and a worker without the lease tries to take it. */
  everyMs: number;
}

/** A SIGKILLed holder's work is taken over within 10 to 12 s; a stopped one's within 2 s. */
export const DEFAULT_LEASE_TIMING: LeaseTiming = { ttlMs: 10_000, everyMs: 2_000 };

/** The database's own clock, in ms: the workers' clocks may disagree, the lease's expiry must not. */
const NOW_MS = `(EXTRACT(EPOCH FROM clock_timestamp()) * 1000)::BIGINT`;

/**
 * Leases in a row per name of the PostgreSQL record store, with a fencing token raised at each
 * change of hands. A holder renews well before the expiry and gives the work up by itself once it
 * could not renew in time, before any other worker can take it over; the fence covers a holder
 * that could not even notice (a process paused longer than the lease).
 *
 * The work is spread: every worker runs the same names and says it is there in `lease_holders`,
 * and none takes more than its fair share (the names over the workers there, rounded up). A worker
 * over its share, because another joined, lets the extra leases go one renewal at a time, and the
 * one below its share takes them. A dead worker's row expires with its leases, the shares grow, and
 * the others take its work over.
 */
export class DatabaseLeases implements Leases {
  private readonly logger = new Logger('Leases');
  /** Who holds a lease, as operators and the fault run read it in the table: host/pid/instance. */
  readonly holder = `${hostname()}/${process.pid}/${randomUUID().slice(0, 8)}`;
  /** The names this process runs, and those it holds now. */
  private readonly running = new Set<string>();
  private readonly held = new Set<string>();
  /** Workers in `lease_holders`, this one among them, as last counted. */
  private holders = 1;
  private presence?: Presence;

  constructor(private readonly db: SqlDatabase, private readonly timing: LeaseTiming = DEFAULT_LEASE_TIMING) {
    if (db.dialect !== 'postgres') throw new Error('DatabaseLeases needs PostgreSQL: on SQLite the one worker holds every lease (SoleWriterLeases)');
  }

  async runWhileHeld(name: string, stopping: AbortSignal, job: (lease: HeldLease) => Promise<void>): Promise<void> {
    this.running.add(name);
    this.presence ??= this.bePresent();
    await this.presence.counted;
    try {
      while (!stopping.aborted) {
        if (this.held.size < this.fairShare()) {
          const askedAt = Date.now();
          const token = await this.tryToTake(name).catch((error: unknown) => {
            this.logger.warn(`cannot ask for the lease ${name}: ${String(error)}`);
            return undefined;
          });
          if (token !== undefined) await this.hold(name, token, askedAt, stopping, job);
        }
        await sleep(this.timing.everyMs, stopping);
      }
    } finally {
      this.running.delete(name);
      const presence = this.presence;
      if (this.running.size === 0 && presence) {
        this.presence = undefined;
        presence.ended.abort();
        await presence.done;
      }
    }
  }

  /** How many leases this worker may hold: the names over the workers present, rounded up. */
  private fairShare(): number {
    return Math.ceil(this.running.size / this.holders);
  }

  /** Says this worker is there, and counts the workers that are, each renewal, until `ended`; then leaves. */
  private bePresent(): Presence {
    const ended = new AbortController();
    const count = () => this.countHolders().catch((error: unknown) => this.logger.warn(`cannot count the workers holding leases: ${String(error)}`));
    const counted = count();
    const done = (async () => {
      await counted;
      for (;;) {
        await sleep(this.timing.everyMs, ended.signal);
        if (ended.signal.aborted) break;
        await count();
      }
      await this.db.query('DELETE FROM lease_holders WHERE holder = ? RETURNING holder', [this.holder]).catch(() => undefined);
    })();
    return { ended, counted, done };
  }

  private async countHolders(): Promise<void> {
    // One round trip: the statement's reads see the table as it was before its own writes.
    const [row] = await this.db.query<{ others: number }>(
      `WITH present AS (
         INSERT INTO lease_holders (holder, expires_at) VALUES (?, ${NOW_MS} + ?)
         ON CONFLICT (holder) DO UPDATE SET expires_at = excluded.expires_at RETURNING holder
       ), gone AS (
         DELETE FROM lease_holders WHERE expires_at < ${NOW_MS} RETURNING holder
       )
       SELECT count(*) AS others FROM lease_holders WHERE expires_at >= ${NOW_MS} AND holder <> ?`,
      [this.holder, this.timing.ttlMs, this.holder],
    );
    this.holders = Number(row.others) + 1;
  }

  private async hold(name: string, token: number, askedAt: number, stopping: AbortSignal, job: (lease: HeldLease) => Promise<void>): Promise<void> {
    this.logger.log(`took the lease ${name} (token ${token})`);
    const lost = new AbortController();
    const stop = () => lost.abort();
    stopping.addEventListener('abort', stop, { once: true });
    this.held.add(name);
    const renewing = this.keepRenewed(name, token, askedAt, lost);
    try {
      await job({ name, token, signal: lost.signal, fence: () => [fenceOf(name, token)] });
    } catch (error) {
      this.logger.error(`the work of the lease ${name} failed: ${String(error)}`);
    } finally {
      stopping.removeEventListener('abort', stop);
      this.held.delete(name);
      lost.abort();
      await renewing;
      await this.letGo(name, token).catch(() => undefined);
    }
  }

  /** Renews until `lost` aborts, and aborts it when the lease was taken over or could not be renewed before it would expire. */
  private async keepRenewed(name: string, token: number, askedAt: number, lost: AbortController): Promise<void> {
    // A margin of a renewal's period before the expiry, counted from when the last renewal was asked.
    const giveUpAfter = (from: number) => setTimeout(() => {
      if (!lost.signal.aborted) this.logger.warn(`could not renew the lease ${name} in time: giving its work up`);
      lost.abort();
    }, Math.max(0, from + this.timing.ttlMs - this.timing.everyMs - Date.now()));
    let deadline = giveUpAfter(askedAt);
    try {
      while (!lost.signal.aborted) {
        await sleep(this.timing.everyMs, lost.signal);
        if (lost.signal.aborted) return;
        const renewAskedAt = Date.now();
        const renewed = await this.renew(name, token).catch((error: unknown) => {
          this.logger.warn(`cannot renew the lease ${name}: ${String(error)}`);
          return undefined;
        });
        if (renewed === false) {
          this.logger.warn(`the lease ${name} was taken over: giving its work up`);
          lost.abort();
        } else if (renewed) {
          clearTimeout(deadline);
          deadline = giveUpAfter(renewAskedAt);
          if (this.held.size > this.fairShare()) {
            this.logger.log(`lets the lease ${name} go to a worker with fewer`);
            // At once, so that the next of its leases to renew counts one fewer.
            this.held.delete(name);
            lost.abort();
          }
        }
      }
    } finally {
      clearTimeout(deadline);
    }
  }

  /** The lease's new token if it was free, expired or already this process's; undefined if another holds it. */
  private async tryToTake(name: string): Promise<number | undefined> {
    const [row] = await this.db.query<{ token: number }>(
      `INSERT INTO leases (name, holder, token, expires_at) VALUES (?, ?, 1, ${NOW_MS} + ?)
       ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, token = leases.token + 1, expires_at = excluded.expires_at
       WHERE leases.expires_at < ${NOW_MS} OR leases.holder = excluded.holder
       RETURNING token`,
      [name, this.holder, this.timing.ttlMs],
    );
    return row ? Number(row.token) : undefined;
  }

  private async renew(name: string, token: number): Promise<boolean> {
    const rows = await this.db.query(`UPDATE leases SET expires_at = ${NOW_MS} + ? WHERE name = ? AND token = ? RETURNING token`, [this.timing.ttlMs, name, token]);
    return rows.length === 1;
  }

  /** Expires the lease at once; the row stays, so the next token is higher than every one before. */
  private async letGo(name: string, token: number): Promise<void> {
    await this.db.query('UPDATE leases SET expires_at = 0 WHERE name = ? AND token = ? RETURNING token', [name, token]);
  }
}

/** A worker's row in `lease_holders`, kept while it runs any lease's work. */
interface Presence {
  ended: AbortController;
  /** The first count of the workers present: a worker takes nothing before it knows its share. */
  counted: Promise<void>;
  done: Promise<void>;
}

/** Changes the lease's row only while `token` is current; taking the row's lock, it also orders the transaction against a takeover. */
function fenceOf(name: string, token: number): SqlStatement {
  return { sql: 'UPDATE leases SET token = token WHERE name = ? AND token = ?', params: [name, token], requiredRows: 1 };
}
