import type { SqlDatabase } from '@yixin/stores';
import { toCaseListRow, type CaseListRow, type StoredCaseRow } from './case-list.projection';

// What the case list's queries share: pages, conditions, and reading a page of rows.

export interface PageRequest {
  limit: number;
  offset: number;
}

export interface CaseListPage<Row = CaseListRow> {
  /** How many rows match, over all pages. */
  total: number;
  items: Row[];
}

export interface SqlCondition {
  sql: string;
  params: unknown[];
}

export function isIn(column: string, values: readonly string[]): SqlCondition {
  return values.length === 0 ? { sql: '1 = 0', params: [] } : { sql: `${column} IN (${values.map(() => '?').join(', ')})`, params: [...values] };
}

/** Paused clocks (no next deadline) after every running one. */
export const BY_NEXT_DEADLINE = 'CASE WHEN next_deadline IS NULL THEN 1 ELSE 0 END, next_deadline';

export async function selectPage(db: SqlDatabase, conditions: SqlCondition[], order: SqlCondition, page: PageRequest): Promise<CaseListPage> {
  const where = conditions.length > 0 ? `WHERE ${conditions.map((condition) => condition.sql).join(' AND ')}` : '';
  const params = conditions.flatMap((condition) => condition.params);
  const [{ total }] = await db.query<{ total: number }>(`SELECT count(*) AS total FROM case_list ${where}`, params);
  const rows = await db.query<StoredCaseRow>(`SELECT * FROM case_list ${where} ORDER BY ${order.sql} LIMIT ? OFFSET ?`, [
    ...params,
    ...order.params,
    page.limit,
    page.offset,
  ]);
  return { total: Number(total), items: rows.map(toCaseListRow) };
}
