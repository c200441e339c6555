/**
 * How the port's streams, events, revisions and positions are written to and read from KurrentDB.
 * Nothing here talks to the server, so all of it is tested without one (kurrentdb-mapping.unit.spec.ts).
 */
import { createHash } from 'node:crypto';
import {
  type AppendStreamState,
  BACKWARDS,
  END,
  type EventData,
  type Filter,
  FORWARDS,
  jsonEvent,
  NO_STREAM,
  type Position,
  type ReadPosition,
  type ReadRevision,
  type ReadStreamOptions as KurrentReadStreamOptions,
  type RecordedEvent as KurrentRecordedEvent,
  START,
  streamNameFilter,
  type WrongExpectedVersionError,
} from '@kurrent/kurrentdb-client';
import {
  type EventMetadata,
  type NewEvent,
  type ReadStreamOptions,
  type RecordedEvent,
} from '../event-store';
import { computeEventHash, GENESIS_HASH } from '../hash-chain';

const checkpointStreamPrefix = 'yixin-checkpoint-';
const checkpointEventType = 'CheckpointSaved';

/**
 * Where the log's streams sit in KurrentDB, which has a single space of stream names per server.
 *
 * Without a namespace, a port stream `case-1` is the KurrentDB stream `case-1` and the server is
 * assumed to hold this log only: $all minus KurrentDB's own `$` streams and the checkpoint streams
 * is the log. With a namespace, it is `<namespace>/case-1`, and $all filtered by that prefix is the
 * log, so several logs (deployments, test runs) can share a server; a log without a namespace
 * would see theirs, so on a shared server every log needs one.
 *
 * Checkpoints live in ordinary streams, `yixin-checkpoint-[<namespace>/]<name>`, not in `$` streams:
 * KurrentDB lets only `$admins` write those by default, so a `$` name would make the application's
 * user an administrator just to save its place.
 */
export class KurrentDbLayout {
  private readonly prefix: string;
  /** The server-side filter that narrows $all to the log. */
  readonly logFilter: Filter;

  constructor(namespace?: string) {
    if (namespace !== undefined && !/^[A-Za-z0-9_.-]+$/.test(namespace)) {
      throw new Error(`KurrentDB namespace must be letters, digits, '_', '.' or '-', got ${JSON.stringify(namespace)}`);
    }
    this.prefix = namespace === undefined ? '' : `${namespace}/`;
    // The regex runs on the server, in .NET, which has lookahead. It goes by stream name rather than
    // by event type like excludeSystemEvents(), which would let every checkpoint written travel to
    // every subscriber.
    this.logFilter =
      namespace === undefined
        ? streamNameFilter({ regex: `^(?!\\$|${checkpointStreamPrefix})` })
        : streamNameFilter({ prefixes: [this.prefix] });
  }

  streamName(streamId: string): string {
    return `${this.prefix}${streamId}`;
  }

  /**
   * The port's stream id of an event of the log; undefined for any other event the server lets
   * through its filter: KurrentDB's own (`$` streams and types), checkpoints, other namespaces.
   */
  streamIdOf(event: { streamId: string; type: string }): string | undefined {
    const { streamId, type } = event;
    if (type.startsWith('$') || !streamId.startsWith(this.prefix)) return undefined;
    if (this.prefix === '' && (streamId.startsWith('$') || streamId.startsWith(checkpointStreamPrefix))) return undefined;
    return streamId.slice(this.prefix.length);
  }

  subscriptionFilter(streamPrefix: string | undefined): Filter {
    return streamPrefix ? streamNameFilter({ prefixes: [this.streamName(streamPrefix)] }) : this.logFilter;
  }

  checkpointStreamName(name: string): string {
    return `${checkpointStreamPrefix}${this.prefix}${name}`;
  }
}

const canonicalUuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * KurrentDB's id for an event: KurrentDB takes UUIDs only, while the port takes any string. A
 * lower-case UUID (what the application generates) is used as it is; anything else is turned into
 * a name-based UUID (version 8, from sha-256), so the same port id always gives the same KurrentDB
 * id and KurrentDB's own recognition of a resent write still works. The port id itself is kept in
 * the envelope.
 */
