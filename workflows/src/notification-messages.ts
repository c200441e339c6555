import type { NotificationChannel, PlannedNotification } from '../../libs/domain/src';

/** One planned notification on one of its recipient's channels. */
export interface NotificationDelivery {
  notification: PlannedNotification;
  channel: NotificationChannel;
}

/** The activities the notification workflow calls; implemented in libs/notifications. */
export interface NotificationActivities {
  /**
   * The channels to deliver on, decided when it is time to send: none (and the reason recorded in
   * the log) when the message is no longer due or its recipient cannot be reached.
   */
  channelsOf(notification: PlannedNotification): Promise<NotificationChannel[]>;
  /** Sends it, once: a delivery already recorded in the log is not sent again. Records the outcome. */
  deliver(delivery: NotificationDelivery): Promise<void>;
  /** Records that the delivery failed for good, after its retries. */
  recordFailure(delivery: NotificationDelivery & { attempts: number; error: string }): Promise<void>;
}

/** Workflow id of a planned notification: Temporal starts one workflow per id, so a notification planned twice runs once. */
export function notificationWorkflowId(notification: Pick<PlannedNotification, 'key'>): string {
  return `notification/${notification.key}`;
}
