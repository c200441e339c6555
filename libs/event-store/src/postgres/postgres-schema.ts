import type { Pool } from 'pg';

/**
 * How many events one append may hold: an event's global position is its transaction id times
 * this, plus its index in the append (see PostgresEventStore).
 */
export const maxEventsPerAppend = 4096;

/** The channel an append notifies on commit, so that idle subscriptions read at once. */
export const appendChannel = 'yixin_events_appended';

export interface Migration {
  version: number;
  description: string;
  sql: string;
}

/**
 * The schema, as the ordered steps that built it. A released step is never edited: a change is a
 * new step with the next version.
 */
export const migrations: readonly Migration[] = [
  {
    version: 1,
    description: 'events, stream heads and checkpoints',
    sql: `
      CREATE TABLE events (
        -- transaction_id * ${maxEventsPerAppend} + index in the append: ordered like the
        -- transactions that wrote the events, which is the order readers deliver them in.
        global_position bigint PRIMARY KEY,
        transaction_id xid8 NOT NULL DEFAULT pg_current_xact_id(),
        event_id text NOT NULL UNIQUE,
        stream_id text NOT NULL,
        stream_revision bigint NOT NULL,
        type text NOT NULL,
        schema_version integer NOT NULL,
        -- json, not jsonb: json keeps the text byte for byte (jsonb rewrites numbers and rejects
        -- \\u0000), so what is read back is exactly what was hashed.
        data json NOT NULL,
        metadata json NOT NULL,
        recorded_at text NOT NULL,
        previous_hash text NOT NULL,
        hash text NOT NULL,
        UNIQUE (stream_id, stream_revision),
        CONSTRAINT global_position_follows_transaction
          CHECK (global_position / ${maxEventsPerAppend} = transaction_id::text::bigint)
      );
      -- One row per stream, locked by every append to the stream: concurrent appenders queue here.
      CREATE TABLE streams (
        stream_id text PRIMARY KEY,
        revision bigint NOT NULL
      );
      CREATE TABLE checkpoints (
        name text PRIMARY KEY,
        position bigint NOT NULL
      );`,
  },
];

/** Any constant shared by every process that migrates: serialises concurrent migrations. */
const migrationLockKey = 0x79697869; // "yixi"

/**
 * Brings the event store's schema (in the connection's search_path) up to date: applies, in
 * order and in one transaction, the migrations not yet recorded in yixin_schema_migrations.
 * Safe to call from many processes at once and on every start.
 */
export async function migratePostgresEventStore(pool: Pool): Promise<number[]> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1)', [migrationLockKey]);
    await client.query(`
      CREATE TABLE IF NOT EXISTS yixin_schema_migrations (
        version integer PRIMARY KEY,
        description text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now()
      )`);
    const { rows } = await client.query<{ version: number }>('SELECT version FROM yixin_schema_migrations');
    const applied = new Set(rows.map((row) => row.version));
    const pending = migrations.filter((migration) => !applied.has(migration.version));
    for (const migration of pending) {
      await client.query(migration.sql);
      await client.query('INSERT INTO yixin_schema_migrations (version, description) VALUES ($1, $2)', [
        migration.version,
        migration.description,
      ]);
    }
    await client.query('COMMIT');
    return pending.map((migration) => migration.version);
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
