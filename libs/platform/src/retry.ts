/** Waiting and retrying that a stop cuts short: the worker's connections, and the embedded system's start of the API. */
const FIRST_DELAY_MS = 500;
const MAX_DELAY_MS = 10_000;

/** Resolves when `signal` aborts, at once if it already has. */
export function whenAborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}

/**
 * What `work` resolves to, or undefined as soon as `signal` aborts if that comes first. For work that
 * cannot be interrupted (a connection attempt, starting the API): a stop
 * does not wait for it. It goes on in the background; what it yields after the abort is handed to
 * `disposeLate`, and a late failure is ignored.
 */
export async function unlessStopped<T>(work: Promise<T>, signal: AbortSignal, disposeLate: (late: T) => unknown = () => undefined): Promise<T | undefined> {
  const result = await Promise.race([work, whenAborted(signal).then(() => undefined)]);
  if (!signal.aborted) return result;
  work.then(disposeLate).catch(() => undefined);
  return undefined;
}

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
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([new Promise((resolve) => (timer = setTimeout(resolve, delay))), whenAborted(signal)]);
      clearTimeout(timer);
      delay = Math.min(delay * 2, MAX_DELAY_MS);
    }
  }
  return undefined;
}
