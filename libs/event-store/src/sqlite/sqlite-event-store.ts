import { EventEmitter } from 'node:events';
import { resolve } from 'node:path';
import type Database from 'better-sqlite3';
import {
  type AppendResult,
  type CheckpointStore,
  type EventStore,
  type ExpectedRevision,
  IdempotencyConflictError,
  type NewEvent,
  type RecordedEvent,
  type SubscribeOptions,
  WrongExpectedRevisionError,
} from '../event-store';
import { canonicalJson, computeEventHash, GENESIS_HASH } from '../hash-chain';
import { openSqliteDatabase, type SqliteDatabaseOptions } from './sqlite-database';

export interface SqliteEventStoreOptions {
  /**
   * How often an idle subscription looks for events appended by other processes; appends made in
   * this process wake it at once. Default 100.
   */
  pollIntervalMs?: number;
}

const subscriptionBatchSize = 500;
const firstRetryDelayMs = 200;
const maxRetryDelayMs = 5000;

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

interface EventRow {
  global_position: number;
  event_id: string;
  stream_id: string;
  stream_revision: number;
  type: string;
  schema_version: number;
  data: string;
  metadata: string;
  recorded_at: string;
  previous_hash: string;
  hash: string;
}

type EventRowInsert = Omit<EventRow, 'global_position'>;

/**
 * The event log in one SQLite file. SQLite has a single writer, so global positions are assigned
 * in commit order and a reader never sees a later position before an earlier one: the global log
 * has no gaps. Every append runs in an IMMEDIATE transaction, which takes the write lock before
 * reading the stream, so concurrent writers (threads or processes) cannot fork a stream.
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
  private readonly selectStream: Database.Statement<[string, number], EventRow>;
  private readonly selectAfter: Database.Statement<[number, number], EventRow>;
  private readonly insertEvent: Database.Statement<[EventRowInsert]>;
  private readonly appendTransaction: Database.Transaction<
    (streamId: string, events: NewEvent[], expected: ExpectedRevision) => AppendResult
  >;

  constructor(
    private readonly db: Database.Database,
    options: SqliteEventStoreOptions = {},
  ) {
    this.pollIntervalMs = options.pollIntervalMs ?? 100;
    this.notificationKey = db.memory ? db.name : resolve(db.name);
    db.exec(schema);
    this.selectById = db.prepare('SELECT * FROM events WHERE event_id = ?');
    this.selectLastOfStream = db.prepare(
      'SELECT * FROM events WHERE stream_id = ? ORDER BY stream_revision DESC LIMIT 1',
    );
    this.selectStream = db.prepare(
      'SELECT * FROM events WHERE stream_id = ? AND stream_revision >= ? ORDER BY stream_revision',
    );
    this.selectAfter = db.prepare('SELECT * FROM events WHERE global_position > ? ORDER BY global_position LIMIT ?');
    this.insertEvent = db.prepare(`
      INSERT INTO events (event_id, stream_id, stream_revision, type, schema_version, data, metadata,
                          recorded_at, previous_hash, hash)
      VALUES (@event_id, @stream_id, @stream_revision, @type, @schema_version, @data, @metadata,
              @recorded_at, @previous_hash, @hash)`);
    this.appendTransaction = db.transaction((streamId: string, events: NewEvent[], expected: ExpectedRevision) =>
      this.appendWithinTransaction(streamId, events, expected),
    );
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
    if (events.length === 0) {
      throw new Error(`stream ${streamId}: an append needs at least one event`);
    }
    if (new Set(events.map((event) => event.id)).size !== events.length) {
      throw new Error(`stream ${streamId}: the same event id appears twice in one append`);
    }
    const result = this.appendTransaction.immediate(streamId, events, expected);
    if (result.written) {
      appendNotifier.emit(this.notificationKey);
    }
    return result;
  }

  async readStream(streamId: string, fromRevision = 0): Promise<RecordedEvent[]> {
    return this.selectStream.all(streamId, fromRevision).map(toRecordedEvent);
  }

  async readAll(after: number, limit: number): Promise<RecordedEvent[]> {
    return this.readAfter(after, limit);
  }

  async findEvent(eventId: string): Promise<RecordedEvent | undefined> {
    const row = this.selectById.get(eventId);
    return row && toRecordedEvent(row);
  }

  async subscribe({ after, handler, signal, onError }: SubscribeOptions): Promise<void> {
    let cursor = after;
    while (!signal.aborted) {
      // Read synchronously and start waiting in the same tick, so that no notification slips in between.
      const batch = this.readAfter(cursor, subscriptionBatchSize);
      if (batch.length === 0) {
        await sleep(this.pollIntervalMs, signal, this.notificationKey);
        continue;
      }
      for (const event of batch) {
        if (!(await deliverUntilHandled(event, { handler, signal, onError }))) {
          return;
        }
        cursor = event.globalPosition;
      }
    }
  }

  async close(): Promise<void> {
    if (this.ownsDatabase) {
      this.db.close();
    }
  }

  private readAfter(after: number, limit: number): RecordedEvent[] {
    return this.selectAfter.all(after, limit).map(toRecordedEvent);
  }

  private appendWithinTransaction(streamId: string, events: NewEvent[], expected: ExpectedRevision): AppendResult {
    const retried = this.findIdempotentRetry(streamId, events);
    if (retried) {
      return retried;
    }
    const last = this.selectLastOfStream.get(streamId);
    const actual = last ? last.stream_revision : -1;
    if (!expectationHolds(expected, actual)) {
      throw new WrongExpectedRevisionError(streamId, expected, actual);
    }
    const recordedAt = new Date().toISOString();
    let previousHash = last ? last.hash : GENESIS_HASH;
    let lastGlobalPosition = 0;
    events.forEach((event, index) => {
      const row = chainedRow(streamId, actual + 1 + index, event, recordedAt, previousHash);
      lastGlobalPosition = Number(this.insertEvent.run(row).lastInsertRowid);
      previousHash = row.hash;
    });
    return { written: true, nextExpectedRevision: actual + events.length, lastGlobalPosition };
  }

  /**
   * A retry of events already stored returns the revision and position of the last of them,
   * whatever the expected revision. Anything short of the whole batch at consecutive revisions of
   * this stream, with the same types and data, is a conflict rather than a retry.
   */
  private findIdempotentRetry(streamId: string, events: NewEvent[]): AppendResult | undefined {
    const rows = events.map((event) => this.selectById.get(event.id));
    const firstStoredIndex = rows.findIndex((row) => row !== undefined);
    if (firstStoredIndex === -1) {
      return undefined;
    }
    if (rows.some((row) => row === undefined)) {
      throw new IdempotencyConflictError(streamId, events[firstStoredIndex].id);
    }
    const stored = rows as EventRow[];
    stored.forEach((row, index) => {
      const event = events[index];
      const isSameEvent =
        row.stream_id === streamId &&
        row.stream_revision === stored[0].stream_revision + index &&
        row.type === event.type &&
        canonicalJson(JSON.parse(row.data)) === canonicalJson(event.data);
      if (!isSameEvent) {
        throw new IdempotencyConflictError(streamId, event.id);
      }
    });
    const last = stored[stored.length - 1];
    return { written: false, nextExpectedRevision: last.stream_revision, lastGlobalPosition: last.global_position };
  }
}

