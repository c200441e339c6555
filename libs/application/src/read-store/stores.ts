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
} from '../../../event-store/src';
import type { YixinConfig } from '../config';
import { attachmentSchema } from '../attachments/attachment-store';
import { DIRECTORY_SCHEMA } from '../directory/directory.service';
import { REVOKED_TOKENS_SCHEMA } from '../directory/token-revocation';
import { addUserAccessColumns } from '../directory/user-access';
import { IDEMPOTENCY_SCHEMA } from '../idempotency/idempotency-store';
import { createPersonalDataKeyTables } from '../privacy/personal-data-keys';
import { PERSONAL_DATA_READS_SCHEMA } from '../privacy/personal-data-reads';
import { PROJECTION_CHECKPOINTS_SCHEMA, PROJECTION_VERSIONS_SCHEMA, PROJECTIONS, resetOutdatedProjections, resetProjectionsAheadOfLog } from '../projections';
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

export async function openStores(config: YixinConfig, options: StoreOptions = {}): Promise<Stores> {
  const stores = await openBackends(config, options);
  const { recordStore, readStore } = stores;
  await recordStore.executeScript([DIRECTORY_SCHEMA, IDEMPOTENCY_SCHEMA].join(';\n'));
  await addUserAccessColumns(recordStore);
  await recordStore.executeScript([REVOKED_TOKENS_SCHEMA, attachmentSchema(recordStore.dialect), PERSONAL_DATA_READS_SCHEMA].join(';\n'));
  await createPersonalDataKeyTables(recordStore);
  if (recordStore !== readStore) await dropReadModels(recordStore);
  await readStore.executeScript([PROJECTION_CHECKPOINTS_SCHEMA, PROJECTION_VERSIONS_SCHEMA].join(';\n'));
  await resetOutdatedProjections(readStore, PROJECTIONS);
  if (recordStore !== readStore) {
    const rebuilt = await resetProjectionsAheadOfLog(stores.eventStore, readStore, PROJECTIONS);
    if (rebuilt.length > 0) new Logger('ReadStore').warn(`read models ahead of the event log, rebuilt from it: ${rebuilt.join(', ')}`);
  }
  await readStore.executeScript(PROJECTIONS.map((projection) => projection.schema).join(';\n'));
  return stores;
}

/** Read models that an earlier version kept in the log's SQLite file: their own file now holds them. */
async function dropReadModels(recordStore: SqlDatabase): Promise<void> {
  const tables = [...PROJECTIONS.flatMap((projection) => projection.tables), 'projection_checkpoints', 'projection_versions'];
  await recordStore.executeScript(tables.map((table) => `DROP TABLE IF EXISTS ${table}`).join(';\n'));
}

async function openBackends(config: YixinConfig, { logWriter }: StoreOptions): Promise<Stores> {
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
