import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { QueryBus } from '@nestjs/cqrs';
import type Database from 'better-sqlite3';
import { createApiApp } from '../apps/api/src/api-app';
import { caseStreamId } from '@yixin/case-stream';
import { decodeInboxCursor, ListInboxQuery, selectInbox, type InboxPageRequest } from '@yixin/cases';
import { openStores, PROJECTIONS } from '@yixin/platform';
import { rebuildProjections } from '@yixin/projections';
import { READ_STORE, type SqlDatabase } from '@yixin/stores';
import { openSqliteDatabase, type EventStore } from '@yixin/event-store';
import { ApiClient, temporaryDirectory, testConfig } from '@yixin/testing';
import { callLatencies, httpLatencies, percentile, round, type Benchmark, type Figure } from './bench-kit';
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

/** The rows of one page of the inbox, as selectInbox asks for them, with better-sqlite3 and nothing else. */
function rawInboxSelect(db: Database.Database, page: InboxPageRequest): () => Promise<unknown[]> {
  const select = db.prepare(
    `SELECT * FROM case_list WHERE assignee_organisation_id = ? AND inbox_order IS NOT NULL${page.after ? ' AND (inbox_order, filed_at, case_id) > (?, ?, ?)' : ''}
     ORDER BY inbox_order, filed_at, case_id LIMIT ? OFFSET ?`,
  );
  const after = page.after ? [page.after.inboxOrder, page.after.filedAt, page.after.caseId] : [];
  return async () => select.all(COMPANY, ...after, page.limit + 1, page.offset);
}

/** The total that selectInbox gives with every page, with better-sqlite3 and nothing else. */
function rawInboxCount(db: Database.Database): () => Promise<unknown> {
  const count = db.prepare('SELECT count(*) AS total FROM case_list WHERE assignee_organisation_id = ? AND inbox_order IS NOT NULL');
  return async () => count.get(COMPANY);
}

const PAGE_SIZE = 50;

/**
 * The inbox of a property company with 10,000 open tasks, in a log of a million events: the read
 * model built the honest way (events appended through the store, then rebuildProjections), then
 * the first page and the last (by the cursor a client paging through would hold) three ways:
 * selectInbox on the read store, ListInboxQuery through the QueryBus, and GET /tasks/inbox over
 * HTTP, the last page beside the same page by offset; and the count that gives every page its total.
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

      // The cursor a client paging from the first page would hold before the last one.
      const lastPageCursor = (await selectInbox(readStore, COMPANY, { limit: 1, offset: total - PAGE_SIZE - 1 })).nextCursor!;
      const rawDb = openSqliteDatabase(config.sqliteReadModelsFile);
      const querying = measureMachineLoad();
      const byOffset = await httpLatencies(`${await app.getUrl()}/tasks/inbox?limit=${PAGE_SIZE}&offset=${total - PAGE_SIZE}`, { calls: CALLS, warmUps: WARM_UP_CALLS, token });
      const offsetBaseline: Partial<Figure> = {
        baseline: { name: `the same page by offset=${total - PAGE_SIZE}`, value: round(percentile(byOffset, 99), 2) },
        note: `baseline p50 ${round(percentile(byOffset, 50), 2)} ms`,
      };
      const figures = [latencyFigure(`the count of the inbox, the total of every page, with better-sqlite3 (${total} tasks)`, await callLatencies(rawInboxCount(rawDb), { calls: CALLS, warmUps: WARM_UP_CALLS }), { target: undefined })];
      for (const [which, page, query] of [
        ['first page', { limit: PAGE_SIZE, offset: 0 }, `limit=${PAGE_SIZE}`],
        ['last page, by cursor', { limit: PAGE_SIZE, offset: 0, after: decodeInboxCursor(lastPageCursor) }, `limit=${PAGE_SIZE}&cursor=${lastPageCursor}`],
      ] as const) {
        const raw = await callLatencies(rawInboxSelect(rawDb, page), { calls: CALLS, warmUps: WARM_UP_CALLS });
        const direct = await callLatencies(() => selectInbox(readStore, COMPANY, page), { calls: CALLS, warmUps: WARM_UP_CALLS });
        const bus = await callLatencies(() => queryBus.execute(new ListInboxQuery(companyViewer, page, now)), { calls: CALLS, warmUps: WARM_UP_CALLS });
        const http = await httpLatencies(`${await app.getUrl()}/tasks/inbox?${query}`, { calls: CALLS, warmUps: WARM_UP_CALLS, token });
        const rows = `the ${which}: ${PAGE_SIZE} of ${total} tasks`;
        figures.push(
          latencyFigure(`selectInbox on the read store (${rows})`, direct, {
            baseline: { name: 'the same SELECT with better-sqlite3, rows unmapped, no count', value: round(percentile(raw, 99), 2) },
            note: `baseline p50 ${round(percentile(raw, 50), 2)} ms`,
          }),
          latencyFigure(`ListInboxQuery through the QueryBus (${rows})`, bus),
          latencyFigure(`GET /tasks/inbox over HTTP, one request at a time (${rows})`, http, page.after && offsetBaseline),
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
