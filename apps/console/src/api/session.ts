import { useSyncExternalStore } from 'react';
import type { components } from './schema';

/** The signed-in user, as the API's login answered. */
export type SignedIn = components['schemas']['LoginResponse'];

const STORAGE_KEY = 'yixin.session';
const listeners = new Set<() => void>();
let current: SignedIn | undefined = read();

function read(): SignedIn | undefined {
  try {
    const stored = localStorage.getItem(STORAGE_KEY);
    return stored ? (JSON.parse(stored) as SignedIn) : undefined;
  } catch {
    return undefined;
  }
}

function set(next: SignedIn | undefined): void {
  current = next;
  if (next) localStorage.setItem(STORAGE_KEY, JSON.stringify(next));
  else localStorage.removeItem(STORAGE_KEY);
  for (const listener of listeners) listener();
}

/** The session, kept in localStorage so that a reload or a second tab stays signed in until the token expires. */
export const session = {
  current: (): SignedIn | undefined => current,
  signIn: (signedIn: SignedIn): void => set(signedIn),
  /** Forgets the token locally; the caller revokes it at the API first (sign-out) or the API already refused it (401). */
  expire: (): void => set(undefined),
  subscribe(listener: () => void): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
};

window.addEventListener('storage', (event) => {
  if (event.key === STORAGE_KEY) set(read());
});

export function useSession(): SignedIn | undefined {
  return useSyncExternalStore(session.subscribe, session.current);
}
