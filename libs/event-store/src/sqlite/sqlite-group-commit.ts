import type Database from 'better-sqlite3';

export interface GroupWriteOptions {
  /**
   * What a crash may lose because it is rebuilt from the log (a read model with its checkpoint, in
   * the same write). A group of only such writes commits without waiting for the disk
   * (synchronous=NORMAL): a power loss may undo it, never tear it, and the next durable commit
   * syncs it along with its own.
   */
  rebuildable?: boolean;
}

interface QueuedWrite {
  work: () => unknown;
  rebuildable: boolean;
  resolve(result: unknown): void;
  reject(error: unknown): void;
}

type Outcome = { ok: true; result: unknown } | { ok: false; error: unknown };

/**
 * Group commit for one SQLite connection: the writes asked for during one turn of the event loop
 * (the appends and read-model batches of every request handled in that turn) run together when
 * the turn ends, in one transaction, and pay for one fsync instead of one each. Each write is a
 * savepoint of it: a write that throws is undone alone and the others still commit. A write's
 * promise settles once its group is durable, so nobody answers before the commit.
 *
 * The write lock is taken only while the group runs, never across the turn, so other processes
 * on the same file (the worker beside the API) wait for one short transaction at most. A write
 * runs after the reads its caller made, like any optimistic write: a stream's expected revision
 * still guards against what changed in between.
 */
export class SqliteGroupCommit {
  private static readonly groups = new WeakMap<Database.Database, SqliteGroupCommit>();
  private queued: QueuedWrite[] = [];
  private readonly inSavepoint: (work: () => unknown) => unknown;
  /** The connection's own synchronous level (0 OFF, 1 NORMAL, 2 FULL, 3 EXTRA). */
  private readonly synchronous: number;

  private constructor(private readonly db: Database.Database) {
    // Called inside the group's transaction, better-sqlite3 makes this a savepoint.
    this.inSavepoint = db.transaction((work: () => unknown) => work());
    this.synchronous = db.pragma('synchronous', { simple: true }) as number;
  }

  /** The one group commit of this connection, shared by every store that writes through it. */
  static of(db: Database.Database): SqliteGroupCommit {
    let group = SqliteGroupCommit.groups.get(db);
    if (!group) {
      group = new SqliteGroupCommit(db);
      SqliteGroupCommit.groups.set(db, group);
    }
    return group;
  }

  /**
   * Queues `work` (synchronous SQL) for the group of this turn, and resolves with what it returned
   * once the group has committed; rejects with what it threw, or with the commit's failure.
   */
  write<T>(work: () => T, { rebuildable = false }: GroupWriteOptions = {}): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (this.queued.length === 0) setImmediate(() => this.commit());
      this.queued.push({ work, rebuildable, resolve: resolve as (result: unknown) => void, reject });
    });
  }

  private commit(): void {
    const queued = this.queued;
    this.queued = [];
    const withoutSync = this.synchronous > 1 && queued.every((write) => write.rebuildable);
    let outcomes: Outcome[];
    try {
      if (withoutSync) this.db.pragma('synchronous = NORMAL');
      outcomes = this.runInOneTransaction(queued);
    } catch (error) {
      for (const write of queued) write.reject(error);
      return;
    } finally {
      if (withoutSync && this.db.open) this.db.pragma(`synchronous = ${this.synchronous}`);
    }
    outcomes.forEach((outcome, index) => (outcome.ok ? queued[index].resolve(outcome.result) : queued[index].reject(outcome.error)));
  }

  /** Throws if the transaction as a whole failed: then nothing of it was written. */
  private runInOneTransaction(queued: QueuedWrite[]): Outcome[] {
    this.db.exec('BEGIN IMMEDIATE');
    try {
      const outcomes = queued.map(({ work }): Outcome => {
        try {
          return { ok: true, result: this.inSavepoint(work) };
        } catch (error) {
          // SQLITE_FULL, SQLITE_IOERR and the like roll back the whole transaction, not only the savepoint.
          if (!this.db.inTransaction) throw error;
          return { ok: false, error };
        }
      });
      this.db.exec('COMMIT');
      return outcomes;
    } catch (error) {
      if (this.db.open && this.db.inTransaction) this.db.exec('ROLLBACK');
      throw error;
    }
  }
}
