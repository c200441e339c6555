import { fork, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import type { LoggerService } from '@nestjs/common';
import { serveLogWrites } from '@yixin/event-store';
import { WRITES_THROUGH_PARENT_ARGUMENT, type Stores } from '@yixin/stores';
import { runAsBackOffice, runAsForeground } from './back-office-priority';

const RESTART_DELAY_MS = 1000;
/**
 * How long the worker has to stop on SIGTERM before it is killed: it gives up what it is still
 * starting, and drains its running activities (writes to the log, milliseconds each). Short enough
 * that a whole stop of `npm start` stays within 10 s.
 */
const STOP_GRACE_MS = 4000;

type LogStores = Pick<Stores, 'eventStore' | 'checkpoints'>;

/**
 * The worker (Temporal worker, bridge, projections) of the embedded system, in a child process
 * beside the API: on separate cores, the back office catching up never holds up a filing, and it
 * is the same worker that runs on its own at scale. It runs at the back office's lower CPU priority.
 * A worker that dies is started again; it resumes from its checkpoints.
 *
 * On SQLite this process is the one writer of the log's file: the worker's appends and checkpoints
 * come over the IPC channel and are made with the API's stores (see SqliteLogWriter).
 */
export class WorkerProcess {
  private child: ChildProcess | undefined;
  private stopping = false;
  private restartTimer: NodeJS.Timeout | undefined;

  private constructor(
    private readonly env: NodeJS.ProcessEnv,
    private readonly logger: LoggerService,
    private readonly output: 'inherit' | number,
    private readonly logStores: LogStores | undefined,
  ) {}

  /**
   * Forks apps/worker/src/main with `env` as its whole configuration; resolves once it has started.
   * Its log goes to this process's stdout and stderr, or to the file descriptor `output`. With
   * `logStores` (the log on SQLite), the worker's writes to the log's file are made with them.
   */
  static async start(env: NodeJS.ProcessEnv, logger: LoggerService, output: 'inherit' | number, logStores?: LogStores): Promise<WorkerProcess> {
    const worker = new WorkerProcess(env, logger, output, logStores);
    await worker.spawn();
    return worker;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** SIGTERM, then SIGKILL (and a warning) if the worker has not exited within STOP_GRACE_MS. */
  async stop(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.restartTimer);
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    runAsForeground(child.pid!);
    child.kill('SIGTERM');
    const forceKill = setTimeout(() => {
      this.logger.warn(`the worker process had not stopped ${STOP_GRACE_MS} ms after SIGTERM: killing it`, 'WorkerProcess');
      child.kill('SIGKILL');
    }, STOP_GRACE_MS);
    await exited;
    clearTimeout(forceKill);
  }

  /** SIGKILL, not started again: for a stop that cannot wait. */
  kill(): void {
    this.stopping = true;
    clearTimeout(this.restartTimer);
    this.child?.kill('SIGKILL');
  }

  private spawn(): Promise<void> {
    // Forked with this process's execArgv: from the TypeScript sources, the child loads them the same way.
    const args = this.logStores ? [WRITES_THROUGH_PARENT_ARGUMENT] : [];
    const child = fork(workerMain(), args, { env: this.env, stdio: ['ignore', this.output, this.output, 'ipc'] });
    this.child = child;
    if (this.logStores) serveLogWrites(child, this.logStores.eventStore, this.logStores.checkpoints);
    child.once('exit', (code, signal) => {
      if (this.stopping) return;
      this.logger.error(`the worker process exited (${signal ?? `code ${code}`}); starting it again in ${RESTART_DELAY_MS} ms`, undefined, 'WorkerProcess');
      this.restartTimer = setTimeout(() => void this.spawn().catch((error: unknown) => this.logger.error(String(error), undefined, 'WorkerProcess')), RESTART_DELAY_MS);
    });
    return new Promise((resolve, reject) => {
      child.once('spawn', () => {
        if (!runAsBackOffice(child.pid!)) this.logger.warn('the worker runs niced, not under SCHED_IDLE (no chrt): it can delay the API more', 'WorkerProcess');
        resolve();
      });
      child.once('error', reject);
    });
  }
}

/**
 * The worker app's entry point (main.ts, or main.js compiled), beside its index (@yixin/worker):
 * resolved, not imported, so that this process does not load Temporal's worker for nothing.
 */
function workerMain(): string {
  return require.resolve(join(dirname(require.resolve('@yixin/worker')), 'main'));
}
