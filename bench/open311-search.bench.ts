import { QueryBus } from '@nestjs/cqrs';
import { createApiApp } from '../apps/api/src/api-app';
import { selectCases } from '@yixin/cases';
import { type StoreKind } from '@yixin/config';
import { SearchPublicCasesQuery, type PublicCaseSearch } from '@yixin/open311';
import { READ_STORE, type SqlDatabase } from '@yixin/stores';
import { CATEGORY_CODES, type Category } from '@yixin/domain';
import { backendEnvironment, temporaryDirectory, testConfig } from '@yixin/testing';
import { callLatencies, httpLatencies, percentile, round, type Benchmark, type Figure } from './bench-kit';
import { describeLoad, measureMachineLoad } from './machine-load';

/** Short development runs: OPEN311_SEARCH_SIZES=10000,100000 OPEN311_SEARCH_CALLS=20 npm run bench open311-search-sqlite. */
const SIZES = (process.env.OPEN311_SEARCH_SIZES ?? '10000,100000,1000000').split(',').map(Number);
const CALLS = Number(process.env.OPEN311_SEARCH_CALLS ?? 100);
const WARM_UP_CALLS = 10;
/** The walk the search replaced reads every case; it is measured only while that takes seconds, not minutes. */
const WALK_UP_TO = 100_000;
const WALK_CALLS = 3;
/** Open311's page: a search answers at most this many requests (apps/api/src/open311/service-request-search.ts). */
const PAGE_SIZE = 1000;

/** Cases still open: one in ten of the newest 10,000; every older one is closed. */
const OPEN_AMONG_NEWEST = 10_000;

interface Search {
  query: string;
  search: PublicCaseSearch;
  /** What the page holds at every size. */
  answers: number;
}

const SINCE_2000 = { filedFrom: '2000-01-01T00:00:00.000Z', filedTo: new Date().toISOString(), limit: PAGE_SIZE };
/** The search of the finding: closed cases since 2000, a full page of them. */
const CLOSED_SINCE_2000: Search = { query: 'status=closed&start_date=2000-01-01T00:00:00Z', search: { ...SINCE_2000, closed: true }, answers: PAGE_SIZE };
/** Fewer matches than a page: the walk it replaced went down the whole list looking for more. */
const OPEN_PARKING_SINCE_2000: Search = {
  query: 'service_code=parking&status=open&start_date=2000-01-01T00:00:00Z',
  search: { ...SINCE_2000, categories: ['parking'], closed: false },
  answers: OPEN_AMONG_NEWEST / 10 / CATEGORY_CODES.length,
};

const CASE_COLUMNS =
  'case_id, community_id, compound_id, building, category, urgency, description, search_text, status, tier, filed_at, updated_at, revision, changed_position, state_json';
/** Row i's category: the ten in turn. Its state: one in ten of the newest still open (being handled), the rest closed. */
const CATEGORY_OF_I = `CASE i % ${CATEGORY_CODES.length} ${CATEGORY_CODES.map((code, index) => `WHEN ${index} THEN '${code}'`).join(' ')} END`;
const STATUS_OF_I = `CASE WHEN i < ${OPEN_AMONG_NEWEST} AND (i / ${CATEGORY_CODES.length}) % 10 = 0 THEN 'in_progress' ELSE 'closed' END`;

/**
 * Cases from..to-1 of the case list, case i filed i minutes before `newest`, so that every fill adds
 * older cases below the same newest ones: the page a search answers stays the same while the list
 * grows. One INSERT … SELECT from a generated series, one transaction; the row's state has what
 * the case list's readers parse of it.
 */
