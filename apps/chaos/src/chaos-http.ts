import { randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { setTimeout as delay } from 'node:timers/promises';

export interface Answer<T = any> {
  status: number;
  body: T;
}

/** How long one request may take before it is given up as cut (an API process killed mid-request). */
const REQUEST_TIMEOUT_MS = 30_000;
const RETRY_DELAY_MS = 500;

/**
 * HTTP as a careful client of a cluster under faults sees it: a connection cut, a timeout or an
 * answer of 5xx is sent again, with the same Idempotency-Key for a write, until an answer comes
 * that says what happened.
 */
export class ChaosHttp {
  constructor(private readonly baseUrl: string, private readonly stopping: AbortSignal) {
    // Each request in flight and each pause of a journey listens to it: as many as there are lives at once.
    setMaxListeners(0, stopping);
  }

  /** One try; undefined when no answer came (refused, cut, timed out). */
  async once<T>(method: string, path: string, token?: string, body?: unknown, idempotencyKey?: string): Promise<Answer<T> | undefined> {
    try {
      const response = await fetch(this.baseUrl + path, {
        method,
        headers: {
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...(idempotencyKey ? { 'idempotency-key': idempotencyKey } : {}),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.any([AbortSignal.timeout(REQUEST_TIMEOUT_MS), this.stopping]),
      });
      const text = await response.text();
      return { status: response.status, body: (text ? safeJson(text) : undefined) as T };
    } catch {
      return undefined;
    }
  }

  /** Tries until an answer below 500 comes (the API and its stores reachable again). */
  async answered<T>(method: string, path: string, token?: string, body?: unknown, idempotencyKey?: string): Promise<Answer<T>> {
    for (;;) {
      this.stopping.throwIfAborted();
      const answer = await this.once<T>(method, path, token, body, idempotencyKey);
      if (answer && answer.status < 500) return answer;
      await delay(RETRY_DELAY_MS);
    }
  }

  async signIn(username: string, password: string): Promise<string> {
    const answer = await this.answered<{ accessToken: string }>('POST', '/auth/login', undefined, { username, password });
    if (answer.status !== 200) throw new Error(`sign-in of ${username}: ${answer.status} ${JSON.stringify(answer.body)}`);
    return answer.body.accessToken;
  }
}

export const newIdempotencyKey = () => `chaos-${randomUUID()}`;

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
