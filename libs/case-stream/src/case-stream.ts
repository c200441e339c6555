import { createHash, randomFillSync } from 'node:crypto';
import { readStreamOrEmpty, type EventStore, type RecordedEvent } from '@yixin/event-store';
import { upcastCaseEvent, type CaseEvent } from '@yixin/domain';

export const CASE_STREAM_PREFIX = 'case-';

export function caseStreamId(caseId: string): string {
  return CASE_STREAM_PREFIX + caseId;
}

export function caseIdOfStream(streamId: string): string | undefined {
  return streamId.startsWith(CASE_STREAM_PREFIX) ? streamId.slice(CASE_STREAM_PREFIX.length) : undefined;
}

/** The domain's view of a stored event, in the current schema whatever version it was stored in. */
export function toCaseEvent(recorded: RecordedEvent): CaseEvent {
  return upcastCaseEvent(recorded.type, recorded.schemaVersion, recorded.data);
}

/** The events of a case from `fromRevision` on; none if the case does not exist. */
export function readCaseStream(store: EventStore, caseId: string, fromRevision = 0): Promise<RecordedEvent[]> {
  return readStreamOrEmpty(store, caseStreamId(caseId), { fromRevision });
}

/**
 * A new case's or command's id: an RFC 9562 version-7 UUID, 48 bits of Unix milliseconds then 74
 * random bits. Ids made one after another sort together, so the log's indexes (streams, event ids,
 * the cases of residents) grow at their end: a filing changes a few pages of each, not a random
 * page of each, and the pages a write needs stay in the cache as the log grows.
 */
export function timeOrderedUuid(now = Date.now()): string {
  const bytes = randomFillSync(Buffer.alloc(16));
  bytes.writeUIntBE(now, 0, 6);
  bytes[6] = (bytes[6] & 0x0f) | 0x70;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  return formatUuid(bytes.toString('hex'));
}

/** The 48 bits of time at the start of a version-7 UUID. */
const TIME_ORDERED_UUID_TIME = /^([0-9a-f]{8})-([0-9a-f]{4})-7/i;

/**
 * The id of the n-th event a command produces, derived from the command id, so that the same
 * command retried (an activity retried by Temporal, say) produces the same event ids and the
 * store's idempotency makes the retry a no-op. Formatted as an RFC 9562 version-8 UUID.
 *
 * A command id that starts with a version-7 UUID (a new command's own id, or a workflow's command,
 * named after its case) lends its time to the event ids, for the reason given at timeOrderedUuid.
 * Other command ids (those of cases filed before ids were time-ordered) keep a wholly hashed id.
 */
export function eventIdFor(commandId: string, index: number): string {
  const hex = createHash('sha256').update(`${commandId}#${index}`).digest('hex');
  const time = TIME_ORDERED_UUID_TIME.exec(commandId);
  const variant = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
  return formatUuid(`${time ? time[1] + time[2] : hex.slice(0, 12)}8${hex.slice(13, 16)}${variant}${hex.slice(17, 32)}`);
}

function formatUuid(hex: string): string {
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
