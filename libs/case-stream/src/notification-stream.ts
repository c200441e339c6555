import { eventIdFor } from './case-stream';

/**
 * What was sent about a case is recorded on a stream of its own beside the case's: appending there
 * never races a command on the case (whose appends expect the case stream's revision), and it wakes
 * no case workflow, since the bridge carries `case-` streams only. The audit trail reads both.
 */
export const NOTIFICATION_STREAM_PREFIX = 'notification-';

export function notificationStreamId(caseId: string): string {
  return NOTIFICATION_STREAM_PREFIX + caseId;
}

export function caseIdOfNotificationStream(streamId: string): string | undefined {
  return streamId.startsWith(NOTIFICATION_STREAM_PREFIX) ? streamId.slice(NOTIFICATION_STREAM_PREFIX.length) : undefined;
}

/** The one id an outcome of a delivery may have: the log keeps one outcome per delivery, whoever records it first. */
export function outcomeEventId(deliveryKey: string): string {
  return eventIdFor(`notification/${deliveryKey}`, 0);
}

/** A planned notification's delivery on one channel: its idempotency key everywhere. */
export function deliveryKeyOf(notificationKey: string, channel: string): string {
  return `${notificationKey}/${channel}`;
}
