import { getPriority, setPriority } from 'node:os';

/** How many nice steps below the API the back office (the worker process, the Temporal dev server) runs. */
const BACK_OFFICE_NICENESS = 10;

/**
 * Gives a back-office process a lower CPU priority than this one, the API's: on a machine short of
 * cores, a filing is answered first and a burst is dispatched as the CPU allows. The API runs on one
 * thread, so the back office still has every other core to itself.
 */
export function runAsBackOffice(pid: number): void {
  setPriority(pid, Math.min(19, getPriority() + BACK_OFFICE_NICENESS));
}
