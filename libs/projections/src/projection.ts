import type { EventStore, RecordedEvent } from '@yixin/event-store';
import type { SqlDatabase, SqlStatement } from '@yixin/stores';

/**
 * A read model built from the global log. Its rows and its checkpoint are written in one
 * transaction, so each event takes effect exactly once; dropping its tables and replaying the
 * log rebuilds it.
 */
export interface Projection {
  name: string;
  /** Raised whenever its tables or rows change shape: an outdated projection is dropped and rebuilt from the log. */
  version: number;
  /** Idempotent DDL of its tables and indexes. */
  schema: string;
  /** Tables emptied before a rebuild. */
  tables: string[];
  /** The statements that apply these events, in order; may read the current rows. */
  apply(events: RecordedEvent[], db: SqlDatabase): Promise<SqlStatement[]>;
}

export const PROJECTION_CHECKPOINTS_SCHEMA = `
  CREATE TABLE IF NOT EXISTS projection_checkpoints (name TEXT PRIMARY KEY, position BIGINT NOT NULL)`;

export const PROJECTION_VERSIONS_SCHEMA = `
  CREATE TABLE IF NOT EXISTS projection_versions (name TEXT PRIMARY KEY, version INTEGER NOT NULL)`;

/** Drops the tables and checkpoint of each projection built by another version, so it is rebuilt from the log. */
export async function resetOutdatedProjections(db: SqlDatabase, projections: readonly Projection[]): Promise<string[]> {
  const rows = await db.query<{ name: string; version: number }>('SELECT name, version FROM projection_versions');
  const built = new Map(rows.map((row) => [row.name, Number(row.version)]));
  const outdated = projections.filter((projection) => built.get(projection.name) !== projection.version);
  await db.batch(
    outdated.flatMap((projection) => [
      ...dropProjection(projection),
      {
        sql: `INSERT INTO projection_versions (name, version) VALUES (?, ?)
              ON CONFLICT (name) DO UPDATE SET version = excluded.version`,
        params: [projection.name, projection.version],
      },
    ]),
  );
  return outdated.map((projection) => projection.name);
}

/**
 * Drops the tables and checkpoint of each projection whose checkpoint is an event the log does not
 * hold: read models kept apart from the log that were built from another one (a log restored from
 * an earlier backup, say), so they are rebuilt from this one.
 */
export async function resetProjectionsAheadOfLog(store: EventStore, db: SqlDatabase, projections: readonly Projection[]): Promise<string[]> {
  const ahead: Projection[] = [];
  for (const projection of projections) {
    const checkpoint = await loadProjectionCheckpoint(db, projection.name);
    if (checkpoint === 0) continue;
    const [event] = await store.readAll(checkpoint - 1, 1);
    if (event?.globalPosition !== checkpoint) ahead.push(projection);
  }
  await db.batch(ahead.flatMap(dropProjection));
  return ahead.map((projection) => projection.name);
}

function dropProjection(projection: Projection): SqlStatement[] {
  return [
    ...projection.tables.map((table) => ({ sql: `DROP TABLE IF EXISTS ${table}` })),
    { sql: 'DELETE FROM projection_checkpoints WHERE name = ?', params: [projection.name] },
  ];
}

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

/**
 * Applies a batch of events and moves the checkpoint past them, in one transaction, behind `fence`
 * (the runner's lease: the transaction is rolled back if another runner has taken it over).
 */
export async function applyProjectionBatch(db: SqlDatabase, projection: Projection, events: RecordedEvent[], fence: readonly SqlStatement[] = []): Promise<void> {
  if (events.length === 0) return;
  const statements = await projection.apply(events, db);
  await db.batch([...fence, ...statements, saveProjectionCheckpoint(projection.name, events[events.length - 1].globalPosition)], { rebuildable: true });
}
