import { HttpException, HttpStatus, Inject, Injectable } from '@nestjs/common';
import { YIXIN_CONFIG, type YixinConfig } from '@yixin/config';
import { FixedWindowCounter } from '../rate-limit/rate-limit';

const MINUTE_MS = 60_000;

/** A refusal in the API's error format, with the seconds to wait. */
export class TooManyGuesses extends HttpException {
  constructor(readonly retryAfterSeconds: number, limit: number) {
    super(
      HttpException.createBody(`too many wrong case numbers or check codes; the limit is ${limit} a minute; retry in ${retryAfterSeconds} s`, 'Too Many Requests', HttpStatus.TOO_MANY_REQUESTS),
      HttpStatus.TOO_MANY_REQUESTS,
    );
  }
}

/**
 * Failed look-ups of the resident page, per client address and per case number, each a minute. A
 * check code is a password of sorts, so the login limits apply: RATE_LIMIT_LOGINS_PER_MINUTE per
 * address, RATE_LIMIT_LOGINS_PER_USERNAME_PER_MINUTE per case number, from any address. Only
 * failures count, whatever failed: a resident reading their case again and again is not refused,
 * and an address over its limit is refused before its guess is looked at, so that a right guess
 * looks no different from a wrong one until the window ends.
 */
@Injectable()
export class ResidentRateLimits {
  private readonly perAddress: FixedWindowCounter;
  private readonly perCaseNumber: FixedWindowCounter;

  constructor(@Inject(YIXIN_CONFIG) config: YixinConfig) {
    this.perAddress = new FixedWindowCounter(config.rateLimits.loginsPerMinute, MINUTE_MS);
    this.perCaseNumber = new FixedWindowCounter(config.rateLimits.loginsPerUsernamePerMinute, MINUTE_MS);
  }

  /** Throws if the address or the case number failed too often this minute; counts nothing. */
  refuseGuessing(client: string, caseNumber: string): void {
    this.refuse(this.perAddress, this.perAddress.retryAfter(client));
    this.refuse(this.perCaseNumber, this.perCaseNumber.retryAfter(caseNumber));
  }

  /** Counts a failed look-up against both; throws once that is one too many. */
  countFailure(client: string, caseNumber: string): void {
    const address = this.perAddress.hit(client);
    const number = this.perCaseNumber.hit(caseNumber);
    this.refuse(this.perAddress, address);
    this.refuse(this.perCaseNumber, number);
  }

  private refuse(counter: FixedWindowCounter, retryAfterSeconds: number | undefined): void {
    if (retryAfterSeconds !== undefined) throw new TooManyGuesses(retryAfterSeconds, counter.limit);
  }
}
