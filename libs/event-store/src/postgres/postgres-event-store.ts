import { type ClientBase, type CustomTypesConfig, DatabaseError, Pool, types } from 'pg';
import {
  type AppendResult,
  type CheckpointStore,
  type EventStore,
  type ExpectedRevision,
  IdempotencyConflictError,
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
} from '../stored-events';
import { runSubscription, WakeSignal } from '../subscription';
import { appendChannel, maxEventsPerAppend, migratePostgresEventStore } from './postgres-schema';

export interface PostgresEventStoreOptions {
  /**
   * How long an idle subscription waits before reading again without a notification. Needed
   * because a notified event can still be held back behind an older open transaction, which may
   * end without notifying (see PostgresEventStore). Default 250.
   */
  pollIntervalMs?: number;
}

export interface PostgresConnectOptions extends PostgresEventStoreOptions {
  /** Connections in the pool (pg's `max`). Every running subscription holds one of them. Default 10. */
  poolSize?: number;
  /**
   * Aborts any statement running longer than this, an append waiting for its stream's lock
   * included (pg's `statement_timeout`). Default 30000; 0 turns it off.
   */
  statementTimeoutMs?: number;
}

/** Any xid at or past this would put global positions past Number.MAX_SAFE_INTEGER. */
const firstUnsafeTransactionId = 2n ** 53n / BigInt(maxEventsPerAppend);

/** Throws if positions derived from this transaction id could not be held exactly by a JS number. */
export function assertTransactionIdFitsPositions(transactionId: string): void {
  if (BigInt(transactionId) >= firstUnsafeTransactionId) {
    throw new Error(
      `transaction id ${transactionId} is 2^41 or more: global positions (xid * ${maxEventsPerAppend} + index) ` +
        'would exceed Number.MAX_SAFE_INTEGER; the position scheme of the PostgreSQL event store must change',
    );
  }
}

function parseSafeInteger(text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value)) {
    throw new Error(`integer ${text} read from PostgreSQL is beyond Number.MAX_SAFE_INTEGER`);
  }
  return value;
}

/**
 * How rows are read: bigint columns as exact JS numbers, json columns as their stored text (pg
 * would parse them; the shared row mapping parses the text that was hashed).
 */
const rowTypes: CustomTypesConfig = {
  getTypeParser: (oid, format) => {
    if (oid === types.builtins.INT8) return parseSafeInteger;
    if (oid === types.builtins.JSON) return (text: string) => text;
    return types.getTypeParser(oid, format);
  },
};

type Queryable = Pool | ClientBase;

/**
 * `name` prepares the statement once per connection, for those an append runs every time: the
 * insert's plan alone took longer than the rest of its round trip.
 */
async function queryRows<Row>(db: Queryable, text: string, values: unknown[], name?: string): Promise<Row[]> {
  const result = await db.query({ text, values, types: rowTypes, name });
  return result.rows as Row[];
}

const eventColumns =
  'global_position, event_id, stream_id, stream_revision, type, schema_version, data, metadata, recorded_at, previous_hash, hash';

const insertedColumnTypes: Record<keyof ChainedEventRow, string> = {
  event_id: 'text',
  stream_id: 'text',
  stream_revision: 'bigint',
  type: 'text',
  schema_version: 'integer',
  data: 'json',
  metadata: 'json',
  recorded_at: 'text',
  previous_hash: 'text',
  hash: 'text',
};
const insertedColumns = Object.keys(insertedColumnTypes) as Array<keyof ChainedEventRow>;


/**
 * Everything behind the oldest transaction still running: each of those transactions has ended,
 * and any transaction ending later has a larger id, hence larger positions. So reading in position
 * order below this line never skips an event that commits later.
 */
const committedBehindOldestOpenTransaction = 'transaction_id < pg_snapshot_xmin(pg_current_snapshot())';

