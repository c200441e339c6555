import { open, type FileHandle } from 'node:fs/promises';
import { resolve } from 'node:path';
import type Database from 'better-sqlite3';

export interface GroupWriteOptions {
  /**
   * What a crash may lose: a read model with its checkpoint, rebuilt from the log, or a write that
   * a later durable write to the same file makes durable (SqlWriteOptions.coveredByNextAppend). A
   * group of only such writes commits without waiting for the disk (synchronous=NORMAL): a power
   * loss may undo it, never tear it, and the next durable commit syncs it along with its own.
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
 * How long one group may hold the write lock before the writes left wait for the next group: the
 * other process's writers (the API beside a worker catching up) wait for no more than about this.
 */
const MAX_LOCK_HOLD_MS = 5;

interface SyncWaiter {
  resolve(): void;
  reject(error: unknown): void;
}

/** How long the WAL stays open after a sync: syncs that follow each other closely skip opening it again. */
const WAL_IDLE_CLOSE_MS = 1000;

/**
 * A connection's WAL, synced by fdatasync in libuv's thread pool, through a handle kept open while
 * syncs follow each other (opening and closing it each time cost two more trips through the pool).
 * The handle names the file SQLite writes for as long as the connection is open: SQLite deletes a
 * WAL only when its last connection closes, and a new connection gets a WalFile of its own.
 */
export class WalFile {
  private handle?: Promise<FileHandle>;
  private idle?: NodeJS.Timeout;

  constructor(readonly path: string) {}

  /** Syncs one at a time; nothing to do once the file is gone (a WAL is deleted only after a full checkpoint). */
  async sync(): Promise<void> {
    clearTimeout(this.idle);
    try {
      const handle = await (this.handle ??= open(this.path, 'r'));
      await handle.datasync();
    } catch (error) {
      this.close();
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    } finally {
      this.idle = setTimeout(() => this.close(), WAL_IDLE_CLOSE_MS).unref();
    }
  }

  private close(): void {
    clearTimeout(this.idle);
    const handle = this.handle;
    this.handle = undefined;
    void handle?.then((opened) => opened.close()).catch(() => undefined);
  }
}

/**
 * Group commit for one SQLite connection: the writes asked for during one turn of the event loop
 * (the appends and read-model batches of every request handled in that turn) run together when
 * the turn ends, in one transaction, and pay for one fsync instead of one each. Each write is a
 * savepoint of it: a write that throws is undone alone and the others still commit. A write's
 * promise settles once its group is durable, so nobody answers before the commit.
 *
 * The write lock is taken only while the group runs, never across the turn, so other processes
 * on the same file (the worker beside the API) wait for one short transaction at most. Nor does
 * this connection wait for their lock with its thread asleep in SQLite's busy handler: while
 * another process holds the lock, the group asks again a millisecond later, the event loop goes
 * on serving requests meanwhile, and the writes they ask for join the waiting group. A write runs
 * after the reads its caller made, like any optimistic write: a stream's expected revision still
 * guards against what changed in between.
 *
 * Nor does the thread wait for the disk. On a WAL file whose connection asks for synchronous=FULL,
 * a group commits at NORMAL (SQLite writes the WAL without syncing it) and the WAL is then synced
 * by fdatasync in libuv's thread pool: the event loop serves requests meanwhile, the next group
 * may commit, and the groups committed during one sync share the next. A write still settles only
 * once its group is on disk. What this changes: another connection may read a commit up to one
 * sync before it is durable. Within the file that is harmless (a power loss cuts the WAL at a
 * frame, so whatever was written after reading it is lost with it); what leaves the file waits for
 * `synced()`, as the log's subscriptions do before handing events over.
 */
export class SqliteGroupCommit {
  private static readonly groups = new WeakMap<Database.Database, SqliteGroupCommit>();
  /** What syncing the WAL runs; its unit test watches it. */
  static syncWalFile: (wal: WalFile) => Promise<void> = (wal) => wal.sync();
  private queued: QueuedWrite[] = [];
  /** When the waiting group first found the lock taken; undefined while nobody waits. */
  private lockWaitSince?: number;
  private readonly inSavepoint: (work: () => unknown) => unknown;
  /** The connection's own synchronous level (0 OFF, 1 NORMAL, 2 FULL, 3 EXTRA). */
  private readonly synchronous: number;
  /** How long a group may wait for another connection's write lock: the connection's busy timeout. */
  private readonly lockWaitLimitMs: number;
  /** The WAL this connection syncs itself, after committing at NORMAL; undefined where SQLite syncs at commit. */
  private readonly walFile?: WalFile;
  private syncing = false;
  /** Waiting for the next fdatasync: begun after what they wait for was committed. */
  private waitingForSync: SyncWaiter[] = [];
  private readonly statements: Record<'begin' | 'commit' | 'rollback', Database.Statement>;

