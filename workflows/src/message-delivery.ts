import { ActivityFailure, ApplicationFailure, condition, proxyLocalActivities } from '@temporalio/workflow';
import type { NotificationChannel, PlannedNotification } from '../../libs/domain/src';
import type { NotificationActivities, NotificationToSend } from './notification-messages';

/** Attempts of one delivery before it is recorded as failed: about an hour and a half with this backoff. */
export const DELIVERY_ATTEMPTS = 10;

/**
 * Local activities: run by the worker that runs the workflow, with no round trip through the
 * Temporal server to schedule and start each; their outcome goes into the history with the
 * workflow's next task. A worker that dies during one leaves its workflow task to time out, and the
 * worker that takes it over runs the activity again, which finds a delivery already recorded in the log.
 */
const { recordFailure, recordUnreachable, planMessages } = proxyLocalActivities<NotificationActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

const { deliver } = proxyLocalActivities<NotificationActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '15 minutes', maximumAttempts: DELIVERY_ATTEMPTS },
});

export { planMessages };

/** Sends one message on each of its recipient's channels, or records that it has none. */
export async function deliverMessage({ notification, channels }: NotificationToSend): Promise<void> {
  if (channels.length === 0) await recordUnreachable(notification);
  else await Promise.all(channels.map((channel) => deliverOrRecordFailure(notification, channel)));
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

/**
 * The messages a case's workflow has planned and not yet sent, each sent at its time (`sendAt`:
 * the end of the quiet hours, a warning's share of its deadline) by `run()`, beside the case's steps.
 * One timer waits for the earliest; messages due at once need none.
 */
export class CaseMessages {
  private readonly waiting: NotificationToSend[];
  private sending = 0;
  /** Something for the scheduler to act on: a message due before its wait ends, the case finishing, the run handing over. */
  private news = false;
  /** When the scheduler's wait ends (Infinity: it waits for news only). */
  private wakesAt = Infinity;
  private finishing = false;
  private handingOver = false;

  constructor(carried: readonly NotificationToSend[] = []) {
    this.waiting = [...carried];
  }

  add(messages: readonly NotificationToSend[]): void {
    if (messages.length === 0) return;
    this.waiting.push(...messages);
    // A message due later than the wait's end needs no new timer: the scheduler looks again then.
    if (messages.some(({ notification }) => Date.parse(notification.sendAt) < this.wakesAt)) this.news = true;
  }

  /** Sends each message when it is due, until the run hands over to the next. */
  async run(): Promise<void> {
    for (;;) {
      if (this.handingOver) return;
      const now = Date.now();
      for (const message of this.waiting.filter((waiting) => this.isDue(waiting, now))) {
        this.waiting.splice(this.waiting.indexOf(message), 1);
        void this.send(message);
      }
      this.news = false;
      this.wakesAt = Math.min(...this.waiting.map(({ notification }) => Date.parse(notification.sendAt)));
      if (this.wakesAt === Infinity) await condition(() => this.news);
      else await condition(() => this.news, this.wakesAt - now);
    }
  }

  /**
   * Once the case is closed: its warnings are due at once (delivery records them as suppressed, the
   * case being closed), the resident's messages at their time. Resolves true when every message has
   * an outcome, or false as soon as `news()` holds (the case reopened, say), warnings back to their time.
   */
  async settle(news: () => boolean): Promise<boolean> {
    if (this.settled()) return true;
    this.finishing = true;
    this.news = true;
    await condition(() => this.settled() || news());
    this.finishing = false;
    return this.settled();
  }

  /** Stops sending, waits for the deliveries under way, and returns the messages still waiting, for the next run. */
  async handOver(): Promise<NotificationToSend[]> {
    this.handingOver = true;
    this.news = true;
    if (this.sending > 0) await condition(() => this.sending === 0);
    return [...this.waiting];
  }

  waitingNow(): NotificationToSend[] {
    return [...this.waiting];
  }

  private settled(): boolean {
    return this.waiting.length === 0 && this.sending === 0;
  }

  private isDue({ notification }: NotificationToSend, now: number): boolean {
    return Date.parse(notification.sendAt) <= now || (this.finishing && notification.unlessMet !== undefined);
  }

  private async send(message: NotificationToSend): Promise<void> {
    this.sending += 1;
    try {
      await deliverMessage(message);
    } finally {
      this.sending -= 1;
    }
  }
}
