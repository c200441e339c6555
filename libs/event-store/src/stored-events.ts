/**
 * What the SQL backends (SQLite and PostgreSQL) share: the row an event is stored as, the rules an
 * append must pass before it writes, and the hash chain over what is written. Both backends keep
 * the same columns, so that one mapping and one set of rules serve them both.
 */
import {
  type AppendResult,
  type ExpectedRevision,
  IdempotencyConflictError,
  type NewEvent,
  type ReadStreamOptions,
  type RecordedEvent,
} from './event-store';
import { canonicalJson, computeEventHash } from './hash-chain';

/** An event as stored: data and metadata are the JSON text that was hashed, kept byte for byte. */
export interface EventRow {
  global_position: number;
  event_id: string;
  stream_id: string;
  stream_revision: number;
  type: string;
  schema_version: number;
  data: string;
  metadata: string;
  /** The exact ISO-8601 text that was hashed: a timestamp type would not give it back verbatim. */
  recorded_at: string;
  previous_hash: string;
  hash: string;
}

/** An event row before the store has given it a global position. */
export type ChainedEventRow = Omit<EventRow, 'global_position'>;

export function toRecordedEvent(row: EventRow): RecordedEvent {
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

/** The columns of EVENT_COLUMN_LIST, in order, as one row read in array mode. */
export type EventColumns = [number, string, string, number, string, number, string, string, string, string, string];

/** The columns, in the order `fromEventColumns` expects, for reads in array mode. */
export const EVENT_COLUMN_LIST =
  'global_position, event_id, stream_id, stream_revision, type, schema_version, data, metadata, recorded_at, previous_hash, hash';

/**
 * The same mapping for a row read as an array: the global log is read in bulk, and drivers build
 * arrays much faster than objects (better-sqlite3 reads the log about 1.5× faster this way).
 */
export function fromEventColumns([globalPosition, id, streamId, revision, type, schemaVersion, data, metadata, recordedAt, previousHash, hash]: EventColumns): RecordedEvent {
  return {
    id,
    type,
    streamId,
    revision,
    globalPosition,
    recordedAt,
    schemaVersion,
    data: JSON.parse(data),
    metadata: JSON.parse(metadata),
    previousHash,
    hash,
  };
}

/** Rejects batches no backend could store as one append. */
export function assertAppendable(streamId: string, events: NewEvent[]): void {
  if (events.length === 0) {
    throw new Error(`stream ${streamId}: an append needs at least one event`);
  }
  if (new Set(events.map((event) => event.id)).size !== events.length) {
    throw new Error(`stream ${streamId}: the same event id appears twice in one append`);
  }
}

export function expectationHolds(expected: ExpectedRevision, actual: number): boolean {
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

/** What the retry check needs of a stored event: a RecordedEvent, or a row read back with `toRecordedEvent`. */
export type StoredEventFacts = Pick<RecordedEvent, 'streamId' | 'revision' | 'globalPosition' | 'type' | 'data'>;

/**
 * Decides whether an append whose event ids are partly or wholly stored already is a retry, for
 * every backend. `stored[i]` is the stored event with the id of `events[i]`, if any. A retry of
 * events already stored returns the revision and position of the last of them, whatever the
 * expected revision; anything short of the whole batch at consecutive revisions of this stream,
 * with the same types and data, is a conflict. Undefined when none of the ids is stored: a plain append.
 */
export function idempotentRetryResult(
  streamId: string,
  events: NewEvent[],
  stored: Array<StoredEventFacts | undefined>,
): AppendResult | undefined {
  const firstStoredIndex = stored.findIndex((event) => event !== undefined);
  if (firstStoredIndex === -1) {
    return undefined;
  }
  if (stored.some((event) => event === undefined)) {
    throw new IdempotencyConflictError(streamId, events[firstStoredIndex].id);
  }
  const storedEvents = stored as StoredEventFacts[];
  storedEvents.forEach((storedEvent, index) => {
    const event = events[index];
    const isSameEvent =
      storedEvent.streamId === streamId &&
      storedEvent.revision === storedEvents[0].revision + index &&
      storedEvent.type === event.type &&
      canonicalJson(storedEvent.data) === canonicalJson(event.data);
    if (!isSameEvent) {
      throw new IdempotencyConflictError(streamId, event.id);
    }
  });
  const last = storedEvents[storedEvents.length - 1];
  return { written: false, nextExpectedRevision: last.revision, lastGlobalPosition: last.globalPosition };
}

/**
 * The rows of an append at consecutive revisions from `firstRevision`, each hash chained to the
 * one before, the first to `previousHash` (the hash of the stream's current last event).
 */
export function chainEventRows(
  streamId: string,
  firstRevision: number,
  events: NewEvent[],
  recordedAt: string,
  previousHash: string,
): ChainedEventRow[] {
  let chainedTo = previousHash;
  return events.map((event, index) => {
    const row = chainedRow(streamId, firstRevision + index, event, recordedAt, chainedTo);
    chainedTo = row.hash;
    return row;
  });
}

function chainedRow(
  streamId: string,
  revision: number,
  event: NewEvent,
  recordedAt: string,
  previousHash: string,
): ChainedEventRow {
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

/** A stream read as SQL bounds: revisions from `fromRevision` in the direction, at most `maxCount` (null: all). */
export interface StreamRange {
  backwards: boolean;
  fromRevision: number;
  maxCount: number | null;
}

/** Fills in the defaults of a stream read: forwards from 0, backwards from the last revision. */
export function streamRange(streamId: string, options: ReadStreamOptions = {}): StreamRange {
  const backwards = options.direction === 'backwards';
  const fromRevision = options.fromRevision ?? (backwards ? Number.MAX_SAFE_INTEGER : 0);
  const maxCount = options.maxCount ?? null;
  assertCount(streamId, 'fromRevision', fromRevision);
  if (maxCount !== null) assertCount(streamId, 'maxCount', maxCount);
  return { backwards, fromRevision, maxCount };
}

function assertCount(streamId: string, name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`stream ${streamId}: ${name} must be a whole number >= 0, got ${value}`);
  }
}
