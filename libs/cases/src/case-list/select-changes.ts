import type { SqlDatabase } from '@yixin/stores';
import { toCaseListRow, type CaseListRow, type StoredCaseRow } from './case-list.projection';

/** A row of the case list as it was changed by the event at `position`. */
export interface CaseListChange {
  position: number;
  row: CaseListRow;
  /** The organisation whose task went to someone else (or to no one) since the position read from. */
  previousAssignee: string | null;
}

/**
 * The rows changed after `position`, in the order they changed. Rows are written in the order of
 * the log, each with the position of its last event, so no change is skipped by reading on from
 * the last position seen; a row changed several times meanwhile is read once, as it is now.
 */
export async function selectChangesAfter(db: SqlDatabase, position: number, limit: number): Promise<CaseListChange[]> {
  const rows = await db.query<StoredCaseRow>('SELECT * FROM case_list WHERE changed_position > ? ORDER BY changed_position LIMIT ?', [position, limit]);
  return rows.map((row) => ({
    position: Number(row.changed_position),
    row: toCaseListRow(row),
    previousAssignee: row.reassigned_position !== null && Number(row.reassigned_position) > position ? row.previous_assignee_organisation_id : null,
  }));
}

export async function latestChangePosition(db: SqlDatabase): Promise<number> {
  const [row] = await db.query<{ position: number | null }>('SELECT max(changed_position) AS position FROM case_list');
  return Number(row?.position ?? 0);
}
