import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { QueryBus } from '@nestjs/cqrs';
import autocannon from 'autocannon';
import type Database from 'better-sqlite3';
import { createApiApp } from '../apps/api/src/api-app';
import { caseStreamId, ListInboxQuery, openStores, PROJECTIONS, READ_STORE, rebuildProjections, selectInbox, type PageRequest, type SqlDatabase } from '../libs/application/src';
import { openSqliteDatabase, type EventStore } from '../libs/event-store/src';
import { TASK_RUNNING_STATUSES } from '../libs/domain/src';
import { ApiClient, temporaryDirectory, testConfig } from '../test/support/harness';
import { percentile, round, type Benchmark, type Figure } from './bench-kit';
import { caseLifeEvents } from './event-data';
import { describeLoad, measureMachineLoad } from './machine-load';

/** Short development runs: INBOX_QUERY_LOG_EVENTS=100000 INBOX_QUERY_CALLS=50 npm run bench inbox-query. */
const LOG_EVENTS = Number(process.env.INBOX_QUERY_LOG_EVENTS ?? 1_000_000);
/** The company whose inbox is read: the demo's, so that its user can log in over HTTP. */
const COMPANY = 'pc-beichen-aoyuan';
const COMPANY_OPEN_TASKS = 10_000;
const OTHER_COMPANIES = 300;
const OTHER_OPEN_TASKS = 20_000;
/** Of the closed cases, the share that was the company's: its closed rows share its index prefix. */
const COMPANY_SHARE_OF_CLOSED = 0.1;
const WARM_UP_CALLS = 20;
const CALLS = Number(process.env.INBOX_QUERY_CALLS ?? 200);
const companyViewer = { userId: `user-${COMPANY}`, role: 'property_company' as const, organisationId: COMPANY };

/**
 * A log of about LOG_EVENTS events: COMPANY_OPEN_TASKS cases of COMPANY whose task is open (half
 * awaiting sign-for, half in progress), OTHER_OPEN_TASKS open ones of OTHER_COMPANIES other
 * companies, and closed six-event cases of all of them for the rest, filed one minute apart in an
 * interleaved order (a seeded draw), so that the inbox's rows are spread over the whole table.
 */
async function fillLogWithInboxes(store: EventStore): Promise<number> {
  const otherCompany = (n: number) => `pc-bench-${String(n % OTHER_COMPANIES).padStart(3, '0')}`;
  const openEvents = (COMPANY_OPEN_TASKS + OTHER_OPEN_TASKS) * 2.5;
  const closedCases = Math.max(0, Math.ceil((LOG_EVENTS - openEvents) / 6));
  const pools = { companyOpen: COMPANY_OPEN_TASKS, otherOpen: OTHER_OPEN_TASKS, closed: closedCases };
  let seed = 42;
  const draw = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
  const start = Date.parse('2025-01-01T00:00:00Z');
  let written = 0;
  for (let n = 0; pools.companyOpen + pools.otherOpen + pools.closed > 0; n++) {
    const remaining = pools.companyOpen + pools.otherOpen + pools.closed;
    const pick = draw() * remaining;
    const pool = pick < pools.companyOpen ? 'companyOpen' : pick < pools.companyOpen + pools.otherOpen ? 'otherOpen' : 'closed';
    pools[pool]--;
    const caseId = randomUUID();
    const filedAt = start + n * 60_000;
    const events =
      pool === 'closed'
        ? caseLifeEvents(caseId, 0, filedAt, draw() < COMPANY_SHARE_OF_CLOSED ? COMPANY : otherCompany(n))
        : caseLifeEvents(caseId, 0, filedAt, pool === 'companyOpen' ? COMPANY : otherCompany(n)).slice(0, n % 2 === 0 ? 2 : 3);
    await store.append(caseStreamId(caseId), events, 'no_stream');
    written += events.length;
  }
  return written;
}

async function latenciesOf(call: () => Promise<unknown>, calls = CALLS): Promise<number[]> {
  for (let i = 0; i < WARM_UP_CALLS; i++) await call();
  const latencies: number[] = [];
  for (let i = 0; i < calls; i++) {
    const started = performance.now();
    await call();
    latencies.push(performance.now() - started);
  }
  return latencies.sort((a, b) => a - b);
}

/** GET over HTTP, one request at a time; autocannon reads the answer without parsing it. */
async function httpLatencies(url: string, path: string, token: string): Promise<number[]> {
  const get = (amount: number, record: (ms: number) => void) => {
    const instance = autocannon({ url: url + path, connections: 1, amount, headers: { authorization: `Bearer ${token}` } });
    instance.on('response', (_client, statusCode, _bytes, responseTimeMs) => {
      if (statusCode !== 200) throw new Error(`GET ${path} answered ${statusCode}`);
      record(responseTimeMs);
    });
    return instance;
  };
  await get(WARM_UP_CALLS, () => undefined);
  const latencies: number[] = [];
  await get(CALLS, (ms) => latencies.push(ms));
  return latencies.sort((a, b) => a - b);
}

