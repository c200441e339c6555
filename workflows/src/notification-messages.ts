import type { NotificationChannel, PlannedNotification } from '../../libs/domain/src';

/** A planned notification and the channels its recipient is reached on (none: it cannot be reached). */
export interface NotificationToSend {
  notification: PlannedNotification;
  channels: NotificationChannel[];
}

/** The messages one case event calls for: the input of the notification workflows started before 2026-12-07. */
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

/** The events of a case whose messages are asked for: revisions after `afterRevision`, up to `throughRevision`. */
export interface PlanMessagesInput {
  caseId: string;
  afterRevision: number;
  throughRevision: number;
}

/** The activities that plan and send a case's messages; implemented in libs/notifications. */
export interface NotificationActivities {
  /**
   * The messages the case's events in the range call for, by the domain's policy, with the channels
   * of each recipient. Events the former notification planner had planned are left out: the
   * notification workflows it started deliver their messages.
   */
  planMessages(input: PlanMessagesInput): Promise<NotificationToSend[]>;
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
