import type { SqlDatabase } from '@yixin/stores';
import { selectPage, type CaseListPage, type PageRequest } from './case-list-page';

/** The cases before a council or just decided by it, the nearest decide-by first. */
export function selectCouncilAgenda(db: SqlDatabase, councilId: string, page: PageRequest): Promise<CaseListPage> {
  return selectPage(db, [{ sql: 'council_id = ?', params: [councilId] }], { sql: 'decide_by, case_id', params: [] }, page);
}
