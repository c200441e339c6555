/** Injection tokens of the stores, shared by every process. */
export const SQLITE_DATABASE = Symbol('SQLITE_DATABASE');
export const EVENT_STORE = Symbol('EVENT_STORE');
export const CHECKPOINT_STORE = Symbol('CHECKPOINT_STORE');
