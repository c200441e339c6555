import { lazy, type ComponentType, type LazyExoticComponent } from 'react';

export interface Preloadable<Props extends object = object> {
  /** The component, rendered as soon as its code is here. */
  Component: LazyExoticComponent<ComponentType<Props>>;
  /** Loads its code, once: when first rendered, or earlier, when it will soon be (a screen the console starts on, a dialog about to open). */
  load(): Promise<unknown>;
}

/**
 * A component in a chunk of its own, like React's `lazy`, except that once its code has loaded it
 * renders at once: a plain `lazy` suspends on its first render even when the chunk came earlier,
 * shows its fallback, and React then holds the revealed screen back for up to 500 ms (its throttle
 * of Suspense fallbacks) before it commits it.
 */
export function preloadable<Props extends object = object>(importer: () => Promise<{ default: ComponentType<Props> }>): Preloadable<Props> {
  type Module = { default: ComponentType<Props> };
  let loaded: Module | undefined;
  let loading: Promise<Module> | undefined;
  const load = () =>
    (loading ??= importer().then(
      (module) => (loaded = module),
      (error: unknown) => {
        loading = undefined;
        throw error;
      },
    ));
  // React's lazy asks for a thenable and reads the module synchronously if `then` calls back at once.
  const Component = lazy(() => (loaded ? ({ then: (resolve: (module: Module) => void) => resolve(loaded!) } as Promise<Module>) : load()));
  return { Component, load };
}
