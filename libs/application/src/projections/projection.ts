import type { RecordedEvent } from '../../../event-store/src';
import type { SqlDatabase, SqlStatement } from '../read-store/sql-database';

/**
 * A read model built from the global log. Its rows and its checkpoint are written in one
 * transaction, so each event takes effect exactly once; dropping its tables and replaying the
 * log rebuilds it.
 */
export interface Projection {
  name: string;
  /** Idempotent DDL of its tables and indexes. */
  schema: string;
  /** Tables emptied before a rebuild. */
  tables: string[];
  /** The statements that apply these events, in order; may read the current rows. */
  apply(events: RecordedEvent[], db: SqlDatabase): Promise<SqlStatement[]>;
}

export const PROJECTION_CHECKPOINTS_SCHEMA = `
  CREATE TABLE IF NOT EXISTS projection_checkpoints (name TEXT PRIMARY KEY, position BIGINT NOT NULL)`;

export async function loadProjectionCheckpoint(db: SqlDatabase, name: string): Promise<number> {
  const [row] = await db.query<{ position: number }>('SELECT position FROM projection_checkpoints WHERE name = ?', [name]);
  return row?.position ?? 0;
}

export function saveProjectionCheckpoint(name: string, position: number): SqlStatement {
  return {
    // Never backwards: a second worker running the same projection may lag behind the first.
    sql: `INSERT INTO projection_checkpoints (name, position) VALUES (?, ?)
          ON CONFLICT (name) DO UPDATE SET position = excluded.position
          WHERE projection_checkpoints.position < excluded.position`,
    params: [name, position],
  };
}

/**
 * An upsert of a whole row keyed by `key`, in SQL both SQLite and PostgreSQL accept. The row only
 * replaces one with a lower `version`, so that several workers projecting at once, at different
 * speeds, never put an older state over a newer one.
 */
export function upsertRow(table: string, key: string, version: string, row: Record<string, unknown>): SqlStatement {
  const columns = Object.keys(row);
  const updates = columns.filter((column) => column !== key).map((column) => `${column} = excluded.${column}`);
  return {
    sql: `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})
          ON CONFLICT (${key}) DO UPDATE SET ${updates.join(', ')} WHERE ${table}.${version} < excluded.${version}`,
    params: columns.map((column) => row[column]),
  };
}

/** Applies a batch of events and moves the checkpoint past them, in one transaction. */
export async function applyProjectionBatch(db: SqlDatabase, projection: Projection, events: RecordedEvent[]): Promise<void> {
  if (events.length === 0) return;
  const statements = await projection.apply(events, db);
  await db.batch([...statements, saveProjectionCheckpoint(projection.name, events[events.length - 1].globalPosition)]);
}
