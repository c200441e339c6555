import { HttpException, HttpStatus, Injectable, SetMetadata, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ThrottlerGuard, type ThrottlerLimitDetail, type ThrottlerModuleOptions } from '@nestjs/throttler';
import type { YixinConfig } from '../../../../libs/application/src';
import type { Actor } from '../../../../libs/domain/src';

const LOGIN_RATE_LIMIT = 'yixin:login-rate-limit';
const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const MINUTE_MS = 60_000;

/** The route is a login: its attempts are limited per client address. */
export const LoginRateLimit = () => SetMetadata(LOGIN_RATE_LIMIT, true);

interface LimitedRequest {
  method: string;
  actor?: Actor;
}

const reflector = new Reflector();
const requestOf = (context: ExecutionContext) => context.switchToHttp().getRequest<LimitedRequest>();

/**
 * Two limits, each counted over a minute in this process's memory: login attempts per client
 * address, and writes per authenticated user across every write endpoint.
 */
export function rateLimitOptions(config: YixinConfig): ThrottlerModuleOptions {
  return {
    // Standard Retry-After only (set on refusal); the library's headers carry the throttler's name.
    setHeaders: false,
    generateKey: (_context, tracker, throttler) => `${throttler}:${tracker}`,
    throttlers: [
      {
        name: 'login',
        ttl: MINUTE_MS,
        limit: config.rateLimits.loginsPerMinute,
        skipIf: (context) => !reflector.get<boolean>(LOGIN_RATE_LIMIT, context.getHandler()),
      },
      {
        name: 'writes',
        ttl: MINUTE_MS,
        limit: config.rateLimits.writesPerMinute,
        skipIf: (context) => !WRITE_METHODS.has(requestOf(context).method) || !requestOf(context).actor,
        getTracker: (request) => (request as LimitedRequest).actor!.userId,
      },
    ],
  };
}

/** Runs after the AuthGuard, so that writes are counted per user; refuses in the API's error format. */
@Injectable()
export class RateLimitGuard extends ThrottlerGuard {
  protected override async throwThrottlingException(context: ExecutionContext, limit: ThrottlerLimitDetail): Promise<void> {
    context.switchToHttp().getResponse<{ setHeader(name: string, value: string): void }>().setHeader('Retry-After', String(limit.timeToBlockExpire));
    const message = `rate limit of ${limit.limit} per minute exceeded; retry in ${limit.timeToBlockExpire} s`;
    throw new HttpException(HttpException.createBody(message, 'Too Many Requests', HttpStatus.TOO_MANY_REQUESTS), HttpStatus.TOO_MANY_REQUESTS);
  }
}
