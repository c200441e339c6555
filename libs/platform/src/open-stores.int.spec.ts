import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { backendEnvironment, temporaryDirectory, testConfig } from '@yixin/testing';
import type { NewEvent } from '@yixin/event-store';
import type { YixinConfig } from '@yixin/config';
import { caseListProjection, caseTimelineProjection } from '@yixin/cases';
import { loadProjectionCheckpoint, saveProjectionCheckpoint } from '@yixin/projections';
import type { Stores } from '@yixin/stores';
import { openStores } from './open-stores';
import { PROJECTIONS } from './projections';

function tablesOf(file: string): string[] {
  const db = new Database(file, { readonly: true });
  try {
    return (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as Array<{ name: string }>).map((row) => row.name);
  } finally {
    db.close();
  }
}

function anEvent(): NewEvent {
  return {
    id: randomUUID(),
    type: 'Noted',
    data: {},
    metadata: { actor: { userId: 'u', role: 'staff', organisationId: 'o' }, tier: 'community', correlationId: 'c', causationId: 'c' },
  };
}

const readModelTables = [...PROJECTIONS.flatMap((projection) => projection.tables), 'projection_checkpoints', 'projection_versions'];

describe('openStores on SQLite', () => {
  let config: YixinConfig;
  let stores: Stores | undefined;

  beforeEach(() => {
    config = testConfig(temporaryDirectory(), '127.0.0.1:7233');
  });

  afterEach(async () => {
    await stores?.close();
    stores = undefined;
  });

  async function reopen(): Promise<Stores> {
    await stores?.close();
    stores = await openStores(config);
    return stores;
  }

  it('keeps the log and the records beside it in one file, the read models in another', async () => {
    await reopen();
    const logFile = tablesOf(config.sqliteFile);
    const readModelsFile = tablesOf(config.sqliteReadModelsFile);
    expect(logFile).toEqual(expect.arrayContaining(['events', 'checkpoints', 'users', 'idempotency_keys', 'personal_data_keys', 'personal_data_cases', 'revoked_tokens', 'attachments']));
    expect(readModelsFile).toEqual(expect.arrayContaining(readModelTables));
    expect(logFile.filter((table) => readModelTables.includes(table))).toEqual([]);
    expect(readModelsFile.filter((table) => logFile.includes(table))).toEqual([]);
  });

  it('drops the read models an earlier version kept in the log file, and builds them in their own', async () => {
    const legacy = new Database(config.sqliteFile);
    legacy.exec('CREATE TABLE case_list (case_id TEXT PRIMARY KEY); CREATE TABLE projection_checkpoints (name TEXT PRIMARY KEY, position BIGINT NOT NULL)');
    legacy.close();
    await reopen();
    expect(tablesOf(config.sqliteFile)).not.toEqual(expect.arrayContaining(['case_list']));
    expect(tablesOf(config.sqliteFile)).not.toEqual(expect.arrayContaining(['projection_checkpoints']));
    expect(tablesOf(config.sqliteReadModelsFile)).toEqual(expect.arrayContaining(['case_list', 'projection_checkpoints']));
  });

  it('rebuilds from the log each read model whose checkpoint the log does not hold, and keeps the others', async () => {
    const { eventStore, readStore } = await reopen();
    const { lastGlobalPosition } = await eventStore.append('case-1', [anEvent(), anEvent()], 'no_stream');
    await readStore.batch([
      saveProjectionCheckpoint(caseListProjection.name, lastGlobalPosition),
      saveProjectionCheckpoint(caseTimelineProjection.name, lastGlobalPosition + 5),
      {
        sql: 'INSERT INTO case_timeline VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
        params: ['case-of-another-log', 0, 'ComplaintFiled', '2026-11-30T00:00:00Z', 'u', 'staff', 'o', 'community', '报修'],
      },
    ]);

    const reopened = await reopen();
    expect(await loadProjectionCheckpoint(reopened.readStore, caseListProjection.name)).toBe(lastGlobalPosition);
    expect(await loadProjectionCheckpoint(reopened.readStore, caseTimelineProjection.name)).toBe(0);
    expect(await reopened.readStore.query('SELECT * FROM case_timeline')).toEqual([]);
  });
});

describe('openStores on PostgreSQL, started again beside a running projection', () => {
  let backend: Awaited<ReturnType<typeof backendEnvironment>>;
  let config: YixinConfig;
  let first: Stores | undefined;

  beforeAll(async () => {
    backend = await backendEnvironment('postgres');
    config = testConfig(temporaryDirectory(), '127.0.0.1:7233', backend.env);
    first = await openStores(config);
  }, 120_000);

  afterAll(async () => {
    await first?.close();
    await backend?.stop();
  });

  it('takes no lock on the read models’ tables, so it cannot deadlock with their writer', async () => {
    const writer = new Client({ connectionString: backend.env.DATABASE_URL });
    await writer.connect();
    let timer: NodeJS.Timeout | undefined;
    try {
      // A projection's batch, under way: uncommitted rows in the tables every schema script creates.
      await writer.query('BEGIN');
      await writer.query('DELETE FROM case_list');
      await writer.query('DELETE FROM rate_cases');
      const again = openStores(config);
      const waited = new Promise<'waiting for the writer'>((resolve) => (timer = setTimeout(() => resolve('waiting for the writer'), 10_000)));
      const outcome = await Promise.race([again.then(() => 'opened' as const), waited]);
      await writer.query('ROLLBACK');
      await (await again).close();
      expect(outcome).toBe('opened');
    } finally {
      clearTimeout(timer);
      await writer.end();
    }
  });
});