/**
 * The event log in PostgreSQL, shared by any number of processes.
 *
 * Global positions: concurrent transactions commit out of the order in which they took a sequence
 * number, so a reader of `position > checkpoint` by a sequence would pass a slower transaction's
 * events before they commit and skip them for good. Here an event's position is its transaction's
 * id * 4096 + its index in the append, and readers (readAll, subscribe) only read events of
 * transactions older than the oldest one still open. Delivery order is position order, and no
 * event can later appear below a position already delivered.
 *
 * The price: any long-running transaction that has written anything, in any database of the same
 * PostgreSQL cluster, holds every reader back until it ends. Keep transactions short, and set
 * `idle_in_transaction_session_timeout` so an abandoned one cannot stall the log for long.
 *
 * Appends: one transaction each, which locks the stream's row in `streams` (created on first
 * use) before it checks anything, so concurrent appenders to a stream queue there and each one
 * sees the revision its predecessor committed. One lock per append cannot deadlock, and the
 * revision a loser is told is the one it was compared against.
 *
 * Ownership: a store built with `new` uses the caller's pool (already migrated with
 * `migratePostgresEventStore`) and leaves it open on close(); `PostgresEventStore.connect` makes
 * its own pool, migrates, and ends the pool on close().
 */
export class PostgresEventStore implements EventStore {
  private ownsPool = false;
  private readonly pollIntervalMs: number;

  constructor(
    readonly pool: Pool,
    options: PostgresEventStoreOptions = {},
  ) {
    this.pollIntervalMs = options.pollIntervalMs ?? 250;
  }

  /** Opens a pool of its own to the database, migrates the schema, and returns a store that ends the pool on close(). */
  static async connect(connectionString: string, options: PostgresConnectOptions = {}): Promise<PostgresEventStore> {
    const pool = new Pool({
      connectionString,
      max: options.poolSize ?? 10,
      statement_timeout: options.statementTimeoutMs ?? 30_000,
    });
    // An idle connection that breaks (a server restart) is dropped by the pool and replaced on the
    // next query; without a listener the error would crash the process.
    pool.on('error', () => undefined);
    try {
      await migratePostgresEventStore(pool);
    } catch (error) {
      await pool.end();
      throw error;
    }
    const store = new PostgresEventStore(pool, options);
    store.ownsPool = true;
    return store;
  }

  async append(streamId: string, events: NewEvent[], expected: ExpectedRevision): Promise<AppendResult> {
    assertAppendable(streamId, events);
    if (events.length > maxEventsPerAppend) {
      throw new Error(
        `stream ${streamId}: an append holds at most ${maxEventsPerAppend} events, got ${events.length}; split it`,
      );
    }
    try {
      return await appendThrough(this.pool, streamId, events, expected);
    } catch (error) {
      // Stream appends are serialised by the stream lock, so the same id can only have come in
      // concurrently through another stream.
      if (error instanceof DatabaseError && error.code === uniqueViolation && error.constraint === 'events_event_id_key') {
        throw new IdempotencyConflictError(streamId, await this.firstStoredEventId(events));
      }
      throw error;
    }
  }

  async readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]> {
    const { backwards, fromRevision, maxCount } = streamRange(streamId, options);
    const rows = await queryRows<EventRow>(
      this.pool,
      backwards
        ? `SELECT ${eventColumns} FROM events WHERE stream_id = $1 AND stream_revision <= $2 ORDER BY stream_revision DESC LIMIT $3`
        : `SELECT ${eventColumns} FROM events WHERE stream_id = $1 AND stream_revision >= $2 ORDER BY stream_revision LIMIT $3`,
      [streamId, fromRevision, maxCount],
    );
    if (rows.length === 0 && (await this.streamRevision(streamId)) === -1) {
      throw new StreamNotFoundError(streamId);
    }
    return rows.map(toRecordedEvent);
  }

  async streamRevision(streamId: string): Promise<number> {
    const [row] = await queryRows<{ revision: number | null }>(
      this.pool,
      'SELECT max(stream_revision) AS revision FROM events WHERE stream_id = $1',
      [streamId],
    );
    return row.revision ?? -1;
  }

  async readAll(after: number, limit: number): Promise<RecordedEvent[]> {
    return readCommittedAfter(this.pool, after, limit);
  }

  async findEvent(eventId: string): Promise<RecordedEvent | undefined> {
    const [row] = await queryRows<EventRow>(this.pool, `SELECT ${eventColumns} FROM events WHERE event_id = $1`, [eventId]);
    return row && toRecordedEvent(row);
  }

  /**
   * Reads and listens through one connection of its own, held until the subscription ends. Rejects
   * if that connection fails; the caller restarts from its checkpoint.
   */
  async subscribe(options: SubscribeOptions): Promise<void> {
    const listener = await this.pool.connect();
    const wake = new WakeSignal();
    const notify = () => wake.notify();
    listener.on('notification', notify);
    // The failed query that follows reports the error; this only keeps it from crashing the process.
    listener.on('error', notify);
    try {
      await listener.query(`LISTEN ${appendChannel}`);
      await runSubscription(options, {
        readBatch: (after, limit) => readCommittedAfter(listener, after, limit),
        wake,
        pollIntervalMs: this.pollIntervalMs,
      });
    } finally {
      listener.off('notification', notify);
      listener.off('error', notify);
      // Closed rather than returned to the pool, which would hand a listening session to others.
      listener.release(true);
    }
  }

  async close(): Promise<void> {
    if (this.ownsPool) {
      await this.pool.end();
    }
  }

  private async firstStoredEventId(events: NewEvent[]): Promise<string> {
    const ids = events.map((event) => event.id);
    const rows = await queryRows<{ event_id: string }>(this.pool, 'SELECT event_id FROM events WHERE event_id = ANY($1)', [ids]);
    const stored = new Set(rows.map((row) => row.event_id));
    return ids.find((id) => stored.has(id)) ?? ids[0];
  }
}

