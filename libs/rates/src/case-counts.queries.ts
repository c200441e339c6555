import { Inject } from '@nestjs/common';
import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { refuse, type Actor } from '@yixin/domain';
import { caseListScope } from '@yixin/directory';
import { DirectoryService } from '@yixin/directory';
import { chinaMonthBounds, chinaMonthOf } from './rates.projection';
import type { SqlDatabase } from '@yixin/stores';
import { READ_STORE } from '@yixin/stores';
import { MONTH_PATTERN } from './rates.queries';

export const CASE_COUNT_GROUPINGS = ['category', 'compound', 'month'] as const;
export type CaseCountGrouping = (typeof CASE_COUNT_GROUPINGS)[number];

/** A chart may span at most three years of months. */
export const MAX_CASE_COUNT_MONTHS = 36;

export interface CaseCount {
  /** The category code, the compound's id, or the month (YYYY-MM, China time). */
  key: string;
  /** The compound's name in the directory; for categories and months, the key. */
  name: string;
  count: number;
}

export interface CaseCounts {
  by: CaseCountGrouping;
  from: string;
  to: string;
  /** Cases filed in the months from `from` to `to` (both included, China time) in the viewer's scope. */
  total: number;
  /** Most cases first; by month, every month of the range in order, none left out. */
  counts: CaseCount[];
}

/** How many cases were filed, by category, compound or month, among those the viewer's case list holds. */
export class CountCasesQuery extends Query<CaseCounts> {
  /** `to` defaults to the month (China time) of `now`, `from` to eleven months before `to`: a year. */
  constructor(readonly viewer: Actor, readonly by: CaseCountGrouping, readonly from: string | undefined, readonly to: string | undefined, readonly now: string) {
    super();
  }
}

const COLUMN: Record<Exclude<CaseCountGrouping, 'month'>, string> = { category: 'category', compound: 'compound_id' };

@QueryHandler(CountCasesQuery)
export class CountCasesHandler implements IQueryHandler<CountCasesQuery, CaseCounts> {
  constructor(@Inject(READ_STORE) private readonly db: SqlDatabase, private readonly directory: DirectoryService) {}

  async execute({ viewer, by, from: asked, to: askedTo, now }: CountCasesQuery): Promise<CaseCounts> {
    const to = askedTo ?? chinaMonthOf(now);
    const from = asked ?? monthsBefore(to, 11);
    const months = monthsBetween(from, to);
    const scope = caseListScope(viewer, this.directory);
    const conditions = ['filed_at >= ?', 'filed_at < ?'];
    // Instants are stored as UTC ISO strings, which compare as they order.
    const params: unknown[] = [isoOf(chinaMonthBounds(from).startMs), isoOf(chinaMonthBounds(to).endMs)];
    for (const [column, ids] of [['community_id', scope.communityIds], ['compound_id', scope.compoundIds]] as const) {
      if (ids === undefined) continue;
      conditions.push(ids.length === 0 ? '1 = 0' : `${column} IN (${ids.map(() => '?').join(', ')})`);
      params.push(...ids);
    }
    const group = by === 'month' ? monthOfRow(months) : { sql: COLUMN[by], params: [] as unknown[] };
    const rows = await this.db.query<{ grouped: string; count: number | string }>(
      `SELECT grouped, count(*) AS count FROM (SELECT ${group.sql} AS grouped FROM case_list WHERE ${conditions.join(' AND ')}) AS filed GROUP BY grouped`,
      [...group.params, ...params],
    );
    const counted = new Map(rows.map((row) => [row.grouped, Number(row.count)]));
    const nameOf = (key: string) => (by === 'compound' ? (this.directory.findOrganisation(key)?.name ?? key) : key);
    const counts =
      by === 'month'
        ? months.map((month) => ({ key: month, name: month, count: counted.get(month) ?? 0 }))
        : [...counted].map(([key, count]) => ({ key, name: nameOf(key), count })).sort((a, b) => b.count - a.count || a.key.localeCompare(b.key));
    return { by, from, to, total: counts.reduce((sum, { count }) => sum + count, 0), counts };
  }
}

/** The China-time month of each row as a CASE over the months' first instants: the same SQL on SQLite and PostgreSQL. */
function monthOfRow(months: string[]): { sql: string; params: unknown[] } {
  const last = { sql: 'CAST(? AS TEXT)', params: [months[months.length - 1]] };
  if (months.length === 1) return last;
  const earlier = months.slice(1).map((next, i) => ({ sql: 'WHEN filed_at < ? THEN CAST(? AS TEXT)', params: [isoOf(chinaMonthBounds(next).startMs), months[i]] }));
  return { sql: `CASE ${earlier.map((when) => when.sql).join(' ')} ELSE ${last.sql} END`, params: [...earlier.flatMap((when) => when.params), ...last.params] };
}

/** Every month from `from` to `to`, both included; refused when reversed or longer than MAX_CASE_COUNT_MONTHS. */
function monthsBetween(from: string, to: string): string[] {
  for (const [name, month] of [['from', from], ['to', to]]) {
    if (!MONTH_PATTERN.test(month)) refuse('invalid', `${name} must be a month written YYYY-MM (e.g. 2026-03), not ${JSON.stringify(month)}`);
  }
  if (from > to) refuse('invalid', `from (${from}) must not be after to (${to})`);
  const months = [from];
  while (months[months.length - 1] < to) {
    if (months.length === MAX_CASE_COUNT_MONTHS) refuse('invalid', `from and to may span at most ${MAX_CASE_COUNT_MONTHS} months`);
    months.push(chinaMonthOf(isoOf(chinaMonthBounds(months[months.length - 1]).endMs)));
  }
  return months;
}

function monthsBefore(month: string, count: number): string {
  const [year, monthNumber] = month.split('-').map(Number);
  const index = year * 12 + monthNumber - 1 - count;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
}

function isoOf(epochMs: number): string {
  return new Date(epochMs).toISOString();
}
