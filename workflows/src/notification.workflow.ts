import { sleep } from '@temporalio/workflow';
import { deliverMessage } from './message-delivery';
import type { NotificationWorkflowInput } from './notification-messages';

/**
 * Delivers the messages one case event calls for (workflow id = the event's), as the notification
 * planner started it for each such event until 2026-12-07, when each case's own workflow took the
 * messages over (message-delivery.ts). Kept registered for the runs that planner started: each
 * message waits until it may be sent, then goes out on each of its recipient's channels.
 */
export async function notificationWorkflow({ messages }: NotificationWorkflowInput): Promise<void> {
  await Promise.all(
    messages.map(async (message) => {
      const wait = Date.parse(message.notification.sendAt) - Date.now();
      if (wait > 0) await sleep(wait);
      await deliverMessage(message);
    }),
  );
}