const uniqueViolation = '23505';

function readCommittedAfter(db: Queryable, after: number, limit: number): Promise<RecordedEvent[]> {
  return queryRows<EventRow>(
    db,
    `SELECT ${eventColumns} FROM events
     WHERE global_position > $1 AND ${committedBehindOldestOpenTransaction}
     ORDER BY global_position LIMIT $2`,
    [after, limit],
  ).then((rows) => rows.map(toRecordedEvent));
}

/**
 * One append, through `db`: on a pool its write is a transaction of its own (the store's appends);
 * on a client in a transaction the caller opened, it commits with that transaction (tests that
 * hold an append open). At most one append per transaction: positions are the transaction id *
 * 4096 + index, so a second append in the same transaction fails on the primary key.
 *
 * Two round trips: the stream's head is read, the rows are chained to it, and one statement
 * inserts them and moves the head only if the head is still the one read. That statement locks
 * the head's row in `streams` and checks it against the latest committed version, so two appends
 * chained to the same head cannot both write; the one that finds the head moved reads it again.
 * Only when the expectation fails or an event id is already stored does it read what is stored,
 * to tell an idempotent retry from a conflict.
 */
export async function appendThrough(
  db: Queryable,
  streamId: string,
  events: NewEvent[],
  expected: ExpectedRevision,
): Promise<AppendResult> {
  for (;;) {
    const head = await readStreamHead(db, streamId);
    if (!expectationHolds(expected, head.revision)) {
      return retriedOrRefused(db, streamId, events, expected, head.revision);
    }
    const rows = chainEventRows(streamId, head.revision + 1, events, new Date().toISOString(), head.hash);
    const [outcome] = await queryRows<{ already_stored: number; last_position: number | null; transaction_id: string }>(
      db,
      insertAndAdvanceSql,
      [
        ...insertedColumns.map((column) => rows.map((row) => row[column])),
        events.map((event) => event.id),
        streamId,
        head.revision,
        head.revision + events.length,
        appendChannel,
        firstUnsafeTransactionId.toString(),
      ],
      'yixin_append',
    );
    assertTransactionIdFitsPositions(outcome.transaction_id);
    if (outcome.already_stored > 0) {
      return retriedOrRefused(db, streamId, events, expected, head.revision);
    }
    if (outcome.last_position !== null) {
      return { written: true, nextExpectedRevision: head.revision + events.length, lastGlobalPosition: outcome.last_position };
    }
    // Another append moved the head after it was read: nothing was written; read it again.
  }
}

/** The stream's last revision and the hash of its event; -1 and the genesis hash for a stream not yet written. */
async function readStreamHead(db: Queryable, streamId: string): Promise<{ revision: number; hash: string }> {
  const [head] = await queryRows<{ revision: number; hash: string | null }>(
    db,
    `SELECT streams.revision, events.hash
     FROM streams LEFT JOIN events ON events.stream_id = streams.stream_id AND events.stream_revision = streams.revision
     WHERE streams.stream_id = $1`,
    [streamId],
    'yixin_stream_head',
  );
  if (!head || head.revision === -1) return { revision: -1, hash: GENESIS_HASH };
  // The head and its event commit together, so a snapshot that sees one sees the other.
  if (head.hash === null) throw new Error(`stream ${streamId}: its last event (revision ${head.revision}) is missing from the log`);
  return { revision: head.revision, hash: head.hash };
}

