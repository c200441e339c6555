import { matchPath } from 'react-router';
import type { SignedIn } from '../api/session';
import { homeOf, mayOpen, ROUTES } from './routes';

/**
 * What a signed-in user's screen at `path` needs, all asked for at once: the screen's code and
 * (`prepare`) its first data (the layout's code is in the entry). Left to React, each would wait for
 * the one before it to load and render (screen, then its request), a waterfall of round trips and
 * renders before the first rows show.
 */
export function startScreen(user: SignedIn, path: string): void {
  const wanted = path === '/' || path === '' ? homeOf(user) : path;
  const route = ROUTES.find((candidate) => matchPath(candidate.path, wanted));
  if (!route || !mayOpen(route, user)) return;
  route.load().catch(() => undefined);
  route.prepare?.();
}

/** The screen the address names (`#/inbox?…`), as the console starts. */
export function pathInAddress(): string {
  return window.location.hash.replace(/^#/, '').split('?')[0] ?? '';
}