function expectationHolds(expected: ExpectedRevision, actual: number): boolean {
  switch (expected) {
    case 'any':
      return true;
    case 'no_stream':
      return actual === -1;
    case 'stream_exists':
      return actual >= 0;
    default:
      return expected === actual;
  }
}

function chainedRow(
  streamId: string,
  revision: number,
  event: NewEvent,
  recordedAt: string,
  previousHash: string,
): EventRowInsert {
  const data = JSON.stringify(event.data);
  const metadata = JSON.stringify(event.metadata);
  const schemaVersion = event.schemaVersion ?? 1;
  // Hash what will be read back (the stored JSON), not the caller's objects, which may hold values
  // JSON turns into something else (dates, undefined, NaN).
  const hash = computeEventHash({
    previousHash,
    id: event.id,
    type: event.type,
    streamId,
    revision,
    recordedAt,
    schemaVersion,
    data: JSON.parse(data),
    metadata: JSON.parse(metadata),
  });
  return {
    event_id: event.id,
    stream_id: streamId,
    stream_revision: revision,
    type: event.type,
    schema_version: schemaVersion,
    data,
    metadata,
    recorded_at: recordedAt,
    previous_hash: previousHash,
    hash,
  };
}

function toRecordedEvent(row: EventRow): RecordedEvent {
  return {
    id: row.event_id,
    type: row.type,
    streamId: row.stream_id,
    revision: row.stream_revision,
    globalPosition: row.global_position,
    recordedAt: row.recorded_at,
    schemaVersion: row.schema_version,
    data: JSON.parse(row.data),
    metadata: JSON.parse(row.metadata),
    previousHash: row.previous_hash,
    hash: row.hash,
  };
}

/** Hands the event to the handler until it succeeds, backing off between failures; false if aborted first. */
async function deliverUntilHandled(
  event: RecordedEvent,
  { handler, signal, onError }: Omit<SubscribeOptions, 'after'>,
): Promise<boolean> {
  for (let failures = 0; !signal.aborted; failures++) {
    try {
      await handler(event);
      return true;
    } catch (error) {
      onError?.(error, event);
      await sleep(Math.min(firstRetryDelayMs * 2 ** failures, maxRetryDelayMs), signal);
    }
  }
  return false;
}

/** Waits for the delay, an abort, or (if given) an append notification, whichever comes first. */
function sleep(ms: number, signal: AbortSignal, wakeOnAppendTo?: string): Promise<void> {
  if (signal.aborted) {
    return Promise.resolve();
  }
  return new Promise((resolveSleep) => {
    const wake = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', wake);
      if (wakeOnAppendTo !== undefined) {
        appendNotifier.off(wakeOnAppendTo, wake);
      }
      resolveSleep();
    };
    const timer = setTimeout(wake, ms);
    signal.addEventListener('abort', wake);
    if (wakeOnAppendTo !== undefined) {
      appendNotifier.on(wakeOnAppendTo, wake);
    }
  });
}

/** Creates the checkpoints table if missing; projections that write their rows and checkpoint in one transaction call it first. */
export function ensureCheckpointTable(db: Database.Database): void {
  db.exec('CREATE TABLE IF NOT EXISTS checkpoints (name TEXT PRIMARY KEY, position INTEGER NOT NULL)');
}

/** Records a checkpoint synchronously, so it can join a caller's `db.transaction` with the rows it covers. */
export function saveCheckpointSync(db: Database.Database, name: string, position: number): void {
  db.prepare(
    'INSERT INTO checkpoints (name, position) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET position = excluded.position',
  ).run(name, position);
}

/** Checkpoints in the same SQLite database as the log (and the read models), never closed by this class. */
export class SqliteCheckpointStore implements CheckpointStore {
  private readonly selectPosition: Database.Statement<[string], { position: number }>;

  constructor(private readonly db: Database.Database) {
    ensureCheckpointTable(db);
    this.selectPosition = db.prepare('SELECT position FROM checkpoints WHERE name = ?');
  }

  async load(name: string): Promise<number> {
    return this.selectPosition.get(name)?.position ?? 0;
  }

  async save(name: string, position: number): Promise<void> {
    saveCheckpointSync(this.db, name, position);
  }
}
