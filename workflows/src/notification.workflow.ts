import { ActivityFailure, ApplicationFailure, proxyLocalActivities, sleep } from '@temporalio/workflow';
import type { PlannedNotification, NotificationChannel } from '../../libs/domain/src';
import type { NotificationActivities, NotificationWorkflowInput } from './notification-messages';

/** Attempts of one delivery before it is recorded as failed: about an hour and a half with this backoff. */
export const DELIVERY_ATTEMPTS = 10;

/**
 * Local activities: run by the worker that runs the workflow, with no round trip through the
 * Temporal server to schedule and start each; their outcome goes into the history with the
 * workflow's next task. A worker that dies during one leaves its workflow task to time out, and the
 * worker that takes it over runs the activity again, which finds a delivery already recorded in the log.
 */
const { recordFailure, recordUnreachable } = proxyLocalActivities<NotificationActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

const { deliver } = proxyLocalActivities<NotificationActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '15 minutes', maximumAttempts: DELIVERY_ATTEMPTS },
});

/**
 * Delivers the messages one case event calls for (workflow id = the event's): each waits until it
 * may be sent (the end of the quiet hours, a warning's moment), then goes out on each of its
 * recipient's channels, each retried with backoff. A worker that dies meanwhile leaves the timers and
 * the retries to another. What was sent, suppressed or given up on is recorded in the log by the activities.
 */
export async function notificationWorkflow({ messages }: NotificationWorkflowInput): Promise<void> {
  await Promise.all(
    messages.map(async ({ notification, channels }) => {
      const wait = Date.parse(notification.sendAt) - Date.now();
      if (wait > 0) await sleep(wait);
      if (channels.length === 0) await recordUnreachable(notification);
      else await Promise.all(channels.map((channel) => deliverOrRecordFailure(notification, channel)));
    }),
  );
}

async function deliverOrRecordFailure(notification: PlannedNotification, channel: NotificationChannel): Promise<void> {
  try {
    await deliver({ notification, channel });
  } catch (error) {
    if (!(error instanceof ActivityFailure)) throw error;
    const cause = error.cause;
    // The activity names the attempt that failed; a timeout has no details: it was the last one.
    const failedAttempt = cause instanceof ApplicationFailure ? cause.details?.[0] : undefined;
    const attempts = typeof failedAttempt === 'number' ? failedAttempt : DELIVERY_ATTEMPTS;
    await recordFailure({ notification, channel, attempts, error: cause?.message ?? error.message });
  }
}
