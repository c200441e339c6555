import { Worker } from 'node:worker_threads';

/** How often the thread checkpoints: often enough that each checkpoint has little to copy. */
const CHECKPOINT_EVERY_MS = 50;

/**
 * Runs in the thread, on a connection of its own. PASSIVE never waits for readers or writers: it
 * copies what it can and tries again next time.
 */
const THREAD_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const report = (error) => parentPort.postMessage({ failed: String(error) });
let db;
try {
  db = new Database(workerData.file, { fileMustExist: true, timeout: 0 });
} catch (error) {
  report(error);
}
const checkpoint = db?.prepare('PRAGMA wal_checkpoint(PASSIVE)');
const timer = setInterval(() => {
  try {
    checkpoint?.run();
  } catch (error) {
    if (error.code !== 'SQLITE_BUSY' && error.code !== 'SQLITE_LOCKED') report(error);
  }
}, workerData.everyMs);
parentPort.once('message', () => {
  clearInterval(timer);
  db?.close();
  parentPort.close();
});
`;

/**
 * Checkpoints the WAL of a SQLite file every 50 ms from a thread of its own, for a process whose
 * connection leaves checkpoints out of its commits (`autoCheckpointPages: 0`), so that its event
 * loop never copies pages back into the database file. Checkpointing often matters as much: a
 * checkpoint that copies the whole WAL lets the next writer start the WAL over from its beginning.
 * Under a steady stream of filings, checkpoints that ran only past 1000 WAL pages, in the commits
 * of the worker beside the API, rarely got that far before the API wrote again: the WAL grew by
 * megabytes a second, and every commit extended the file.
 */
export class BackgroundCheckpointer {
  private constructor(private readonly thread: Worker, private readonly exited: Promise<unknown>) {}

  /** `onFailure` hears of checkpoints that failed for another reason than a lock being taken. */
  static start(file: string, onFailure: (message: string) => void): BackgroundCheckpointer {
    const thread = new Worker(THREAD_SOURCE, { eval: true, workerData: { driver: require.resolve('better-sqlite3'), file, everyMs: CHECKPOINT_EVERY_MS } });
    thread.on('message', (message: { failed: string }) => onFailure(message.failed));
    thread.on('error', (error) => onFailure(String(error)));
    thread.unref();
    return new BackgroundCheckpointer(thread, new Promise((resolve) => thread.once('exit', resolve)));
  }

  /** Stops checkpointing and closes the thread's connection. */
  async stop(): Promise<void> {
    this.thread.postMessage('stop');
    await this.exited;
  }
}
