import createClient from 'openapi-fetch';
import type { components, paths } from './schema';
import { session } from './session';

/** The API's own schemas, as its OpenAPI document names them. */
export type Schemas = components['schemas'];

/** The one typed client of the API: same origin, the signed-in user's token on every request. */
export const api = createClient<paths>({ baseUrl: '' });

api.use({
  onRequest(request) {
    const token = session.current()?.accessToken;
    if (token && !request.headers.has('authorization')) request.headers.set('authorization', `Bearer ${token}`);
    return request;
  },
  onResponse(response) {
    // A token that expired, was revoked or whose user was disabled: back to sign-in.
    if (response.status === 401 && !response.url.endsWith('/auth/login')) session.expire();
    return response;
  },
});

/** A refusal of the API, in its error format `{statusCode, error, message}`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    /** The API's own words: one message, or every problem of a validation. */
    readonly messages: string[],
  ) {
    super(messages.join('; '));
  }
}

/** The answer's body, or the API's refusal thrown as an ApiError. */
export function unwrap<T>(result: { data?: T; error?: unknown; response: Response }): T {
  if (result.response.ok) return result.data as T;
  throw apiErrorOf(result.response.status, result.error);
}

export function apiErrorOf(status: number, body: unknown): ApiError {
  const message = (body as { message?: unknown } | undefined)?.message;
  const messages = Array.isArray(message) ? message.map(String) : typeof message === 'string' ? [message] : [];
  return new ApiError(status, messages);
}

/** A fresh Idempotency-Key: one per intent, kept across the retries of that intent. */
export function newIdempotencyKey(): string {
  return crypto.randomUUID();
}

/** Fetches what an <img> cannot (the photo needs the token): an object URL to show, revoked by the caller. */
export async function fetchPhoto(hash: string): Promise<string> {
  const token = session.current()?.accessToken;
  const response = await fetch(`/attachments/${encodeURIComponent(hash)}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  if (!response.ok) throw apiErrorOf(response.status, await response.json().catch(() => undefined));
  return URL.createObjectURL(await response.blob());
}

/** Uploads a photo for a case, as evidence to cite by its hash. */
export async function uploadPhoto(caseId: string, file: File): Promise<{ hash: string }> {
  const body = new FormData();
  body.append('file', file);
  const token = session.current()?.accessToken;
  const response = await fetch(`/cases/${encodeURIComponent(caseId)}/attachments`, {
    method: 'POST',
    body,
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
  const answer = await response.json().catch(() => undefined);
  if (response.status === 401) session.expire();
  if (!response.ok) throw apiErrorOf(response.status, answer);
  return answer as { hash: string };
}

/**
 * Live updates (server-sent events): `case` with the row as the list shows it, `removed` with the
 * case id of a row that left the list. An EventSource cannot send headers, so the token goes in the
 * query; the browser reconnects by itself and the API resumes after the last event it saw.
 */
export function liveStream<Row>(
  path: '/tasks/inbox/stream' | '/supervision/stream',
  on: { changed(row: Row): void; removed(caseId: string): void },
): () => void {
  const token = session.current()?.accessToken ?? '';
  const source = new EventSource(`${path}?access_token=${encodeURIComponent(token)}`);
  source.addEventListener('case', (event) => on.changed(JSON.parse((event as MessageEvent<string>).data) as Row));
  source.addEventListener('removed', (event) => on.removed((JSON.parse((event as MessageEvent<string>).data) as { caseId: string }).caseId));
  return () => source.close();
}
