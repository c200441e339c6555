/** Injection tokens of the stores and of the clock of deadlines, shared by every process. */
export const STORES = Symbol('STORES');
export const EVENT_STORE = Symbol('EVENT_STORE');
export const CHECKPOINT_STORE = Symbol('CHECKPOINT_STORE');
export const RECORD_STORE = Symbol('RECORD_STORE');
export const READ_STORE = Symbol('READ_STORE');
export const CASE_CLOCK = Symbol('CASE_CLOCK');
