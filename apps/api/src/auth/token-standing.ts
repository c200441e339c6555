import type { IssuedToken, TokenRevocation } from '@yixin/directory';

/**
 * A response that outlives its request (a live stream, an export) checks the token that opened it
 * again this often: as often as another API process sees a revocation (TokenRevocation's 5 s).
 */
export const TOKEN_RECHECK_INTERVAL_MS = 5_000;

/** Whether the token still stands: unexpired, not signed out, its user neither disabled nor changed. */
export function tokenStanding(revocation: TokenRevocation, token: IssuedToken): () => Promise<boolean> {
  return async () => token.expiresAt > Date.now() && (await revocation.isLiveNow(token));
}

/** The token a response was sent for stopped standing while it was being sent. */
export class TokenNoLongerStandsError extends Error {
  constructor() {
    super('the bearer token was revoked or expired (signed out, or the account was changed or disabled)');
  }
}

/** The items, as long as the token stands: checked before an item once the interval has passed since the last check. */
export async function* whileTokenStands<T>(items: AsyncIterable<T>, tokenStillStands: () => Promise<boolean>, now: () => number = Date.now): AsyncGenerator<T> {
  let nextCheckAt = now() + TOKEN_RECHECK_INTERVAL_MS;
  for await (const item of items) {
    if (now() >= nextCheckAt) {
      if (!(await tokenStillStands())) throw new TokenNoLongerStandsError();
      nextCheckAt = now() + TOKEN_RECHECK_INTERVAL_MS;
    }
    yield item;
  }
}
