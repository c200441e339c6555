import { lazy, type ComponentType, type LazyExoticComponent } from 'react';

export interface Preloadable {
  /** The component, rendered as soon as its code is here. */
  Component: LazyExoticComponent<ComponentType>;
  /** Loads its code, once: when first rendered, or earlier (start-up.ts) when the console starts on it. */
  load(): Promise<unknown>;
}

/**
 * A component in a chunk of its own, like React's `lazy`, except that once its code has loaded it
 * renders at once: a plain `lazy` suspends on its first render even when the chunk came earlier,
 * shows its fallback, and React then holds the revealed screen back for up to 500 ms (its throttle
 * of Suspense fallbacks) before it commits it.
 */
export function preloadable(importer: () => Promise<{ default: ComponentType }>): Preloadable {
  let loaded: { default: ComponentType } | undefined;
  let loading: Promise<{ default: ComponentType }> | undefined;
  const load = () =>
    (loading ??= importer().then(
      (module) => (loaded = module),
      (error: unknown) => {
        loading = undefined;
        throw error;
      },
    ));
  // React's lazy asks for a thenable and reads the module synchronously if `then` calls back at once.
  const Component = lazy(() => (loaded ? ({ then: (resolve: (module: { default: ComponentType }) => void) => resolve(loaded!) } as Promise<{ default: ComponentType }>) : load()));
  return { Component, load };
}
