import type { RecordedEvent } from './event-store';
import { runSubscription, WakeSignal } from './subscription';

function recorded(globalPosition: number, streamId: string): RecordedEvent {
  return {
    id: `event-${globalPosition}`,
    type: 'NoteAdded',
    streamId,
    revision: 0,
    globalPosition,
    recordedAt: '2026-11-29T00:00:00.000Z',
    schemaVersion: 1,
    data: {},
    metadata: { actor: { userId: 'u', role: 'r', organisationId: 'o' }, tier: 'community', correlationId: 'c', causationId: 'c' },
    previousHash: '0'.repeat(64),
    hash: '0'.repeat(64),
  };
}

/**
 * A global log in memory that records the position every read starts after and calls `afterRead`
 * once the read has looked. Polls every ten minutes, so that no test passes by polling.
 */
function logOf(events: RecordedEvent[], afterRead: (after: number) => void = () => undefined) {
  const readsAfter: number[] = [];
  return {
    readsAfter,
    wake: new WakeSignal(),
    pollIntervalMs: 600_000,
    async readBatch(after: number, limit: number) {
      if (readsAfter.length === 100) throw new Error('the subscription keeps reading the same part of the log');
      readsAfter.push(after);
      const batch = events.filter((e) => e.globalPosition > after).slice(0, limit);
      afterRead(after);
      return batch;
    },
  };
}

describe('runSubscription', () => {
  it('moves its cursor past events outside the stream prefix, so that it never reads them again', async () => {
    const controller = new AbortController();
    const log = logOf([recorded(4, 'case-1'), recorded(9, 'council-1'), recorded(12, 'council-2')], (after) => {
      if (after === 12) controller.abort();
    });
    const delivered: number[] = [];

    await runSubscription(
      { after: 0, streamPrefix: 'case-', signal: controller.signal, handler: async (events) => void delivered.push(...events.map((e) => e.globalPosition)) },
      log,
    );

    expect(delivered).toEqual([4]);
    expect(log.readsAfter).toEqual([0, 12]);
  }, 5_000);

  it('does not sleep through a notification that arrives while it reads', async () => {
    const events: RecordedEvent[] = [];
    const log = logOf(events, () => {
      if (events.length === 0) {
        // Committed just after the read looked, and announced before the loop goes to sleep.
        events.push(recorded(1, 'case-1'));
        log.wake.notify();
      }
    });
    const controller = new AbortController();
    const delivered: string[] = [];

    // The poll interval is ten minutes: only the remembered notification can end this in time.
    await runSubscription(
      {
        after: 0,
        signal: controller.signal,
        handler: async (events) => {
          delivered.push(...events.map((e) => e.id));
          controller.abort();
        },
      },
      log,
    );

    expect(delivered).toEqual(['event-1']);
  }, 5_000);

  describe('with fake timers', () => {
    beforeEach(() => jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick', 'queueMicrotask'] }));
    afterEach(() => jest.useRealTimers());

    /** Whether the promise has settled once everything already queued has run. */
    const hasEnded = (promise: Promise<void>) =>
      Promise.race([promise.then(() => true), new Promise<boolean>((resolve) => setImmediate(() => resolve(false)))]);

    it('ends an idle subscription at once on abort and leaves no timer behind', async () => {
      const controller = new AbortController();
      const subscription = runSubscription({ after: 0, signal: controller.signal, handler: async () => undefined }, logOf([]));
      expect(await hasEnded(subscription)).toBe(false);
      expect(jest.getTimerCount()).toBe(1);

      controller.abort();

      expect(await hasEnded(subscription)).toBe(true);
      expect(jest.getTimerCount()).toBe(0);
    });

    it('backs off 200 ms, 400 ms, 800 ms… between handler failures, and ends at once on abort', async () => {
      const controller = new AbortController();
      let attempts = 0;
      const subscription = runSubscription(
        {
          after: 0,
          signal: controller.signal,
          handler: async () => {
            attempts++;
            throw new Error('read store down');
          },
        },
        logOf([recorded(1, 'case-1')]),
      );
      expect(await hasEnded(subscription)).toBe(false);
      expect(attempts).toBe(1);

      for (const [delay, attemptsAfter] of [
        [199, 1],
        [1, 2],
        [399, 2],
        [1, 3],
        [800, 4],
      ]) {
        await jest.advanceTimersByTimeAsync(delay);
        expect(attempts).toBe(attemptsAfter);
      }

      controller.abort();

      expect(await hasEnded(subscription)).toBe(true);
      expect(jest.getTimerCount()).toBe(0);
    });
  });
});
