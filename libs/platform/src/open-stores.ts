import { Logger } from '@nestjs/common';
import { attachmentSchema } from '@yixin/attachments';
import { DIRECTORY_SCHEMA, REVOKED_TOKENS_SCHEMA, addUserAccessColumns } from '@yixin/directory';
import { IDEMPOTENCY_SCHEMA } from '@yixin/idempotency';
import { LEASES_SCHEMA } from '@yixin/leases';
import { createPersonalDataKeyTables, PERSONAL_DATA_READS_SCHEMA } from '@yixin/privacy';
import { PROJECTION_CHECKPOINTS_SCHEMA, PROJECTION_VERSIONS_SCHEMA, resetOutdatedProjections, resetProjectionsAheadOfLog } from '@yixin/projections';
import type { YixinConfig } from '@yixin/config';
import { openStoreBackends, type SqlDatabase, type StoreOptions, type Stores } from '@yixin/stores';
import { PROJECTIONS } from './projections';

/**
 * Opens the stores (libs/stores) and creates what every feature keeps in them: the records
 * (directory, idempotency keys, revoked tokens, attachments, residents' data keys and their reads,
 * the leases of the workers on PostgreSQL)
 * and the read models of PROJECTIONS, rebuilt when their version changed or they are ahead of the log.
 */
export async function openStores(config: YixinConfig, options: StoreOptions = {}): Promise<Stores> {
  const stores = await openStoreBackends(config, options);
  const { recordStore, readStore } = stores;
  await recordStore.executeScript([DIRECTORY_SCHEMA, IDEMPOTENCY_SCHEMA].join(';\n'));
  await addUserAccessColumns(recordStore);
  await recordStore.executeScript([REVOKED_TOKENS_SCHEMA, attachmentSchema(recordStore.dialect), PERSONAL_DATA_READS_SCHEMA].join(';\n'));
  await createPersonalDataKeyTables(recordStore);
  if (recordStore.dialect === 'postgres') await recordStore.executeScript(LEASES_SCHEMA);
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

