import type { HeldLease, Leases } from './leases';

/**
 * On SQLite one worker writes the log's file, so it holds every lease from the start, without a
 * table: a second worker on the same file is not a supported topology.
 */
export class SoleWriterLeases implements Leases {
  async runWhileHeld(name: string, stopping: AbortSignal, job: (lease: HeldLease) => Promise<void>): Promise<void> {
    if (stopping.aborted) return;
    await job({ name, token: 1, signal: stopping, fence: () => [] });
  }
}
