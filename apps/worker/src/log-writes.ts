import { IpcLogWriter, type IpcChannel, type SqliteLogWriter } from '../../../libs/event-store/src';

/** How the embedded system forks the worker: its writes to the log's SQLite file go through the API process, the file's one writer. */
export const WRITES_THROUGH_PARENT_ARGUMENT = '--log-writes-through-parent';

/**
 * The writer this worker process was started to write the log's file through, if any. Without
 * its parent such a worker can record nothing, so it then shuts down (as on SIGTERM).
 */
export function parentLogWriter(): SqliteLogWriter | undefined {
  if (!process.argv.includes(WRITES_THROUGH_PARENT_ARGUMENT)) return undefined;
  if (!process.send) throw new Error(`${WRITES_THROUGH_PARENT_ARGUMENT} needs an IPC channel to the parent process (child_process.fork)`);
  process.once('disconnect', () => process.kill(process.pid, 'SIGTERM'));
  return new IpcLogWriter(process as IpcChannel);
}