/** An append whose expectation failed or some of whose ids are stored: an idempotent retry, or refused. */
async function retriedOrRefused(
  db: Queryable,
  streamId: string,
  events: NewEvent[],
  expected: ExpectedRevision,
  actual: number,
): Promise<AppendResult> {
  const stored = await queryRows<EventRow>(db, `SELECT ${eventColumns} FROM events WHERE event_id = ANY($1)`, [
    events.map((event) => event.id),
  ]);
  const storedById = new Map(stored.map((row) => [row.event_id, toRecordedEvent(row)]));
  const retried = idempotentRetryResult(streamId, events, events.map((event) => storedById.get(event.id)));
  if (retried) {
    return retried;
  }
  throw new WrongExpectedRevisionError(streamId, expected, actual);
}

const parameterAfterColumns = (offset: number) => `$${insertedColumns.length + offset}`;
const eventIdsParameter = parameterAfterColumns(1);
const streamIdParameter = parameterAfterColumns(2);
const headRevisionParameter = parameterAfterColumns(3);
const nextRevisionParameter = parameterAfterColumns(4);
const channelParameter = parameterAfterColumns(5);
const firstUnsafeTransactionIdParameter = parameterAfterColumns(6);
const transactionIdAsBigint = 'pg_current_xact_id()::text::bigint';

/**
 * Moves the stream's head from the revision read to the next one (creating it for a new stream),
 * then inserts the rows; writes nothing if the head has moved, if any of the event ids is stored
 * already, or if the transaction id would put positions past Number.MAX_SAFE_INTEGER. Notifies
 * listeners (on commit) when it wrote. ON CONFLICT … DO UPDATE … WHERE waits for a concurrent
 * append to the stream and checks the head it committed, even in a snapshot taken before.
 */
const insertAndAdvanceSql = `
  WITH already AS (
    SELECT count(*)::integer AS stored FROM events WHERE event_id = ANY(${eventIdsParameter}::text[])
  ), advanced AS (
    INSERT INTO streams (stream_id, revision)
    SELECT ${streamIdParameter}, ${nextRevisionParameter}
    FROM already
    WHERE already.stored = 0 AND ${transactionIdAsBigint} < ${firstUnsafeTransactionIdParameter}::bigint
    ON CONFLICT (stream_id) DO UPDATE SET revision = excluded.revision WHERE streams.revision = ${headRevisionParameter}
    RETURNING stream_id
  ), inserted AS (
    INSERT INTO events (global_position, ${insertedColumns.join(', ')})
    SELECT ${transactionIdAsBigint} * ${maxEventsPerAppend} + batch.ordinal - 1,
           ${insertedColumns.map((column) => `batch.${column}`).join(', ')}
    FROM unnest(${insertedColumns.map((column, index) => `$${index + 1}::${insertedColumnTypes[column]}[]`).join(', ')})
         WITH ORDINALITY AS batch (${insertedColumns.join(', ')}, ordinal)
    WHERE EXISTS (SELECT 1 FROM advanced)
    RETURNING global_position
  )
  SELECT already.stored AS already_stored,
         (SELECT max(global_position) FROM inserted) AS last_position,
         pg_current_xact_id()::text AS transaction_id,
         CASE WHEN EXISTS (SELECT 1 FROM advanced) THEN pg_notify(${channelParameter}, ${streamIdParameter}) END AS notified
  FROM already`;

/** Records a checkpoint through the given client, so it can join the caller's transaction with the rows it covers. */
export async function savePostgresCheckpoint(db: Queryable, name: string, position: number): Promise<void> {
  await db.query(
    'INSERT INTO checkpoints (name, position) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET position = excluded.position',
    [name, position],
  );
}

/** Checkpoints in the same PostgreSQL database as the log, in the table the migrations create. */
export class PostgresCheckpointStore implements CheckpointStore {
  constructor(private readonly pool: Pool) {}

  async load(name: string): Promise<number> {
    const [row] = await queryRows<{ position: number }>(this.pool, 'SELECT position FROM checkpoints WHERE name = $1', [name]);
    return row?.position ?? 0;
  }

  async save(name: string, position: number): Promise<void> {
    await savePostgresCheckpoint(this.pool, name, position);
  }
}