export function kurrentEventId(eventId: string): string {
  if (canonicalUuid.test(eventId)) {
    return eventId;
  }
  const hex = createHash('sha256').update(`yixin-event-id:${eventId}`, 'utf8').digest('hex');
  const variant = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** The last event of a stream as far as an append needs it; revision -1 for a stream with none. */
export interface StreamHead {
  revision: number;
  hash: string;
}

export const emptyStreamHead: StreamHead = { revision: -1, hash: GENESIS_HASH };

/**
 * What an append sends as its expected state: always the exact revision the append has just read,
 * whatever the caller expected, because the first new event is hash-chained to that revision's
 * event. A looser state ('any', 'stream_exists') would let a concurrent append slip in between and
 * fork the chain; the exact one makes the server refuse it, and the append reads again.
 */
export function exactStreamState(revision: number): AppendStreamState {
  return revision === -1 ? NO_STREAM : BigInt(revision);
}

/** The stream's revision according to KurrentDB's refusal: -1 when there is no stream. */
export function actualRevisionOf(error: Pick<WrongExpectedVersionError, 'actualState'>): number {
  const { actualState } = error;
  // Deleted (-5) and tombstoned (-6) streams come back as negative revisions: none of them has events.
  return actualState === NO_STREAM || actualState < 0n ? -1 : Number(actualState);
}

/** The envelope of an event, as it sits in KurrentDB's metadata JSON. */
export type StoredEnvelope = {
  /** The port's id, which KurrentDB's own id may only be derived from (see kurrentEventId). */
  eventId: string;
  metadata: EventMetadata;
  schemaVersion: number;
  recordedAt: string;
  previousHash: string;
  hash: string;
  /** KurrentDB's own names for the two ids, which its `$by_correlation_id` projection reads. */
  $correlationId: string;
  $causationId: string;
};

type EnvelopeFields = Pick<RecordedEvent, 'id' | 'metadata' | 'schemaVersion' | 'recordedAt' | 'previousHash' | 'hash'>;

export function toStoredEnvelope(fields: EnvelopeFields): StoredEnvelope {
  const { id, metadata, schemaVersion, recordedAt, previousHash, hash } = fields;
  return {
    eventId: id,
    metadata,
    schemaVersion,
    recordedAt,
    previousHash,
    hash,
    $correlationId: metadata.correlationId,
    $causationId: metadata.causationId,
  };
}

/** The envelope fields from KurrentDB's metadata, or the reason they cannot be had. */
export function fromStoredEnvelope(stored: unknown): EnvelopeFields | string {
  if (!isJsonObject(stored)) {
    return 'its metadata is not a JSON object';
  }
  const { eventId, metadata, schemaVersion, recordedAt, previousHash, hash } = stored;
  if (typeof eventId !== 'string' || !isJsonObject(metadata)) return 'its metadata carries no envelope';
  if (!Number.isSafeInteger(schemaVersion)) return 'its envelope has no schemaVersion';
  if (typeof recordedAt !== 'string') return 'its envelope has no recordedAt';
  if (typeof previousHash !== 'string' || typeof hash !== 'string') return 'its envelope has no hash chain';
  return {
    id: eventId,
    // Taken as stored: whatever it holds is covered by the hash, which an auditor checks.
    metadata: metadata as unknown as EventMetadata,
    schemaVersion: schemaVersion as number,
    recordedAt,
    previousHash,
    hash,
  };
}

/**
 * The events of an append as KurrentDB events, at consecutive revisions after `head` and each
 * hash-chained to the one before. `streamId` is the port's: the hash covers the log as the port
 * shows it, whatever namespace it is stored under.
 */
export function chainNewEvents(streamId: string, events: NewEvent[], head: StreamHead, recordedAt: string): EventData[] {
  let previousHash = head.hash;
  return events.map((event, index) => {
    // Hash what will be read back (the JSON), not the caller's objects, which may hold values JSON
    // turns into something else (dates, undefined, NaN).
    const data = jsonRoundTrip(event.data);
    const metadata = jsonRoundTrip(event.metadata);
    const schemaVersion = event.schemaVersion ?? 1;
    const revision = head.revision + 1 + index;
    const { id, type } = event;
    const hash = computeEventHash({ previousHash, id, type, streamId, revision, recordedAt, schemaVersion, data, metadata });
    const envelope = toStoredEnvelope({ id, metadata, schemaVersion, recordedAt, previousHash, hash });
    previousHash = hash;
    return jsonEvent({ id: kurrentEventId(id), type, data, metadata: envelope });
  });
}

/** A KurrentDB event that is not a readable event of the log: written by someone else, or unaddressable. */
export class UnreadableEventError extends Error {
  constructor(
    readonly streamId: string,
    readonly eventId: string,
    reason: string,
  ) {
    super(`event ${eventId} of stream ${streamId} cannot be read as a yixin event: ${reason}`);
    this.name = 'UnreadableEventError';
  }
}

/** The port's event for a KurrentDB event of the stream the port calls `streamId`. */
export function toRecordedEvent(event: KurrentRecordedEvent, streamId: string): RecordedEvent {
  const unreadable = (reason: string) => new UnreadableEventError(event.streamId, event.id, reason);
  if (!event.isJson || !isJsonObject(event.data)) {
    throw unreadable('its data is not a JSON object');
  }
  const envelope = fromStoredEnvelope(event.metadata);
  if (typeof envelope === 'string') {
    throw unreadable(envelope);
  }
  if (event.revision > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw unreadable(`its revision ${event.revision} is above Number.MAX_SAFE_INTEGER`);
  }
  return {
    type: event.type,
    streamId,
    revision: Number(event.revision),
    globalPosition: toGlobalPosition(event),
    data: event.data,
    ...envelope,
  };
}

/**
 * The port's global position of an event: its commit position in $all.
 *
 * KurrentDB gives every event a commit and a prepare position. They differ only for events written
 * in an explicit transaction (a feature of the retired TCP protocol, out of reach of gRPC clients),
 * whose prepare records come first and whose commit record, later, makes them visible. Any other
 * write commits itself: the server reports the event's own log position as both, on stream reads
 * as on $all reads. That number is unique to the event and grows in the order $all is read and
 * subscribed, so it is enough on its own, and `toReadPosition` rebuilds the full position from it;
 * an event for which it would not be is refused here rather than addressed wrongly later.
 *
 * On a single node the log has one writer, so an event becomes readable only after every event
 * before it in the log: a checkpoint never skips an event committed late. A cluster replicates the
 * same log byte for byte, so a position means the same event on every node.
 */
export function toGlobalPosition({ streamId, id, position }: Pick<KurrentRecordedEvent, 'streamId' | 'id' | 'position'>): number {
  if (!position) {
    throw new UnreadableEventError(streamId, id, 'the server reported no $all position (it needs KurrentDB, or EventStoreDB 22.6 or later)');
  }
  if (position.commit !== position.prepare) {
    throw new UnreadableEventError(
      streamId,
      id,
      `its commit position ${position.commit} differs from its prepare position ${position.prepare} (written in an explicit transaction), so one number cannot address it`,
    );
  }
  if (position.commit > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new UnreadableEventError(
      streamId,
      id,
      `its commit position ${position.commit} is above Number.MAX_SAFE_INTEGER (an 8 PiB log, or a server that reports no position on stream reads)`,
    );
  }
  return Number(position.commit);
}

/** Where a read of $all starts for events after `after` (0: the start of the log). */
export function toReadPosition(after: number): ReadPosition {
  if (!Number.isSafeInteger(after) || after < 0) {
    throw new RangeError(`a global position must be a whole number >= 0, got ${after}`);
  }
  if (after === 0) {
    return START;
  }
  const position: Position = { commit: BigInt(after), prepare: BigInt(after) };
  return position;
}

/** The port's stream read options in the client's terms. */
export function toStreamReadOptions(
  streamId: string,
  { direction = 'forwards', fromRevision, maxCount }: ReadStreamOptions = {},
): KurrentReadStreamOptions {
  for (const [name, value] of [['fromRevision', fromRevision], ['maxCount', maxCount]] as const) {
    if (value !== undefined && (!Number.isSafeInteger(value) || value < 0)) {
      throw new RangeError(`stream ${streamId}: ${name} must be a whole number >= 0, got ${value}`);
    }
  }
  // The client starts at the first revision whatever the direction: a backwards read must ask for the end.
  const defaultStart = direction === 'backwards' ? END : START;
  const start: ReadRevision = fromRevision === undefined ? defaultStart : BigInt(fromRevision);
  return {
    direction: direction === 'backwards' ? BACKWARDS : FORWARDS,
    fromRevision: start,
    ...(maxCount === undefined ? {} : { maxCount }),
  };
}

export function checkpointEvent(name: string, position: number): EventData {
  if (!Number.isSafeInteger(position) || position < 0) {
    throw new RangeError(`checkpoint ${name}: a global position must be a whole number >= 0, got ${position}`);
  }
  return jsonEvent({ type: checkpointEventType, data: { position } });
}

export function checkpointPositionOf(event: KurrentRecordedEvent): number {
  const position = isJsonObject(event.data) ? event.data.position : undefined;
  if (typeof position !== 'number' || !Number.isSafeInteger(position) || position < 0) {
    throw new UnreadableEventError(event.streamId, event.id, 'it is not a checkpoint');
  }
  return position;
}

function isJsonObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Uint8Array);
}

function jsonRoundTrip<T>(value: T): T {
  return JSON.parse(JSON.stringify(value));
}
