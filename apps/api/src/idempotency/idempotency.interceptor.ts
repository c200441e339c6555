import {
  BadRequestException,
  ConflictException,
  Injectable,
  Logger,
  UnprocessableEntityException,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { createHash } from 'node:crypto';
import { catchError, mergeMap, of, type Observable } from 'rxjs';
import { IdempotencyStore } from '../../../../libs/application/src';
import type { Actor } from '../../../../libs/domain/src';

export const IDEMPOTENCY_KEY_HEADER = 'idempotency-key';
export const IDEMPOTENT_REPLAYED_HEADER = 'Idempotent-Replayed';

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const VALID_KEY = /^[\x20-\x7e]{1,128}$/;

export interface IdempotentRequest {
  method: string;
  originalUrl: string;
  headers: Record<string, string | string[] | undefined>;
  body?: unknown;
  actor?: Actor;
}

interface IdempotentResponse {
  statusCode: number;
  status(code: number): unknown;
  setHeader(name: string, value: string): void;
}

/**
 * An authenticated write sent with an Idempotency-Key runs once per user and key: a retry of the
 * same request (method, path with query, body) gets the stored answer and changes nothing; the
 * key sent with another request gets 422; the key of a request still running gets 409.
 *
 * Only successful answers are stored. A refused or failed request appended nothing (a refused
 * command appends no event), so its key is released: the client may retry it, corrected or not.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  private readonly logger = new Logger(IdempotencyInterceptor.name);

  constructor(private readonly keys: IdempotencyStore) {}

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    const request = context.switchToHttp().getRequest<IdempotentRequest>();
    const response = context.switchToHttp().getResponse<IdempotentResponse>();
    const key = request.headers[IDEMPOTENCY_KEY_HEADER];
    if (key === undefined || !WRITE_METHODS.has(request.method) || !request.actor || isMultipart(request)) return next.handle();
    if (typeof key !== 'string' || !VALID_KEY.test(key)) {
      throw new BadRequestException('Idempotency-Key must be 1 to 128 printable ASCII characters');
    }
    const userId = request.actor.userId;
    const claim = await this.keys.claim(userId, key, requestFingerprint(request));
    switch (claim.kind) {
      case 'completed':
        response.status(claim.statusCode);
        response.setHeader(IDEMPOTENT_REPLAYED_HEADER, 'true');
        return of(claim.body);
      case 'other_request':
        throw new UnprocessableEntityException('this Idempotency-Key was used for another request; use a new key for a new request');
      case 'in_flight':
        throw new ConflictException('a request with this Idempotency-Key is still running; retry later');
      case 'claimed':
        return next.handle().pipe(
          mergeMap(async (body) => {
            await this.remember(() => this.keys.complete(userId, key, response.statusCode, body));
            return body;
          }),
          catchError(async (error: unknown) => {
            await this.remember(() => this.keys.release(userId, key));
            throw error;
          }),
        );
    }
  }

  /**
   * The request's own outcome stands even if the record store fails to record it; an unreleased key
   * frees itself when its lease runs out.
   */
  private async remember(write: () => Promise<void>): Promise<void> {
    await write().catch((error: unknown) => this.logger.warn(`an Idempotency-Key was not updated: ${String(error)}`));
  }
}

/**
 * A multipart body is read by its route, after this interceptor, so a fingerprint could not tell
 * two uploads apart. Uploads need no key: they are stored by content, and sending one again is harmless.
 */
function isMultipart(request: IdempotentRequest): boolean {
  return String(request.headers['content-type'] ?? '').toLowerCase().startsWith('multipart/');
}

/** Equal for the same method, path and body, whatever the order of the body's keys. */
export function requestFingerprint(request: Pick<IdempotentRequest, 'method' | 'originalUrl' | 'body'>): string {
  return createHash('sha256').update(canonicalJson([request.method, request.originalUrl, request.body ?? null])).digest('hex');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([name, item]) => `${JSON.stringify(name)}:${canonicalJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
