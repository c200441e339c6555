import { EventEmitter } from 'node:events';
import { resolve } from 'node:path';
import type Database from 'better-sqlite3';
import {
  type AppendResult,
  type CheckpointStore,
  type EventStore,
  type ExpectedRevision,
  type NewEvent,
  type ReadStreamOptions,
  type RecordedEvent,
  StreamNotFoundError,
  type SubscribeOptions,
  WrongExpectedRevisionError,
} from '../event-store';
import { GENESIS_HASH } from '../hash-chain';
import {
  assertAppendable,
  chainEventRows,
  type ChainedEventRow,
  type EventRow,
  expectationHolds,
  idempotentRetryResult,
  streamRange,
  toRecordedEvent,
  fromEventColumns,
  EVENT_COLUMN_LIST,
  type EventColumns,
} from '../stored-events';
import { runSubscription, WakeSignal } from '../subscription';
import { openSqliteDatabase, type SqliteDatabaseOptions } from './sqlite-database';
import { SqliteGroupCommit } from './sqlite-group-commit';
import type { SqliteLogWriter } from './sqlite-log-writer';

export interface SqliteEventStoreOptions {
  /**
   * How often an idle subscription looks for events appended by other processes; appends made in
   * this process wake it at once. Default 25: the worker of `npm start` learns of every filing this
   * way, and a look that finds nothing is one index probe.
   */
  pollIntervalMs?: number;
  /** Where this store's appends are made, if not on its own connection: the file's one writer (see SqliteLogWriter). */
  writer?: SqliteLogWriter;
}

/**
 * Lets an append wake the idle subscriptions of every store in this process that uses the same
 * file, whichever connection they read through. The event name is the database file.
 */
const appendNotifier = new EventEmitter().setMaxListeners(0);

const schema = `
  CREATE TABLE IF NOT EXISTS events (
    global_position INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id TEXT NOT NULL UNIQUE,
    stream_id TEXT NOT NULL,
    stream_revision INTEGER NOT NULL,
    type TEXT NOT NULL,
    schema_version INTEGER NOT NULL,
    data TEXT NOT NULL,
    metadata TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    previous_hash TEXT NOT NULL,
    hash TEXT NOT NULL,
    UNIQUE (stream_id, stream_revision)
  )`;

/** SQLite reads LIMIT -1 as "no limit". */
const noLimit = -1;

/**
 * The event log in one SQLite file. SQLite has a single writer, so global positions are assigned
 * in commit order and a reader never sees a later position before an earlier one: the global log
 * has no gaps. Every append runs in an IMMEDIATE transaction (shared with the other writes of its
 * turn, see SqliteGroupCommit), which takes the write lock before reading the stream, so concurrent
 * writers (threads or processes) cannot fork a stream.
 *
 * Ownership: a store built with `new` uses the caller's Database and leaves it open on close();
 * a store from `SqliteEventStore.open` opened the file itself and closes it.
 */
export class SqliteEventStore implements EventStore {
  private ownsDatabase = false;
  private readonly pollIntervalMs: number;
  private readonly notificationKey: string;
  private readonly selectById: Database.Statement<[string], EventRow>;
  private readonly selectLastOfStream: Database.Statement<[string], EventRow>;
  private readonly selectStreamForwards: Database.Statement<[string, number, number], EventRow>;
  private readonly selectStreamBackwards: Database.Statement<[string, number, number], EventRow>;
  private readonly selectAfter: Database.Statement<[number, number], EventColumns>;
  private readonly insertEvent: Database.Statement<[ChainedEventRow]>;
  private readonly appendTransaction: Database.Transaction<
    (streamId: string, events: NewEvent[], expected: ExpectedRevision) => AppendResult
  >;
  private readonly groupCommit: SqliteGroupCommit;
  private readonly writer?: SqliteLogWriter;

  constructor(
    private readonly db: Database.Database,
    options: SqliteEventStoreOptions = {},
  ) {
    this.pollIntervalMs = options.pollIntervalMs ?? 25;
    this.writer = options.writer;
    this.notificationKey = db.memory ? db.name : resolve(db.name);
    db.exec(schema);
    this.selectById = db.prepare('SELECT * FROM events WHERE event_id = ?');
    this.selectLastOfStream = db.prepare(
      'SELECT * FROM events WHERE stream_id = ? ORDER BY stream_revision DESC LIMIT 1',
    );
    this.selectStreamForwards = db.prepare(
      'SELECT * FROM events WHERE stream_id = ? AND stream_revision >= ? ORDER BY stream_revision LIMIT ?',
    );
    this.selectStreamBackwards = db.prepare(
      'SELECT * FROM events WHERE stream_id = ? AND stream_revision <= ? ORDER BY stream_revision DESC LIMIT ?',
    );
    this.selectAfter = db
      .prepare<[number, number], EventColumns>(
        `SELECT ${EVENT_COLUMN_LIST} FROM events WHERE global_position > ? ORDER BY global_position LIMIT ?`,
      )
      .raw(true);
    this.insertEvent = db.prepare(`
      INSERT INTO events (event_id, stream_id, stream_revision, type, schema_version, data, metadata,
                          recorded_at, previous_hash, hash)
      VALUES (@event_id, @stream_id, @stream_revision, @type, @schema_version, @data, @metadata,
              @recorded_at, @previous_hash, @hash)`);
    this.appendTransaction = db.transaction((streamId: string, events: NewEvent[], expected: ExpectedRevision) =>
      this.appendWithinTransaction(streamId, events, expected),
    );
    this.groupCommit = SqliteGroupCommit.of(db);
  }

