import type { SqlStatement } from '@yixin/stores';

/**
 * Work that must be done by one process at a time across all the workers: the bridge to Temporal
 * and each projection. Each is named, and run by whichever worker holds the
 * lease of that name; when the holder dies, another takes the lease over once it has expired.
 */
export interface Leases {
  /**
   * Runs `job` each time this process gets the lease `name`, until `stopping` aborts: the lease's
   * signal aborts when it is lost (not renewed in time, or taken over), and `job` must then stop.
   * On a stop the lease is let go, so that another worker takes it over at once.
   */
  runWhileHeld(name: string, stopping: AbortSignal, job: (lease: HeldLease) => Promise<void>): Promise<void>;
}

export interface HeldLease {
  readonly name: string;
  /** Raised each time the lease changes hands: a fencing token. */
  readonly token: number;
  /** Aborts when the lease is lost, or on a stop. */
  readonly signal: AbortSignal;
  /**
   * Statements to add to each transaction of the job's writes to the record store's database: the
   * transaction is rolled back if the lease has changed hands meanwhile, so a holder that lost it
   * without knowing yet (paused, cut off) cannot write over its successor.
   */
  fence(): SqlStatement[];
}

export const LEASES = Symbol('LEASES');
