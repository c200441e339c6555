import { Logger } from '@nestjs/common';
import { Pool } from 'pg';
import {
  BackgroundCheckpointer,
  KurrentDbCheckpointStore,
  KurrentDbEventStore,
  migratePostgresEventStore,
  openSqliteDatabase,
  PostgresCheckpointStore,
  PostgresEventStore,
  SqliteCheckpointStore,
  SqliteEventStore,
  type CheckpointStore,
  type SqliteLogWriter,
  type EventStore,
} from '@yixin/event-store';
import type { YixinConfig } from '@yixin/config';
import { PostgresSqlDatabase, SqliteSqlDatabase, type SqlDatabase } from './sql-database';

/**
 * The stores a yixin process uses, chosen by configuration: the event log (with the checkpoints
 * of its subscribers) on SQLite, PostgreSQL or KurrentDB; beside it the records that are not
 * derived from the log; and the read models. On SQLite the log and the records share a file and
 * the read models have one of their own; otherwise both are one PostgreSQL database.
 */
export interface Stores {
  eventStore: EventStore;
  /** Checkpoints of the log's subscribers that are not projections (the bridge to Temporal). */
  checkpoints: CheckpointStore;
  /** The directory, idempotency keys, residents' data keys and their reads, revoked tokens, attachments: nothing rebuilds them. */
  recordStore: SqlDatabase;
  /** The projections and their checkpoints: `rebuild-projections` empties and replays them. */
  readStore: SqlDatabase;
  close(): Promise<void>;
}

export interface StoreOptions {
  /** On SQLite, the process that makes this one's writes to the log's file (see SqliteLogWriter). */
  logWriter?: SqliteLogWriter;
}

/**
 * Opens the chosen backends, without any table but the log's own: `openStores` (libs/platform)
 * then creates every feature's tables and read models.
 */
export async function openStoreBackends(config: YixinConfig, { logWriter }: StoreOptions = {}): Promise<Stores> {
  if (config.store === 'sqlite') {
    const db = openSqliteDatabase(config.sqliteFile, { synchronous: config.sqliteSynchronous, autoCheckpointPages: config.sqliteAutoCheckpointPages });
    // Only projections write here, in the back office: their commits may checkpoint it themselves.
    const readModelsDb = openSqliteDatabase(config.sqliteReadModelsFile, { synchronous: config.sqliteSynchronous });
    const checkpointer =
      config.sqliteAutoCheckpointPages === 0
        ? BackgroundCheckpointer.start(config.sqliteFile, (failure) => new Logger('SQLite').warn(`WAL checkpoint failed: ${failure}`))
        : undefined;
    return {
      eventStore: new SqliteEventStore(db, { writer: logWriter }),
      checkpoints: new SqliteCheckpointStore(db, logWriter),
      recordStore: new SqliteSqlDatabase(db, { holdsTheLog: true }),
      readStore: new SqliteSqlDatabase(readModelsDb),
      close: async () => {
        await checkpointer?.stop();
        readModelsDb.close();
        db.close();
      },
    };
  }
  const pool = new Pool({
    connectionString: config.databaseUrl,
    max: config.postgres.poolSize,
    statement_timeout: config.postgres.statementTimeoutMs,
  });
  // An idle connection that breaks (a server restart) is dropped and replaced on the next query;
  // unheard, its error would end the process.
  pool.on('error', (error) => new Logger('PostgreSQL').warn(`idle connection lost: ${error.message}`));
  const sqlDatabase = new PostgresSqlDatabase(pool, { holdsTheLog: config.store === 'postgres' });
  if (config.store === 'postgres') {
    await migratePostgresEventStore(pool);
    const eventStore = new PostgresEventStore(pool);
    return {
      eventStore,
      checkpoints: new PostgresCheckpointStore(pool),
      recordStore: sqlDatabase,
      readStore: sqlDatabase,
      close: async () => {
        await eventStore.close();
        await pool.end();
      },
    };
  }
  const eventStore = KurrentDbEventStore.fromConnectionString(config.kurrentDbConnectionString!);
  return {
    eventStore,
    checkpoints: new KurrentDbCheckpointStore(eventStore),
    recordStore: sqlDatabase,
    readStore: sqlDatabase,
    close: async () => {
      await eventStore.close();
      await pool.end();
    },
  };
}
