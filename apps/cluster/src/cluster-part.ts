import type { ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import type { LoggerService } from '@nestjs/common';

export type PartKind = 'postgres' | 'temporal' | 'api' | 'worker';

/** One run of a part: its process, from the moment it is up until it ends. */
export interface PartRun {
  pid: number;
  /** Settles when the process has ended, however it ended. */
  ended: Promise<void>;
  /** Ends it in order (SIGTERM or the part's own way), SIGKILL after a grace; resolves once it has ended. */
  stop(): Promise<void>;
}

/** Starts one run; resolves once it is up. Gives up when `signal` aborts (the part is being stopped). */
export type Launch = (signal: AbortSignal) => Promise<PartRun>;

/** Between a part's end and its start again, and between two failed starts. */
const RESTART_DELAY_MS = 1000;

/**
 * A part of the topology, as a fault-injection run sees it: its current process, killed with any
 * signal (`kill`), started again (`restart`), or waited for (`whenUp`). A part that ends without
 * being stopped on purpose is started again a second later, and again until a start succeeds,
 * as WorkerProcess does for `npm start`'s worker.
 */
export class ClusterPart {
  private run: PartRun | undefined;
  private up: Promise<void> = Promise.resolve();
  private readonly stopped = new AbortController();
  /** How many times it was started again after an unexpected end. */
  restarts = 0;

  constructor(
    readonly name: string,
    readonly kind: PartKind,
    private readonly launch: Launch,
    private readonly logger: LoggerService,
  ) {}

  /** The current run's process; undefined while it is being started again. */
  get pid(): number | undefined {
    return this.run?.pid;
  }

  start(): Promise<void> {
    this.up = this.launchUntilUp(false);
    return this.up;
  }

  /** Resolves once the part is up: at once if it is, else when its current start again succeeds. */
  whenUp(): Promise<void> {
    return this.up;
  }

  /** Sends `signal` to the current process: a fault; the part starts again if it ends. */
  kill(signal: NodeJS.Signals = 'SIGKILL'): void {
    if (this.run) process.kill(this.run.pid, signal);
  }

  /** Stops the current process in order and starts it again. */
  async restart(): Promise<void> {
    await this.up;
    const run = this.run;
    this.run = undefined;
    await run?.stop();
    this.up = this.launchUntilUp(false);
    return this.up;
  }

  /** Stops it on purpose, not to be started again: what is starting gives up, what runs stops in order. */
  async stop(): Promise<void> {
    this.stopped.abort(new Error(`${this.name} is stopping`));
    await this.up.catch(() => undefined);
    await this.run?.stop();
  }

  /** The first start fails the topology's start; a start again after a fault is tried until it succeeds. */
  private async launchUntilUp(retrying: boolean): Promise<void> {
    for (;;) {
      this.stopped.signal.throwIfAborted();
      try {
        const run = await this.launch(this.stopped.signal);
        this.run = run;
        void run.ended.then(() => this.onEnded(run));
        return;
      } catch (error) {
        if (!retrying || this.stopped.signal.aborted) throw error;
        this.logger.error(`${this.name} did not start again (${error instanceof Error ? error.message : String(error)}); trying again in ${RESTART_DELAY_MS} ms`, undefined, 'Cluster');
        await this.pause();
      }
    }
  }

  /** The delay before a start again; cut short (rejecting) when the part is stopped. */
  private pause(): Promise<void> {
    return sleep(RESTART_DELAY_MS, undefined, { signal: this.stopped.signal });
  }

  private onEnded(run: PartRun): void {
    if (this.stopped.signal.aborted || run !== this.run) return;
    this.run = undefined;
    this.restarts += 1;
    this.logger.error(`${this.name} (pid ${run.pid}) ended; starting it again in ${RESTART_DELAY_MS} ms`, undefined, 'Cluster');
    this.up = this.pause().then(() => this.launchUntilUp(true));
    // A start that gives up because the part is being stopped is no failure.
    this.up.catch(() => undefined);
  }
}

/** How a Node child process of the topology stops: SIGTERM, SIGKILL if it has not ended `graceMs` later. */
export async function stopChild(child: ChildProcess, ended: Promise<void>, graceMs: number, logger: LoggerService, name: string): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const forceKill = setTimeout(() => {
    logger.warn(`${name} had not stopped ${graceMs} ms after SIGTERM: killing it`, 'Cluster');
    child.kill('SIGKILL');
  }, graceMs);
  await ended;
  clearTimeout(forceKill);
}

/** Settles when `child` has exited (already, or later). */
export function endOf(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}