  /** Opens (or creates) the file and returns a store that closes it on close(). */
  static open(filename: string, options: SqliteDatabaseOptions & SqliteEventStoreOptions = {}): SqliteEventStore {
    const db = openSqliteDatabase(filename, options);
    try {
      const store = new SqliteEventStore(db, options);
      store.ownsDatabase = true;
      return store;
    } catch (error) {
      db.close();
      throw error;
    }
  }

  async append(streamId: string, events: NewEvent[], expected: ExpectedRevision): Promise<AppendResult> {
    assertAppendable(streamId, events);
    const result = this.writer
      ? await this.writer.append(streamId, events, expected)
      : await this.groupCommit.write(() => this.appendTransaction(streamId, events, expected));
    if (result.written) {
      appendNotifier.emit(this.notificationKey);
    }
    return result;
  }

  async readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]> {
    const { backwards, fromRevision, maxCount } = streamRange(streamId, options);
    const select = backwards ? this.selectStreamBackwards : this.selectStreamForwards;
    const rows = select.all(streamId, fromRevision, maxCount ?? noLimit);
    if (rows.length === 0 && this.lastRevision(streamId) === -1) {
      throw new StreamNotFoundError(streamId);
    }
    return rows.map(toRecordedEvent);
  }

  async streamRevision(streamId: string): Promise<number> {
    return this.lastRevision(streamId);
  }

  async readAll(after: number, limit: number): Promise<RecordedEvent[]> {
    return this.selectAfter.all(after, limit).map(fromEventColumns);
  }

  async findEvent(eventId: string): Promise<RecordedEvent | undefined> {
    const row = this.selectById.get(eventId);
    return row && toRecordedEvent(row);
  }

  async subscribe(options: SubscribeOptions): Promise<void> {
    const wake = new WakeSignal();
    const notify = () => wake.notify();
    appendNotifier.on(this.notificationKey, notify);
    try {
      await runSubscription(options, {
        // A subscriber passes events on (to Temporal, to read models): only once they are on disk.
        readBatch: async (after, limit) => {
          const events = await this.readAll(after, limit);
          if (events.length > 0) await this.groupCommit.synced();
          return events;
        },
        wake,
        pollIntervalMs: this.pollIntervalMs,
      });
    } finally {
      appendNotifier.off(this.notificationKey, notify);
    }
  }

  async close(): Promise<void> {
    if (this.ownsDatabase) {
      this.db.close();
    }
  }

  private lastRevision(streamId: string): number {
    return this.selectLastOfStream.get(streamId)?.stream_revision ?? -1;
  }

  private appendWithinTransaction(streamId: string, events: NewEvent[], expected: ExpectedRevision): AppendResult {
    const retried = idempotentRetryResult(
      streamId,
      events,
      events.map((event) => {
        const row = this.selectById.get(event.id);
        return row && toRecordedEvent(row);
      }),
    );
    if (retried) {
      return retried;
    }
    const last = this.selectLastOfStream.get(streamId);
    const actual = last ? last.stream_revision : -1;
    if (!expectationHolds(expected, actual)) {
      throw new WrongExpectedRevisionError(streamId, expected, actual);
    }
    const rows = chainEventRows(streamId, actual + 1, events, new Date().toISOString(), last ? last.hash : GENESIS_HASH);
    let lastGlobalPosition = 0;
    for (const row of rows) {
      lastGlobalPosition = Number(this.insertEvent.run(row).lastInsertRowid);
    }
    return { written: true, nextExpectedRevision: actual + events.length, lastGlobalPosition };
  }
}

/** Creates the checkpoints table if missing; projections that write their rows and checkpoint in one transaction call it first. */
export function ensureCheckpointTable(db: Database.Database): void {
  db.exec('CREATE TABLE IF NOT EXISTS checkpoints (name TEXT PRIMARY KEY, position INTEGER NOT NULL)');
}

/**
 * Checkpoints in the same SQLite database as the log (and the read models), never closed by this
 * class; saved by `writer` where the file has one writer in another process.
 */
export class SqliteCheckpointStore implements CheckpointStore {
  private readonly selectPosition: Database.Statement<[string], { position: number }>;
  private readonly upsertPosition: Database.Statement<[string, number]>;
  private readonly groupCommit: SqliteGroupCommit;

  constructor(db: Database.Database, private readonly writer?: SqliteLogWriter) {
    ensureCheckpointTable(db);
    this.selectPosition = db.prepare('SELECT position FROM checkpoints WHERE name = ?');
    this.upsertPosition = db.prepare(
      'INSERT INTO checkpoints (name, position) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET position = excluded.position',
    );
    this.groupCommit = SqliteGroupCommit.of(db);
  }

  async load(name: string): Promise<number> {
    return this.selectPosition.get(name)?.position ?? 0;
  }

  async save(name: string, position: number): Promise<void> {
    if (this.writer) return this.writer.saveCheckpoint(name, position);
    await this.groupCommit.write(() => this.upsertPosition.run(name, position));
  }
}
