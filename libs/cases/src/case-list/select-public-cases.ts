import type { CaseState } from '@yixin/domain';
import type { SqlDatabase } from '@yixin/stores';
import { IN_CHUNK } from './case-list.projection';

/** What the public may see of a row (see PublicCase): no state, no personal data. */
export interface PublicCaseRow {
  case_id: string;
  community_id: string;
  compound_id: string;
  building: string;
  category: string;
  description: string;
  status: CaseState['status'];
  assignee_organisation_id: string | null;
  resolve_by: string | null;
  filed_at: string;
  updated_at: string;
}

const PUBLIC_COLUMNS = 'case_id, community_id, compound_id, building, category, description, status, assignee_organisation_id, resolve_by, filed_at, updated_at';

export interface PublicCaseFilter {
  /** Filed within [filedFrom, filedTo], ISO-8601 instants in UTC as filed_at holds them. */
  filedFrom: string;
  filedTo: string;
  /** Any of these categories; all when undefined. */
  categories?: readonly string[];
  /** Only closed (true) or only open (false) cases; both when undefined. */
  closed?: boolean;
  limit: number;
}

const CLOSED = "status = 'closed'";
const OPEN = "status <> 'closed'";

/**
 * Cases filed in a window, newest first, the case id breaking ties. Each state (closed or open),
 * and each category when some are asked for, is a range of an index, of which the first `limit`
 * rows are read newest first; then the ranges' rows are merged. A page therefore costs at most
 * its own rows per range, whatever the size of the table and however few rows the filters leave:
 * a filter on the whole table would walk it down to the window's start for a rare category.
 * The literal 'closed' matches the partial indexes' own condition, which a bound parameter would not.
 */
export async function selectPublicCases(db: SqlDatabase, filter: PublicCaseFilter): Promise<PublicCaseRow[]> {
  const states = filter.closed === undefined ? [CLOSED, OPEN] : [filter.closed ? CLOSED : OPEN];
  const categories: ReadonlyArray<string | undefined> = filter.categories ?? [undefined];
  const ranges = categories.flatMap((category) =>
    states.map((state) => ({
      sql: `SELECT ${PUBLIC_COLUMNS} FROM case_list WHERE ${category === undefined ? '' : 'category = ? AND '}${state} AND filed_at >= ? AND filed_at <= ?
            ORDER BY filed_at DESC, case_id DESC LIMIT ?`,
      params: [...(category === undefined ? [] : [category]), filter.filedFrom, filter.filedTo, filter.limit],
    })),
  );
  if (ranges.length === 0) return [];
  if (ranges.length === 1) return db.query<PublicCaseRow>(ranges[0].sql, ranges[0].params);
  const merged = ranges.map((range, index) => `SELECT * FROM (${range.sql}) AS range_${index}`).join(' UNION ALL ');
  return db.query<PublicCaseRow>(`${merged} ORDER BY filed_at DESC, case_id DESC LIMIT ?`, [...ranges.flatMap((range) => range.params), filter.limit]);
}

/** The rows of these cases, those that exist; in no particular order. */
export async function selectPublicCasesById(db: SqlDatabase, caseIds: readonly string[]): Promise<PublicCaseRow[]> {
  const rows: PublicCaseRow[] = [];
  for (let start = 0; start < caseIds.length; start += IN_CHUNK) {
    const chunk = caseIds.slice(start, start + IN_CHUNK);
    rows.push(...(await db.query<PublicCaseRow>(`SELECT ${PUBLIC_COLUMNS} FROM case_list WHERE case_id IN (${chunk.map(() => '?').join(', ')})`, chunk)));
  }
  return rows;
}
