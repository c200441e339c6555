import {
  BadRequestException,
  Catch,
  ConflictException,
  Injectable,
  Logger,
  UnprocessableEntityException,
  type ArgumentsHost,
  type CanActivate,
  type ExceptionFilter,
  type ExecutionContext,
} from '@nestjs/common';
import { createHash } from 'node:crypto';
import { IdempotencyStore } from '@yixin/idempotency';
import type { Actor } from '@yixin/domain';
import { canonicalJson } from '@yixin/event-store';

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
  type(contentType: string): unknown;
  send(body?: unknown): unknown;
}

/** The first answer to a request sent again with its Idempotency-Key: ends the retry before any route runs. */
export class StoredAnswer extends Error {
  constructor(readonly statusCode: number, readonly body: string | null) {
    super(`the stored answer (${statusCode}) to this Idempotency-Key`);
  }
}

/**
 * An authenticated write sent with an Idempotency-Key runs once per user and key: a retry of the
 * same request (method, path with query, body) gets the stored answer and changes nothing; the
 * key sent with another request gets 422; the key of a request still running gets 409.
 *
 * Only successful answers are stored. A refused or failed request appended nothing (a refused
 * command appends no event), so its key is released: the client may retry it, corrected or not.
 *
 * The last of the global guards, so that it knows the user: it claims the key, and the answer is
 * recorded as it is sent. Not an interceptor: one global interceptor makes Nest run every request
 * of every route through RxJS and two AsyncResources, about a tenth of the CPU of a filing.
 */
@Injectable()
export class IdempotencyGuard implements CanActivate {
  private readonly logger = new Logger(IdempotencyGuard.name);

  constructor(private readonly keys: IdempotencyStore) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<IdempotentRequest>();
    const key = request.headers[IDEMPOTENCY_KEY_HEADER];
    if (key === undefined || !WRITE_METHODS.has(request.method) || !request.actor || isMultipart(request)) return true;
    if (typeof key !== 'string' || !VALID_KEY.test(key)) {
      throw new BadRequestException('Idempotency-Key must be 1 to 128 printable ASCII characters');
    }
    const userId = request.actor.userId;
    const claim = await this.keys.claim(userId, key, requestFingerprint(request));
    switch (claim.kind) {
      case 'completed':
        throw new StoredAnswer(claim.statusCode, claim.body);
      case 'other_request':
        throw new UnprocessableEntityException('this Idempotency-Key was used for another request; use a new key for a new request');
      case 'in_flight':
        throw new ConflictException('a request with this Idempotency-Key is still running; retry later');
      case 'claimed':
        this.recordAnswer(context.switchToHttp().getResponse<IdempotentResponse>(), userId, key);
        return true;
    }
  }

  /**
   * Every answer, the route's or an error's, is sent through `send` (Express's `json` ends there
   * with the JSON text): the key is completed or released before the answer leaves, so that a
   * client that has it and retries finds the key settled. Writes answer JSON or nothing; any
   * other answer would not be stored, and its key would be released.
   */
  private recordAnswer(response: IdempotentResponse, userId: string, key: string): void {
    const send = response.send;
    response.send = (body?: unknown) => {
      response.send = send;
      const succeeded = response.statusCode >= 200 && response.statusCode < 300;
      const settle =
        succeeded && (body === undefined || typeof body === 'string')
          ? this.keys.complete(userId, key, response.statusCode, body ?? null)
          : this.keys.release(userId, key);
      // The request's own outcome stands even if the record store fails to record it; an
      // unreleased key frees itself when its lease runs out.
      void settle
        .catch((error: unknown) => this.logger.warn(`an Idempotency-Key was not updated: ${String(error)}`))
        .then(() => send.call(response, body));
      return response;
    };
  }
}

/** Answers a retry with the stored answer, marked as replayed. */
@Catch(StoredAnswer)
export class StoredAnswerFilter implements ExceptionFilter {
  catch(answer: StoredAnswer, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<IdempotentResponse>();
    response.status(answer.statusCode);
    response.setHeader(IDEMPOTENT_REPLAYED_HEADER, 'true');
    if (answer.body === null) {
      response.send();
    } else {
      response.type('application/json');
      response.send(answer.body);
    }
  }
}

/**
 * A multipart body is read by its route, after the guards, so a fingerprint could not tell two
 * uploads apart. Uploads need no key: they are stored by content, and sending one again is harmless.
 */
function isMultipart(request: IdempotentRequest): boolean {
  return String(request.headers['content-type'] ?? '').toLowerCase().startsWith('multipart/');
}

/** Equal for the same method, path and body, whatever the order of the body's keys. */
export function requestFingerprint(request: Pick<IdempotentRequest, 'method' | 'originalUrl' | 'body'>): string {
  return createHash('sha256').update(canonicalJson([request.method, request.originalUrl, request.body ?? null])).digest('hex');
}
