import type { NotificationChannel, PlannedNotification } from '../../libs/domain/src';

/** A planned notification and the channels its recipient is reached on (none: it cannot be reached). */
export interface NotificationToSend {
  notification: PlannedNotification;
  channels: NotificationChannel[];
}

/** The messages one case event calls for. */
export interface NotificationWorkflowInput {
  caseId: string;
  revision: number;
  messages: NotificationToSend[];
}

/** One planned notification on one of its recipient's channels. */
export interface NotificationDelivery {
  notification: PlannedNotification;
  channel: NotificationChannel;
}

/** The activities the notification workflow calls; implemented in libs/notifications. */
export interface NotificationActivities {
  /**
   * Sends it, once: a delivery already recorded in the log is not sent again, and one no longer due
   * (a warning whose deadline was met, a resident whose data was erased) is recorded as suppressed.
   * Records the outcome.
   */
  deliver(delivery: NotificationDelivery): Promise<void>;
  /** Records that the delivery failed for good, after its retries. */
  recordFailure(delivery: NotificationDelivery & { attempts: number; error: string }): Promise<void>;
  /** Records that the message's recipient has no way to be reached. */
  recordUnreachable(notification: PlannedNotification): Promise<void>;
}

/** Workflow id of a case event's messages: Temporal starts one workflow per id, so an event planned twice is delivered once. */
export function notificationWorkflowId(caseId: string, revision: number): string {
  return `notifications/${caseId}/${revision}`;
}