function fillStatement(dialect: SqlDatabase['dialect'], from: number, to: number, newest: number): { sql: string; params: unknown[] } {
  const values = (caseId: string, filedAt: string) =>
    `${caseId}, 'xiangyuan', 'beichen-aoyuan', (i % 30 + 1) || '幢', ${CATEGORY_OF_I}, 'normal', '楼道灯不亮', '楼道灯不亮', ${STATUS_OF_I}, 'community',
     ${filedAt}, ${filedAt}, 6, i, '{"status":"' || ${STATUS_OF_I} || '","tier":"community","redoCount":0}'`;
  if (dialect === 'sqlite') {
    const filedAt = `strftime('%Y-%m-%dT%H:%M:%fZ', ? - i * 60, 'unixepoch')`;
    return {
      sql: `WITH RECURSIVE n(i) AS (SELECT ? UNION ALL SELECT i + 1 FROM n WHERE i < ?)
            INSERT INTO case_list (${CASE_COLUMNS}) SELECT ${values(`printf('00000000-0000-7000-8000-%012x', i)`, filedAt)} FROM n`,
      params: [from, to - 1, newest / 1000, newest / 1000],
    };
  }
  const filedAt = `to_char(to_timestamp(?::double precision - i * 60) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
  return {
    sql: `INSERT INTO case_list (${CASE_COLUMNS}) SELECT ${values(`'00000000-0000-7000-8000-' || lpad(to_hex(i), 12, '0')`, filedAt)} FROM generate_series(?::bigint, ?::bigint) AS i`,
    params: [newest / 1000, newest / 1000, from, to - 1],
  };
}

/** The search as it was: the whole case list newest first, in pages of 500 by OFFSET, each with its count, filtered here. */
async function walkEveryCase(db: SqlDatabase, search: PublicCaseSearch): Promise<number> {
  let found = 0;
  for (let offset = 0; ; offset += 500) {
    const { items } = await selectCases(db, { limit: 500, offset });
    for (const row of items) {
      if (row.filedAt < search.filedFrom || found >= search.limit) return found;
      const matches =
        row.filedAt <= search.filedTo &&
        (search.categories === undefined || search.categories.includes(row.category as Category)) &&
        (search.closed === undefined || (row.status === 'closed') === search.closed);
      if (matches) found++;
    }
    if (items.length < 500) return found;
  }
}

function latencyFigure(name: string, latencies: number[], extra: Partial<Figure> = {}): Figure {
  return {
    name,
    value: round(percentile(latencies, 99), 2),
    unit: 'ms p99',
    ...extra,
    note: [`p50 ${round(percentile(latencies, 50), 2)} ms over ${latencies.length} calls`, extra.note].filter(Boolean).join('; '),
  };
}

async function measure(backend: StoreKind): Promise<Figure[]> {
  const server = await backendEnvironment(backend);
  const config = testConfig(temporaryDirectory('yixin-bench-open311-'), '127.0.0.1:7233', {
    ...server.env,
    // Filled without syncing, like a bulk import, in one statement that may take longer than a request's; one client
    // asking again and again is what is measured, not refused.
    SQLITE_SYNCHRONOUS: 'OFF',
    PG_STATEMENT_TIMEOUT_MS: '3600000',
    RATE_LIMIT_PUBLIC_READS_PER_MINUTE: '100000000',
  });
  const app = await createApiApp(config, { logger: false });
  const figures: Figure[] = [];
  try {
    await app.listen(0, '127.0.0.1');
    const readStore = app.get<SqlDatabase>(READ_STORE);
    const queryBus = app.get(QueryBus);
    const url = `${await app.getUrl()}/open311/v2/requests.json`;
    const newest = Date.now();
    let filled = 0;
    for (const size of SIZES) {
      const filling = measureMachineLoad();
      const started = performance.now();
      await readStore.batch([fillStatement(readStore.dialect, filled, size, newest)], { rebuildable: true });
      const fillSeconds = (performance.now() - started) / 1000;
      if (backend === 'postgres') await readStore.query('ANALYZE case_list');
      filled = size;
      const cases = `${size.toLocaleString('en')} cases`;
      figures.push({ name: `filling the case list to ${cases} (one INSERT … SELECT, one transaction)`, value: round(fillSeconds, 2), unit: 's', note: describeLoad(filling.stop()) });

      for (const { query, search, answers } of [CLOSED_SINCE_2000, OPEN_PARKING_SINCE_2000]) {
        const answered = await queryBus.execute(new SearchPublicCasesQuery(search));
        if (answered.length !== answers) throw new Error(`${query} answered ${answered.length} requests, not ${answers}`);
        const querying = measureMachineLoad();
        const bus = await callLatencies(() => queryBus.execute(new SearchPublicCasesQuery(search)), { calls: CALLS, warmUps: WARM_UP_CALLS });
        const walk = size <= WALK_UP_TO ? await callLatencies(() => walkEveryCase(readStore, search), { calls: WALK_CALLS, warmUps: 1 }) : undefined;
        const http = await httpLatencies(`${url}?${query}`, { calls: CALLS, warmUps: WARM_UP_CALLS });
        const load = describeLoad(querying.stop());
        const rows = `${answers} requests of ${cases}`;
        figures.push(
          latencyFigure(`SearchPublicCasesQuery through the QueryBus, ${query} (${rows})`, bus, {
            baseline: walk && { name: 'the walk of the case list it replaced', value: round(percentile(walk, 99), 1) },
            note: walk ? `the walk: ${walk.map((ms) => round(ms, 0)).join(', ')} ms over ${walk.length} calls` : `the walk not measured above ${WALK_UP_TO.toLocaleString('en')} cases`,
          }),
          latencyFigure(`GET /open311/v2/requests.json?${query} over HTTP, unauthenticated (${rows})`, http, { note: load }),
        );
      }
    }
    return figures;
  } finally {
    await app.close();
    await server.stop();
  }
}

/**
 * The public Open311 search at 10,000, 100,000 and 1,000,000 cases, for Open311's fixed page of
 * 1000: the case list filled directly in SQL (older cases added below the same newest ones), then two
 * searches since 2000, one answering a full page and one answering fewer rows than a page, through
 * the QueryBus and over HTTP. Their time should not grow with the list.
 */
function open311Search(backend: StoreKind, store: string): Benchmark {
  return {
    title: `Public Open311 search since 2000, a page of ${PAGE_SIZE}, as the case list grows to a million cases (${store} read store)`,
    run: () => measure(backend),
  };
}

export const open311SearchSqlite = open311Search('sqlite', 'SQLite');
export const open311SearchPostgres = open311Search('postgres', 'PostgreSQL 18');
