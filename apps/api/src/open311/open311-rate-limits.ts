import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import { YIXIN_CONFIG, type YixinConfig } from '@yixin/config';
import { FixedWindowCounter } from '../rate-limit/rate-limit';
import { Open311Error } from './open311-errors';

const MINUTE_MS = 60_000;

/**
 * Filing with an api_key, limited in two ways, each per minute. Wrong keys per client address: a
 * client over the limit is refused before its key is looked at, so that a right guess looks no
 * different from a wrong one until the window ends. Filings per key: a leaked or runaway key
 * files no more than an intake can. Refusals are 429 with Retry-After, in Open311's format.
 */
@Injectable()
export class Open311RateLimits {
  private readonly wrongKeys: FixedWindowCounter;
  private readonly filings: FixedWindowCounter;

  constructor(@Inject(YIXIN_CONFIG) config: YixinConfig) {
    this.wrongKeys = new FixedWindowCounter(config.publicRateLimits.apiKeyFailuresPerMinute, MINUTE_MS);
    this.filings = new FixedWindowCounter(config.publicRateLimits.filingsPerApiKeyPerMinute, MINUTE_MS);
  }

  /** Throws if `client` gave too many wrong keys this minute; counts nothing. */
  refuseGuessingClient(client: string): void {
    const retryAfterSeconds = this.wrongKeys.retryAfter(client);
    if (retryAfterSeconds !== undefined) throw tooMany('too many wrong api_keys from this address', this.wrongKeys.limit, retryAfterSeconds);
  }

  /** Counts a wrong key of `client`; throws once that is one too many (guesses sent at once all pass refuseGuessingClient). */
  countWrongKey(client: string): void {
    const retryAfterSeconds = this.wrongKeys.hit(client);
    if (retryAfterSeconds !== undefined) throw tooMany('too many wrong api_keys from this address', this.wrongKeys.limit, retryAfterSeconds);
  }

  /** Counts a filing with the key `keyId`; throws once that is one too many. */
  countFiling(keyId: string): void {
    const retryAfterSeconds = this.filings.hit(keyId);
    if (retryAfterSeconds !== undefined) throw tooMany('too many requests filed with this api_key', this.filings.limit, retryAfterSeconds);
  }
}

function tooMany(what: string, limit: number, retryAfterSeconds: number): Open311Error {
  return new Open311Error(HttpStatus.TOO_MANY_REQUESTS, [`${what}: the limit is ${limit} per minute; retry in ${retryAfterSeconds} s`], retryAfterSeconds);
}
