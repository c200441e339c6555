/**
 * The port every event-store backend implements (SQLite, PostgreSQL, KurrentDB).
 * The log is the system of record: appends are optimistic-concurrent and idempotent by event id,
 * and the global log is read in commit order: a reader never skips an event, even one committed
 * late by a slower concurrent writer.
 */

/** Who caused an event, as recorded in its envelope. */
export interface EventActor {
  userId: string;
  role: string;
  organisationId: string;
}

export interface EventMetadata {
  actor: EventActor;
  /** The administrative tier acting: community, street or district. */
  tier: string;
  /** The id of the command that produced the event. */
  correlationId: string;
  /** The id of the message (command or event) that caused that command. */
  causationId: string;
}

export interface NewEvent {
  id: string;
  type: string;
  data: Record<string, unknown>;
  metadata: EventMetadata;
  schemaVersion?: number;
}

export interface RecordedEvent {
  id: string;
  type: string;
  streamId: string;
  /** 0-based position of the event within its stream. */
  revision: number;
  /**
   * Position of the event in the global log: strictly increasing in the order readAll and
   * subscribe deliver events, unique across the log, not necessarily contiguous (PostgreSQL and
   * KurrentDB leave holes). Checkpoints are these numbers.
   */
  globalPosition: number;
  /** ISO-8601 instant at which the store recorded the event. */
  recordedAt: string;
  schemaVersion: number;
  data: Record<string, unknown>;
  metadata: EventMetadata;
  /** Hash of the previous event of the stream (64 zeros for the first). */
  previousHash: string;
  /** sha256 over this event's content and previousHash. */
  hash: string;
}

/**
 * What the writer believes about the stream: that it does not exist yet, that it exists,
 * that its last event has exactly this revision, or nothing at all.
 */
export type ExpectedRevision = 'no_stream' | 'stream_exists' | 'any' | number;

export interface AppendResult {
  /** Revision of the stream's last event after the append. */
  nextExpectedRevision: number;
  /** Global position of the last event of the append. */
  lastGlobalPosition: number;
  /** False when every event was already stored (an idempotent retry). */
  written: boolean;
}

/** Handles a batch of one or more events, in delivery order; the next batch comes once it resolves. */
export type EventBatchHandler = (events: RecordedEvent[]) => Promise<void>;

export interface ReadStreamOptions {
  /** Forwards (default) from the first revision; backwards from the last. */
  direction?: 'forwards' | 'backwards';
  /** First revision to read, inclusive, in the chosen direction. */
  fromRevision?: number;
  maxCount?: number;
}

export interface SubscribeOptions {
  /** Deliver events with a global position strictly greater than this (0 = from the start). */
  after: number;
  /** Only events of streams whose id starts with this (filtered by the server where it can). */
  streamPrefix?: string;
  handler: EventBatchHandler;
  /** Ends the subscription. */
  signal: AbortSignal;
  /** Called when the handler throws; the subscription retries the same batch after a pause. */
  onError?: (error: unknown, events: RecordedEvent[]) => void;
}

export interface EventStore {
  append(streamId: string, events: NewEvent[], expected: ExpectedRevision): Promise<AppendResult>;
  /** Events of one stream in revision order; throws StreamNotFoundError if the stream has none. */
  readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  /** Revision of the stream's last event; -1 if the stream does not exist. */
  streamRevision(streamId: string): Promise<number>;
  /** Up to `limit` events of the global log with position > `after`, in commit order. */
  readAll(after: number, limit: number): Promise<RecordedEvent[]>;
  /** Catches up from `after`, then delivers new events as they are committed, in batches (a handler at a time). */
  subscribe(options: SubscribeOptions): Promise<void>;
  /** The event with this id, if stored. */
  findEvent(eventId: string): Promise<RecordedEvent | undefined>;
  close(): Promise<void>;
}

/** Durable named positions in the global log, for subscribers that process at least once. */
export interface CheckpointStore {
  load(name: string): Promise<number>;
  save(name: string, position: number): Promise<void>;
}

export class WrongExpectedRevisionError extends Error {
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedRevision,
    /** Revision of the stream's last event, or -1 if the stream does not exist. */
    readonly actual: number,
  ) {
    super(`stream ${streamId}: expected revision ${String(expected)}, actual ${actual}`);
    this.name = 'WrongExpectedRevisionError';
  }
}

export class StreamNotFoundError extends Error {
  constructor(readonly streamId: string) {
    super(`stream ${streamId} not found`);
    this.name = 'StreamNotFoundError';
  }
}

/** Reads a stream that may not exist yet: an absent stream is an empty one. */
export async function readStreamOrEmpty(store: EventStore, streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]> {
  try {
    return await store.readStream(streamId, options);
  } catch (error) {
    if (error instanceof StreamNotFoundError) return [];
    throw error;
  }
}

/** Some but not all events of an append were already stored, or stored elsewhere. */
export class IdempotencyConflictError extends Error {
  constructor(readonly streamId: string, readonly eventId: string) {
    super(`stream ${streamId}: event ${eventId} was already stored with different content or position`);
    this.name = 'IdempotencyConflictError';
  }
}
