const FIRST_DELAY_MS = 500;
const MAX_DELAY_MS = 10_000;

/** Calls `attempt` until it succeeds, backing off; undefined if `signal` aborts first. */
export async function retryUntilStopped<T>(
  attempt: () => Promise<T>,
  signal: AbortSignal,
  onFailure: (error: unknown) => void,
): Promise<T | undefined> {
  let delay = FIRST_DELAY_MS;
  while (!signal.aborted) {
    try {
      return await attempt();
    } catch (error) {
      onFailure(error);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, delay);
        signal.addEventListener('abort', () => {
          clearTimeout(timer);
          resolve();
        }, { once: true });
      });
      delay = Math.min(delay * 2, MAX_DELAY_MS);
    }
  }
  return undefined;
}
