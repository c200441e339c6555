import { useSyncExternalStore } from 'react';

export type Breakpoint = 'xs' | 'sm' | 'md' | 'lg' | 'xl' | 'xxl';
export type Screens = Record<Breakpoint, boolean>;

/** Ant Design's breakpoints, as its Grid.useBreakpoint asks the browser (the theme leaves them as they are). */
const QUERIES: Record<Breakpoint, string> = {
  xs: '(max-width: 575px)',
  sm: '(min-width: 576px)',
  md: '(min-width: 768px)',
  lg: '(min-width: 992px)',
  xl: '(min-width: 1200px)',
  xxl: '(min-width: 1600px)',
};

const listeners = new Set<() => void>();
let media: [Breakpoint, MediaQueryList][] | undefined;
let current: Screens | undefined;

function read(): Screens {
  media ??= (Object.keys(QUERIES) as Breakpoint[]).map((breakpoint) => {
    const list = window.matchMedia(QUERIES[breakpoint]);
    list.addEventListener('change', () => {
      current = undefined;
      for (const listener of listeners) listener();
    });
    return [breakpoint, list];
  });
  current ??= Object.fromEntries(media.map(([breakpoint, list]) => [breakpoint, list.matches])) as Screens;
  return current;
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/**
 * Which breakpoints the window reaches, like antd's Grid.useBreakpoint, but right from the first
 * render: antd's hook answers `{}` (a phone) until its layout effect, then renders again, so that a
 * list of cards each asking it was rendered twice, once at phone size, before its first frame.
 */
export function useScreens(): Screens {
  return useSyncExternalStore(subscribe, read);
}
