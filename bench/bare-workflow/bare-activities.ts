import Database from 'better-sqlite3';
import type { BareActivities } from './bare-messages';

/** The bare dispatch: one INSERT into a SQLite file with the log's settings (WAL, synchronous=NORMAL). */
export function createBareActivities(filename: string): { activities: BareActivities; db: Database.Database } {
  const db = new Database(filename);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec('CREATE TABLE IF NOT EXISTS dispatched (case_id TEXT PRIMARY KEY, at TEXT NOT NULL)');
  const insert = db.prepare('INSERT OR IGNORE INTO dispatched (case_id, at) VALUES (?, ?)');
  return {
    db,
    activities: {
      async dispatch(caseId, at) {
        insert.run(caseId, at);
      },
    },
  };
}
