import { openSqliteDatabase } from '../sqlite-database';
import { SqliteCheckpointStore, SqliteEventStore } from '../sqlite-event-store';
import { serveLogWrites, type IpcChannel } from '../sqlite-log-writer';

/**
 * The one writer of a log file, in a process of its own as the API of `npm start` is for its
 * worker: makes the writes its parent asks over the IPC channel, and exits when the parent lets go.
 *
 *   node -r test/support/register-ts.js serve-sqlite-writes.ts <file>
 */
const db = openSqliteDatabase(process.argv[2]);
serveLogWrites(process as IpcChannel, new SqliteEventStore(db), new SqliteCheckpointStore(db));
process.on('disconnect', () => {
  db.close();
  process.exit(0);
});
process.send!({ ready: true });
