import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';

export type SqliteSynchronousMode = 'OFF' | 'NORMAL' | 'FULL' | 'EXTRA';

export interface SqliteDatabaseOptions {
  /** How hard SQLite syncs to disk; FULL (the default) keeps a commit through a power loss. */
  synchronous?: SqliteSynchronousMode;
  /**
   * WAL pages after which a commit on this connection also checkpoints the file (SQLite's default
   * 1000); 0 for never, when another process on the file does it, so that this one's commits stay short.
   */
  autoCheckpointPages?: number;
}

const synchronousModes: readonly SqliteSynchronousMode[] = ['OFF', 'NORMAL', 'FULL', 'EXTRA'];

/**
 * Opens (creating it and its folder if needed) a SQLite file set up for one log shared by several
 * processes: WAL so readers never block the writer, and a busy timeout so concurrent writers
 * queue for the write lock instead of failing at once.
 */
export function openSqliteDatabase(filename: string, options: SqliteDatabaseOptions = {}): Database.Database {
  const synchronous = options.synchronous ?? 'FULL';
  // The mode is interpolated into the pragma, so it is checked even though the type already limits it.
  if (!synchronousModes.includes(synchronous)) {
    throw new Error(`unknown synchronous mode ${String(synchronous)}`);
  }
  mkdirSync(dirname(filename), { recursive: true });
  const db = new Database(filename);
  db.pragma('journal_mode = WAL');
  db.pragma('busy_timeout = 5000');
  db.pragma(`synchronous = ${synchronous}`);
  db.pragma(`wal_autocheckpoint = ${Math.trunc(options.autoCheckpointPages ?? 1000)}`);
  db.pragma('foreign_keys = ON');
  return db;
}
