import { HttpException, HttpStatus, Inject, Injectable, SetMetadata, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { normalizeIp } from '@nestjs/throttler';
import { YIXIN_CONFIG, type YixinConfig } from '@yixin/config';
import type { Actor } from '@yixin/domain';

const LOGIN_RATE_LIMIT = 'yixin:login-rate-limit';
const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const READ_METHODS = new Set(['GET', 'HEAD']);
const MINUTE_MS = 60_000;

/** The route is a login: its attempts are limited per client address. */
export const LoginRateLimit = () => SetMetadata(LOGIN_RATE_LIMIT, true);

interface LimitedRequest {
  method: string;
  ip?: string;
  actor?: Actor;
}

/**
 * At most `limit` hits per key in each window of `windowMs`, counted in this process's memory. A
 * window opens with a key's first hit; a refused hit does not count.
 *
 * Fixed windows rather than a log of every hit: a hit costs the same whatever the limit, where
 * a sliding log walks every hit of the last minute (@nestjs/throttler's storage does, on every
 * request: a twentieth of the API's CPU at a few hundred writes a second).
 */
export class FixedWindowCounter {
  private readonly windows = new Map<string, { endsAt: number; hits: number }>();
  private nextSweepAt: number;

  constructor(readonly limit: number, private readonly windowMs: number, private readonly now: () => number = Date.now) {
    this.nextSweepAt = now() + windowMs;
  }

  /** Counts a hit of `key`: undefined if it is allowed, or the whole seconds until `key` may hit again. */
  hit(key: string): number | undefined {
    const now = this.now();
    if (now >= this.nextSweepAt) this.forgetEndedWindows(now);
    let window = this.windows.get(key);
    if (!window || window.endsAt <= now) {
      window = { endsAt: now + this.windowMs, hits: 0 };
      this.windows.set(key, window);
    }
    if (window.hits >= this.limit) return Math.max(1, Math.ceil((window.endsAt - now) / 1000));
    window.hits += 1;
    return undefined;
  }

  /** The whole seconds until `key` may hit again, or undefined if it may hit now; counts nothing. */
  retryAfter(key: string): number | undefined {
    const now = this.now();
    const window = this.windows.get(key);
    if (!window || window.endsAt <= now || window.hits < this.limit) return undefined;
    return Math.max(1, Math.ceil((window.endsAt - now) / 1000));
  }

  /** How many keys have an open window. */
  get size(): number {
    return this.windows.size;
  }

  private forgetEndedWindows(now: number): void {
    for (const [key, window] of this.windows) if (window.endsAt <= now) this.windows.delete(key);
    this.nextSweepAt = now + this.windowMs;
  }
}

/** Who a client is when it does not say: its address, an IPv6 client by its /64 network, which one host commonly holds whole. */
export function clientAddress(request: { ip?: string }): string {
  return normalizeIp(request.ip ?? 'unknown');
}

/**
 * Limits counted per minute: login attempts per client address (see clientAddress), writes per authenticated user across
 * every write endpoint, and reads without a token (Open311, health, metrics) per client address,
 * which cost the API's one thread as much as anyone's. Runs after the AuthGuard, so that writes are
 * counted per user; refuses with Retry-After, in the API's error format (Open311's on its paths).
 */
@Injectable()
export class RateLimitGuard implements CanActivate {
  private readonly logins: FixedWindowCounter;
  private readonly writes: FixedWindowCounter;
  private readonly publicReads: FixedWindowCounter;

  constructor(@Inject(YIXIN_CONFIG) config: YixinConfig, private readonly reflector: Reflector) {
    this.logins = new FixedWindowCounter(config.rateLimits.loginsPerMinute, MINUTE_MS);
    this.writes = new FixedWindowCounter(config.rateLimits.writesPerMinute, MINUTE_MS);
    this.publicReads = new FixedWindowCounter(config.publicRateLimits.readsPerMinute, MINUTE_MS);
  }

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<LimitedRequest>();
    if (this.reflector.get<boolean>(LOGIN_RATE_LIMIT, context.getHandler())) {
      this.count(this.logins, normalizeIp(request.ip ?? 'unknown'), context);
    }
    if (request.actor && WRITE_METHODS.has(request.method)) this.count(this.writes, request.actor.userId, context);
    if (!request.actor && READ_METHODS.has(request.method)) this.count(this.publicReads, clientAddress(request), context);
    return true;
  }

  private count(counter: FixedWindowCounter, key: string, context: ExecutionContext): void {
    const retryAfterSeconds = counter.hit(key);
    if (retryAfterSeconds === undefined) return;
    context.switchToHttp().getResponse<{ setHeader(name: string, value: string): void }>().setHeader('Retry-After', String(retryAfterSeconds));
    const message = `rate limit of ${counter.limit} per minute exceeded; retry in ${retryAfterSeconds} s`;
    throw new HttpException(HttpException.createBody(message, 'Too Many Requests', HttpStatus.TOO_MANY_REQUESTS), HttpStatus.TOO_MANY_REQUESTS);
  }
}
