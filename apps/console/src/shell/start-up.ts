import type { SignedIn } from '../api/session';
import { homeOf, mayOpen, ROUTES } from './routes';

/**
 * What a signed-in user's screen at `path` needs, all asked for at once: the screen's code and
 * (`prepare`) its first data. Left to React, each would wait for the one before it to load and
 * render (layout, screen, then its request), a waterfall of round trips and renders before the
 * first rows show. Answers the screen's code once loaded (nothing to wait for: no such screen).
 */
export function startScreen(user: SignedIn, path: string): Promise<unknown> {
  const wanted = path === '/' || path === '' ? homeOf(user) : path;
  const route = ROUTES.find((candidate) => pathMatches(candidate.path, wanted));
  if (!route || !mayOpen(route, user)) return Promise.resolve();
  route.prepare?.();
  return route.load();
}

/**
 * A route's path (`/cases/:caseId`) against an address's: the router's own matcher is in the
 * console's main chunk, which this runs before (main.tsx).
 */
function pathMatches(pattern: string, path: string): boolean {
  const [expected, actual] = [pattern.split('/'), path.replace(/\/$/, '').split('/')];
  return expected.length === actual.length && expected.every((segment, index) => (segment.startsWith(':') ? actual[index] !== '' : segment === actual[index]));
}

/** The screen the address names (`#/inbox?…`), as the console starts. */
export function pathInAddress(): string {
  return window.location.hash.replace(/^#/, '').split('?')[0] ?? '';
}
