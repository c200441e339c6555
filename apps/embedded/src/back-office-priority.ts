import { execFileSync } from 'node:child_process';
import { getPriority, setPriority } from 'node:os';

/** How many nice steps below the API the back office (the worker process, the Temporal dev server) runs. */
const BACK_OFFICE_NICENESS = 10;

/**
 * Gives a back-office process a lower CPU priority than this one, the API's: on a machine short of
 * cores, a filing is answered first and a burst is dispatched as the CPU allows. The API runs on one
 * thread, so the back office still has every other core to itself.
 *
 * On Linux every thread of the process is also put under SCHED_IDLE (threads it starts later
 * inherit it). Niceness alone only weighs the shares: a request waking the API could wait a few
 * milliseconds for a core the back office was using, several times per filing, and at 200 filings
 * per second that made the p50 five times as long. A SCHED_IDLE thread gives way at once.
 * Returns false where that is not possible (no `chrt`, another system): then the process is only niced.
 */
export function runAsBackOffice(pid: number): boolean {
  setPriority(pid, Math.min(19, getPriority() + BACK_OFFICE_NICENESS));
  if (process.platform !== 'linux') return false;
  try {
    execFileSync('chrt', ['--idle', '--all-tasks', '--pid', '0', String(pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * Gives a back-office process that is being stopped the CPU priority of this process again: its stop
 * is what the user waits for now, and a worker has to drain before the dev server may stop. Under
 * SCHED_IDLE, on a machine busy with other work, each could wait seconds for a core and be killed
 * at the end of its grace. Linux lets only a privileged user (root, CAP_SYS_NICE, or a high
 * enough RLIMIT_NICE) undo runAsBackOffice; elsewhere the process stays where it was.
 */
export function runAsForeground(pid: number): void {
  try {
    setPriority(pid, getPriority());
    if (process.platform === 'linux') execFileSync('chrt', ['--other', '--all-tasks', '--pid', '0', String(pid)], { stdio: 'ignore' });
  } catch {
    // Not allowed: the stop still ends within its grace, by SIGKILL if it must.
  }
}
