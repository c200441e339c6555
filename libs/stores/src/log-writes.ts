import { Logger } from '@nestjs/common';
import { IpcLogWriter, type IpcChannel, type SqliteLogWriter } from '@yixin/event-store';

/** How the embedded system (apps/embedded) forks the worker (apps/worker): its writes to the log's SQLite file go through the API process, the file's one writer. */
export const WRITES_THROUGH_PARENT_ARGUMENT = '--log-writes-through-parent';

/**
 * The writer this worker process was started to write the log's file through, if any. The IPC
 * channel closes when the parent ends, however it ends (even SIGKILLed); the worker then exits at
 * once. A graceful stop would gain nothing: it can record nothing without its parent, and it could
 * wait forever on the parent's Temporal dev server, gone with the parent.
 */
export function parentLogWriter(): SqliteLogWriter | undefined {
  if (!process.argv.includes(WRITES_THROUGH_PARENT_ARGUMENT)) return undefined;
  if (!process.send) throw new Error(`${WRITES_THROUGH_PARENT_ARGUMENT} needs an IPC channel to the parent process (child_process.fork)`);
  process.once('disconnect', () => {
    new Logger('WorkerProcess').error('the parent process is gone: exiting');
    process.exit(1);
  });
  return new IpcLogWriter(process as IpcChannel);
}
