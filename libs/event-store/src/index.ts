export * from './event-store';
export * from './hash-chain';
export { sleep } from './subscription';
export * from './sqlite/sqlite-database';
export * from './sqlite/background-checkpointer';
export * from './sqlite/sqlite-event-store';
export * from './sqlite/sqlite-log-writer';
export { SqliteGroupCommit, type GroupWriteOptions } from './sqlite/sqlite-group-commit';
export { migratePostgresEventStore, maxEventsPerAppend } from './postgres/postgres-schema';
export {
  type PostgresConnectOptions,
  PostgresCheckpointStore,
  PostgresEventStore,
  type PostgresEventStoreOptions,
  savePostgresCheckpoint,
} from './postgres/postgres-event-store';
export { KurrentDbCheckpointStore, KurrentDbEventStore, type KurrentDbEventStoreOptions } from './kurrentdb/kurrentdb-event-store';