function latencyFigure(name: string, latencies: number[], extra: Partial<Figure> = {}): Figure {
  return {
    name,
    value: round(percentile(latencies, 99), 2),
    unit: 'ms p99',
    target: 'p99 < 20 ms',
    ...extra,
    note: [`p50 ${round(percentile(latencies, 50), 2)} ms over ${latencies.length} calls after ${WARM_UP_CALLS} to warm up`, extra.note].filter(Boolean).join('; '),
  };
}

/** The inbox's rows as the driver returns them, nothing mapped: how much of the query is SQLite's. */
/** The rows of one page of the inbox, as selectInbox asks for them, with better-sqlite3 and nothing else. */
function rawInboxSelect(db: Database.Database, page: PageRequest): () => Promise<unknown[]> {
  const select = db.prepare(
    `SELECT * FROM case_list WHERE assignee_organisation_id = ? AND status IN (${TASK_RUNNING_STATUSES.map(() => '?').join(', ')})
     ORDER BY inbox_order, filed_at, case_id LIMIT ? OFFSET ?`,
  );
  return async () => select.all(COMPANY, ...TASK_RUNNING_STATUSES, page.limit, page.offset);
}

const PAGE_SIZE = 50;

/**
 * The inbox of a property company with 10,000 open tasks, in a log of a million events: the read
 * model built the honest way (events appended through the store, then rebuildProjections), then
 * the query three ways: selectInbox on the read store, ListInboxQuery through the QueryBus, and
 * GET /tasks/inbox over HTTP.
 */
export const inboxQuery: Benchmark = {
  title: `Inbox of a company with ${COMPANY_OPEN_TASKS.toLocaleString('en')} open tasks among ${LOG_EVENTS.toLocaleString('en')} events (SQLite read store)`,
  async run() {
    const dataDir = temporaryDirectory('yixin-bench-inbox-');
    // Never contacted: the API process connects to Temporal only for a health probe.
    const config = testConfig(dataDir, '127.0.0.1:7233', { SQLITE_FILE: join(dataDir, 'yixin.sqlite') });

    // Built without syncing, like a bulk import; the app opens the file as configured afterwards.
    const building = measureMachineLoad();
    const stores = await openStores({ ...config, sqliteSynchronous: 'OFF' });
    let started = performance.now();
    const events = await fillLogWithInboxes(stores.eventStore);
    const fillSeconds = (performance.now() - started) / 1000;
    started = performance.now();
    await rebuildProjections(stores.eventStore, stores.readStore, PROJECTIONS);
    const rebuildSeconds = (performance.now() - started) / 1000;
    const buildLoad = building.stop();
    await stores.close();

    const app = await createApiApp(config, { logger: false });
    try {
      await app.listen(0, '127.0.0.1');
      const readStore = app.get<SqlDatabase>(READ_STORE);
      const queryBus = app.get(QueryBus);
      const { total } = await selectInbox(readStore, COMPANY, { limit: 1, offset: 0 });
      if (total !== COMPANY_OPEN_TASKS) throw new Error(`the inbox holds ${total} tasks, not ${COMPANY_OPEN_TASKS}`);
      const api = new ApiClient(await app.getUrl());
      const token = await api.login('pc.beichen-aoyuan');
      const now = new Date().toISOString();

      const rawDb = openSqliteDatabase(config.sqliteFile);
      const querying = measureMachineLoad();
      const figures: Figure[] = [];
      for (const [which, page] of [
        ['first', { limit: PAGE_SIZE, offset: 0 }],
        ['last', { limit: PAGE_SIZE, offset: total - PAGE_SIZE }],
      ] as const) {
        const raw = await latenciesOf(rawInboxSelect(rawDb, page));
        const direct = await latenciesOf(() => selectInbox(readStore, COMPANY, page));
        const bus = await latenciesOf(() => queryBus.execute(new ListInboxQuery(companyViewer, page, now)));
        const http = await httpLatencies(await app.getUrl(), `/tasks/inbox?limit=${page.limit}&offset=${page.offset}`, token);
        const rows = `the ${which} page of ${PAGE_SIZE} of ${total} tasks`;
        figures.push(
          latencyFigure(`selectInbox on the read store (${rows})`, direct, {
            baseline: { name: 'the same SELECT with better-sqlite3, rows unmapped', value: round(percentile(raw, 99), 2) },
            note: `baseline p50 ${round(percentile(raw, 50), 2)} ms`,
          }),
          latencyFigure(`ListInboxQuery through the QueryBus (${rows})`, bus),
          latencyFigure(`GET /tasks/inbox over HTTP, one request at a time (${rows})`, http),
        );
      }
      const queryLoad = querying.stop();
      rawDb.close();
      return [
        {
          name: `building the log (${events} events appended, one append per case) and the read models (rebuildProjections)`,
          value: round(fillSeconds + rebuildSeconds),
          unit: 's',
          note: `appending ${round(fillSeconds)} s, rebuildProjections ${round(rebuildSeconds)} s; ${describeLoad(buildLoad)}`,
        },
        ...figures.map((figure) => ({ ...figure, note: [figure.note, describeLoad(queryLoad)].filter(Boolean).join('; ') })),
      ];
    } finally {
      await app.close();
    }
  },
};
