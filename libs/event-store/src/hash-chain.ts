import { createHash } from 'node:crypto';
import type { RecordedEvent } from './event-store';

/** The previousHash of the first event of every stream. */
export const GENESIS_HASH = '0'.repeat(64);

/**
 * The fields an event's hash covers. The global position is left out on purpose: it belongs to
 * the log rather than to the stream, and some backends only learn it after the commit.
 */
export type HashedEventFields = Pick<
  RecordedEvent,
  'previousHash' | 'id' | 'type' | 'streamId' | 'revision' | 'recordedAt' | 'schemaVersion' | 'data' | 'metadata'
>;

export interface ChainProblem {
  revision: number;
  eventId: string;
  problem: string;
}

export interface ChainVerification {
  intact: boolean;
  eventCount: number;
  problems: ChainProblem[];
}

/**
 * JSON with object keys sorted at every depth, so that the same value always yields the same text
 * whatever order its keys were built in. Follows JSON.stringify for everything else (toJSON,
 * undefined members dropped, undefined array items as null), so a value hashes the same before
 * it is stored as JSON and after it is read back.
 */
export function canonicalJson(value: unknown): string {
  const text = serialize(value);
  if (text === undefined) {
    throw new TypeError('value has no JSON representation');
  }
  return text;
}

// Loops and concatenation rather than map, flatMap and join: this runs for every event appended and verified.
function serialize(value: unknown): string | undefined {
  const plain = hasToJson(value) ? value.toJSON() : value;
  if (plain === null || typeof plain !== 'object') {
    // JSON.stringify is typed as returning string, but yields undefined for undefined, functions and symbols.
    return JSON.stringify(plain) as string | undefined;
  }
  if (Array.isArray(plain)) {
    let items = '';
    for (let index = 0; index < plain.length; index++) items += `${index === 0 ? '' : ','}${serialize(plain[index]) ?? 'null'}`;
    return `[${items}]`;
  }
  const record = plain as Record<string, unknown>;
  let members = '';
  for (const key of Object.keys(record).sort()) {
    const member = serialize(record[key]);
    if (member !== undefined) members += `${members === '' ? '' : ','}${JSON.stringify(key)}:${member}`;
  }
  return `{${members}}`;
}

function hasToJson(value: unknown): value is { toJSON(): unknown } {
  return value !== null && typeof value === 'object' && typeof (value as { toJSON?: unknown }).toJSON === 'function';
}

/** sha256 (hex) of the event's content chained to the hash of the stream's previous event. */
export function computeEventHash(fields: HashedEventFields): string {
  // Picked one by one so that a whole RecordedEvent can be passed without its own hash or position leaking in.
  const { previousHash, id, type, streamId, revision, recordedAt, schemaVersion, data, metadata } = fields;
  const content = canonicalJson({ previousHash, id, type, streamId, revision, recordedAt, schemaVersion, data, metadata });
  return createHash('sha256').update(content, 'utf8').digest('hex');
}

/**
 * Checks the events of one stream, as read in revision order, for altered content, removed or
 * reordered events and gaps in the revisions. Removing the last events of a stream cannot be seen
 * from the stream alone; an auditor compares against a hash or revision recorded elsewhere.
 */
export function verifyStreamChain(events: RecordedEvent[]): ChainVerification {
  const problems: ChainProblem[] = [];
  events.forEach((event, index) => {
    const report = (problem: string) => problems.push({ revision: event.revision, eventId: event.id, problem });
    const previous = index === 0 ? undefined : events[index - 1];
    const expectedRevision = previous ? previous.revision + 1 : 0;
    if (event.revision !== expectedRevision) {
      report(`revision ${event.revision} where ${expectedRevision} was expected: an event is missing or out of order`);
    }
    if (event.previousHash !== (previous ? previous.hash : GENESIS_HASH)) {
      report('previous hash does not match the preceding event: an event was removed, inserted or reordered');
    }
    if (computeEventHash(event) !== event.hash) {
      report('content does not match its hash: the event was altered');
    }
  });
  return { intact: problems.length === 0, eventCount: events.length, problems };
}
