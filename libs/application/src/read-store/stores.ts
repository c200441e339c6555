import { Logger } from '@nestjs/common';
import { Pool } from 'pg';
import {
  KurrentDbCheckpointStore,
  KurrentDbEventStore,
  migratePostgresEventStore,
  openSqliteDatabase,
  PostgresCheckpointStore,
  PostgresEventStore,
  SqliteCheckpointStore,
  SqliteEventStore,
  type CheckpointStore,
  type EventStore,
} from '../../../event-store/src';
import type { YixinConfig } from '../config';
import { attachmentSchema } from '../attachments/attachment-store';
import { DIRECTORY_SCHEMA } from '../directory/directory.service';
import { REVOKED_TOKENS_SCHEMA } from '../directory/token-revocation';
import { addUserAccessColumns } from '../directory/user-access';
import { IDEMPOTENCY_SCHEMA } from '../idempotency/idempotency-store';
import { PERSONAL_DATA_KEYS_SCHEMA } from '../privacy/personal-data-keys';
import { PERSONAL_DATA_READS_SCHEMA } from '../privacy/personal-data-reads';
import { PROJECTION_CHECKPOINTS_SCHEMA, PROJECTION_VERSIONS_SCHEMA, PROJECTIONS, resetOutdatedProjections } from '../projections';
import { PostgresSqlDatabase, SqliteSqlDatabase, type SqlDatabase } from './sql-database';

/**
 * The stores a yixin process uses, chosen by configuration: the event log (with the checkpoints
 * of its subscribers) on SQLite, PostgreSQL or KurrentDB, and the read store on SQLite or PostgreSQL.
 */
export interface Stores {
  eventStore: EventStore;
  /** Checkpoints of the log's subscribers that are not projections (the bridge to Temporal). */
  checkpoints: CheckpointStore;
  readStore: SqlDatabase;
  close(): Promise<void>;
}

export async function openStores(config: YixinConfig): Promise<Stores> {
  const stores = await openBackends(config);
  await stores.readStore.executeScript([DIRECTORY_SCHEMA, IDEMPOTENCY_SCHEMA, PROJECTION_CHECKPOINTS_SCHEMA, PROJECTION_VERSIONS_SCHEMA].join(';\n'));
  await addUserAccessColumns(stores.readStore);
  await stores.readStore.executeScript([REVOKED_TOKENS_SCHEMA, attachmentSchema(stores.readStore.dialect), PERSONAL_DATA_KEYS_SCHEMA, PERSONAL_DATA_READS_SCHEMA].join(';\n'));
  await resetOutdatedProjections(stores.readStore, PROJECTIONS);
  await stores.readStore.executeScript(PROJECTIONS.map((projection) => projection.schema).join(';\n'));
  return stores;
}

async function openBackends(config: YixinConfig): Promise<Stores> {
  if (config.store === 'sqlite') {
    const db = openSqliteDatabase(config.sqliteFile, { synchronous: config.sqliteSynchronous, autoCheckpointPages: config.sqliteAutoCheckpointPages });
    return {
      eventStore: new SqliteEventStore(db),
      checkpoints: new SqliteCheckpointStore(db),
      readStore: new SqliteSqlDatabase(db),
      close: async () => {
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
  const readStore = new PostgresSqlDatabase(pool);
  if (config.store === 'postgres') {
    await migratePostgresEventStore(pool);
    const eventStore = new PostgresEventStore(pool);
    return {
      eventStore,
      checkpoints: new PostgresCheckpointStore(pool),
      readStore,
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
    readStore,
    close: async () => {
      await eventStore.close();
      await pool.end();
    },
  };
}
