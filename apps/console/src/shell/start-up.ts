import { matchPath } from 'react-router';
import type { SignedIn } from '../api/session';
import { preloadable } from './preloadable';
import { homeOf, mayOpen, ROUTES } from './routes';

/** The layout of every screen but sign-in: its own chunk, so that the sign-in page's first load carries none of it. */
const layout = preloadable(() => import('./console-layout'));
export const ConsoleLayout = layout.Component;
const loadLayout = layout.load;

/**
 * What a signed-in user's screen at `path` needs, all asked for at once: the layout's code, the
 * screen's code and (`prepare`) its first data. Left to React, each would wait for the one before
 * it to load and render (layout, then screen, then its request), a waterfall of round trips and
 * renders before the first rows show.
 */
export function startScreen(user: SignedIn, path: string): void {
  loadLayout().catch(() => undefined);
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