  private constructor(private readonly db: Database.Database) {
    // Called inside the group's transaction, better-sqlite3 makes this a savepoint.
    this.inSavepoint = db.transaction((work: () => unknown) => work());
    this.synchronous = db.pragma('synchronous', { simple: true }) as number;
    this.lockWaitLimitMs = db.pragma('busy_timeout', { simple: true }) as number;
    const syncsItself = this.synchronous > 1 && !db.memory && db.pragma('journal_mode', { simple: true }) === 'wal';
    this.walFile = syncsItself ? new WalFile(`${resolve(db.name)}-wal`) : undefined;
    // Pragmas act when compiled, not when a prepared statement runs: they go through exec instead.
    this.statements = {
      begin: db.prepare('BEGIN IMMEDIATE'),
      commit: db.prepare('COMMIT'),
      rollback: db.prepare('ROLLBACK'),
    };
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
   * once the group is durable (committed, for a group of rebuildable writes only); rejects with
   * what it threw, or with the commit's or the sync's failure.
   */
  write<T>(work: () => T, { rebuildable = false }: GroupWriteOptions = {}): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (this.queued.length === 0) setImmediate(() => this.commit());
      this.queued.push({ work, rebuildable, resolve: resolve as (result: unknown) => void, reject });
    });
  }

  /**
   * Resolves once everything committed to the file so far, by any connection of any process, is
   * as durable as this connection's synchronous level asks: after an fdatasync of the WAL where it
   * is FULL; at once otherwise, where commits are as durable as they will be.
   */
  synced(): Promise<void> {
    if (!this.walFile) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.waitingForSync.push({ resolve, reject });
      if (!this.syncing) this.syncWal(this.walFile!);
    });
  }

  private syncWal(walFile: WalFile): void {
    const waiting = this.waitingForSync;
    this.waitingForSync = [];
    this.syncing = true;
    SqliteGroupCommit.syncWalFile(walFile)
      .then(
        () => waiting.forEach((waiter) => waiter.resolve()),
        (error: unknown) => waiting.forEach((waiter) => waiter.reject(error)),
      )
      .finally(() => {
        this.syncing = false;
        if (this.waitingForSync.length > 0) this.syncWal(walFile);
      });
  }

  private commit(): void {
    if (!this.db.open) return this.settle(this.takeQueued(), new TypeError('The database connection is not open'));
    const rebuildableOnly = this.queued.every((write) => write.rebuildable);
    const withoutSync = this.synchronous > 1 && (rebuildableOnly || this.walFile !== undefined);
    if (withoutSync) this.db.exec('PRAGMA synchronous = NORMAL');
    try {
      let locked: boolean;
      try {
        locked = this.begin();
      } catch (error) {
        return this.settle(this.takeQueued(), error);
      }
      if (!locked) return this.waitForLock();
      const taken = this.takeQueued();
      let outcomes: Outcome[];
      try {
        outcomes = this.runInTransaction(taken);
      } catch (error) {
        return this.settle(taken, error);
      }
      const queued = taken.slice(0, outcomes.length);
      this.putBack(taken.slice(outcomes.length));
      const settle = () => outcomes.forEach((outcome, index) => (outcome.ok ? queued[index].resolve(outcome.result) : queued[index].reject(outcome.error)));
      if (rebuildableOnly) settle();
      else this.synced().then(settle, (error: unknown) => this.settle(queued, error));
    } finally {
      if (withoutSync && this.db.open) this.db.exec(`PRAGMA synchronous = ${this.synchronous}`);
    }
  }

  /** BEGIN IMMEDIATE without sleeping in SQLite's busy handler: false if another connection holds the lock. */
  private begin(): boolean {
    this.db.exec('PRAGMA busy_timeout = 0');
    try {
      this.statements.begin.run();
      return true;
    } catch (error) {
      if ((error as { code?: string }).code === 'SQLITE_BUSY') return false;
      throw error;
    } finally {
      this.db.exec(`PRAGMA busy_timeout = ${this.lockWaitLimitMs}`);
    }
  }

  private waitForLock(): void {
    const now = performance.now();
    this.lockWaitSince ??= now;
    if (now - this.lockWaitSince >= this.lockWaitLimitMs) {
      return this.settle(this.takeQueued(), new Error(`database is locked: another connection held the write lock for more than ${this.lockWaitLimitMs} ms`));
    }
    setTimeout(() => this.commit(), 1);
  }

  /** Writes a group left for the next one go first in it. */
  private putBack(writes: QueuedWrite[]): void {
    if (writes.length === 0) return;
    if (this.queued.length === 0) setImmediate(() => this.commit());
    this.queued = [...writes, ...this.queued];
  }

  private takeQueued(): QueuedWrite[] {
    const queued = this.queued;
    this.queued = [];
    this.lockWaitSince = undefined;
    return queued;
  }

  private settle(queued: QueuedWrite[], error: unknown): void {
    for (const write of queued) write.reject(error);
  }

  /**
   * Runs the writes inside the group's transaction, in order, until they are done or the group has
   * held the lock for MAX_LOCK_HOLD_MS: the outcomes of those it ran. Throws if the transaction
   * failed as a whole: then nothing of it was written.
   */
  private runInTransaction(queued: QueuedWrite[]): Outcome[] {
    const started = performance.now();
    try {
      const outcomes: Outcome[] = [];
      for (const { work } of queued) {
        if (outcomes.length > 0 && performance.now() - started > MAX_LOCK_HOLD_MS) break;
        try {
          outcomes.push({ ok: true, result: this.inSavepoint(work) });
        } catch (error) {
          // SQLITE_FULL, SQLITE_IOERR and the like roll back the whole transaction, not only the savepoint.
          if (!this.db.inTransaction) throw error;
          outcomes.push({ ok: false, error });
        }
      }
      this.statements.commit.run();
      return outcomes;
    } catch (error) {
      if (this.db.open && this.db.inTransaction) this.statements.rollback.run();
      throw error;
    }
  }
}
