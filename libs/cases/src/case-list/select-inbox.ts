import type { SqlDatabase } from '@yixin/stores';
import { toCaseListRow, type CaseListRow, type StoredCaseRow } from './case-list.projection';
import type { CaseListPage, PageRequest } from './case-list-page';
import { encodeInboxCursor, type InboxPosition } from './inbox-cursor';

export interface InboxPageRequest extends PageRequest {
  /** Only the rows after this one. */
  after?: InboxPosition;
}

export interface InboxPage<Row = CaseListRow> extends CaseListPage<Row> {
  /** Where the next page starts (see decodeInboxCursor); null on the last page. */
  nextCursor: string | null;
}

/**
 * An organisation's running tasks, the nearest deadline first, paused clocks last. The inbox is a
 * range of the index case_list_inbox, and its order is the index's, so a page costs an index walk
 * of its own rows after the cursor, however deep it is (an offset walks every row it skips).
 */
export async function selectInbox(db: SqlDatabase, organisationId: string, page: InboxPageRequest): Promise<InboxPage> {
  const inbox = { sql: 'assignee_organisation_id = ? AND inbox_order IS NOT NULL', params: [organisationId] };
  const { after } = page;
  const afterCursor = after
    ? { sql: `${inbox.sql} AND (inbox_order, filed_at, case_id) > (?, ?, ?)`, params: [...inbox.params, after.inboxOrder, after.filedAt, after.caseId] }
    : inbox;
  const [{ total }] = await db.query<{ total: number }>(`SELECT count(*) AS total FROM case_list WHERE ${inbox.sql}`, inbox.params);
  // One row more than asked tells whether a next page follows.
  const rows = await db.query<StoredCaseRow>(`SELECT * FROM case_list WHERE ${afterCursor.sql} ORDER BY inbox_order, filed_at, case_id LIMIT ? OFFSET ?`, [
    ...afterCursor.params,
    page.limit + 1,
    page.offset,
  ]);
  const last = rows.length > page.limit ? rows[page.limit - 1] : undefined;
  return {
    total: Number(total),
    items: rows.slice(0, page.limit).map(toCaseListRow),
    nextCursor: last ? encodeInboxCursor({ inboxOrder: last.inbox_order!, filedAt: last.filed_at, caseId: last.case_id }) : null,
  };
}
