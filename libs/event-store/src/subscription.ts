/**
 * The subscription loop shared by the backends that read the global log in batches (SQLite,
 * PostgreSQL): catch up batch by batch, then wait for a wake-up or the poll interval; hand every
 * event to the handler until it succeeds, backing off between failures; stop at once on abort.
 */
import type { RecordedEvent, SubscribeOptions } from './event-store';

const batchSize = 500;
const firstRetryDelayMs = 200;
const maxRetryDelayMs = 5000;

/**
 * A latch for "new events may have been committed". A notification that arrives while the loop is
 * reading is remembered, so the wait that follows the read ends at once instead of sleeping
 * through an event that the read just missed.
 */
export class WakeSignal {
  private pending = false;
  private wakeWaiter: (() => void) | undefined;

  notify(): void {
    this.pending = true;
    this.wakeWaiter?.();
  }

  /** Forgets earlier notifications; called just before a read, which sees everything they announced. */
  reset(): void {
    this.pending = false;
  }

  /** Resolves on a notification (including one since the last reset), after `ms`, or on abort. */
  wait(ms: number, signal: AbortSignal): Promise<void> {
    if (this.pending) {
      return Promise.resolve();
    }
    return sleep(ms, signal, (wake) => {
      this.wakeWaiter = wake;
      return () => {
        this.wakeWaiter = undefined;
      };
    });
  }
}

export interface GlobalLogSource {
  /** Up to `limit` events of the global log after `after`, in delivery order. */
  readBatch(after: number, limit: number): Promise<RecordedEvent[]>;
  /** Notified by the backend when events may have been committed. */
  wake: WakeSignal;
  /** How long an idle subscription waits before reading again without a notification. */
  pollIntervalMs: number;
}

/**
 * Runs a subscription until its signal aborts. The prefix filter is applied here, to whole
 * batches, so that the cursor moves past events of other streams and an idle subscription never
 * reads them again.
 */
export async function runSubscription(
  { after, streamPrefix, handler, signal, onError }: SubscribeOptions,
  { readBatch, wake, pollIntervalMs }: GlobalLogSource,
): Promise<void> {
  let cursor = after;
  while (!signal.aborted) {
    wake.reset();
    const batch = await readBatch(cursor, batchSize);
    if (batch.length === 0) {
      await wake.wait(pollIntervalMs, signal);
      continue;
    }
    const wanted = streamPrefix === undefined ? batch : batch.filter((event) => event.streamId.startsWith(streamPrefix));
    if (wanted.length > 0 && !(await deliverUntilHandled(wanted, { handler, signal, onError }))) {
      return;
    }
    cursor = batch[batch.length - 1].globalPosition;
  }
}

/** The pause after the n-th consecutive failure (0-based): 200 ms, doubling, at most 5 s. */
export function retryDelayMs(failures: number): number {
  return Math.min(firstRetryDelayMs * 2 ** failures, maxRetryDelayMs);
}

/** Hands the batch to the handler until it succeeds, backing off between failures; false if aborted first. */
export async function deliverUntilHandled(
  events: RecordedEvent[],
  { handler, signal, onError }: Pick<SubscribeOptions, 'handler' | 'signal' | 'onError'>,
): Promise<boolean> {
  for (let failures = 0; !signal.aborted; failures++) {
    try {
      await handler(events);
      return true;
    } catch (error) {
      onError?.(error, events);
      await sleep(retryDelayMs(failures), signal);
    }
  }
  return false;
}

/**
 * Waits for the delay or an abort, whichever comes first, leaving no timer or listener behind.
 * `subscribe`, if given, registers one more way to wake and returns how to unregister it.
 */
export function sleep(ms: number, signal: AbortSignal, subscribe?: (wake: () => void) => () => void): Promise<void> {
  if (signal.aborted) {
    return Promise.resolve();
  }
  return new Promise((resolve) => {
    const wake = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', wake);
      unsubscribe?.();
      resolve();
    };
    const timer = setTimeout(wake, ms);
    signal.addEventListener('abort', wake);
    const unsubscribe = subscribe?.(wake);
  });
}
