import { createHash } from 'node:crypto';
import { readStreamOrEmpty, type EventStore, type RecordedEvent } from '../../../event-store/src';
import { upcastCaseEvent, type CaseEvent } from '../../../domain/src';

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
 * The id of the n-th event a command produces, derived from the command id, so that the same
 * command retried (an activity retried by Temporal, say) produces the same event ids and the
 * store's idempotency makes the retry a no-op. Formatted as an RFC 9562 version-8 UUID.
 */
export function eventIdFor(commandId: string, index: number): string {
  const hex = createHash('sha256').update(`${commandId}#${index}`).digest('hex');
  const variant = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
