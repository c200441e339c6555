import type { CaseListScope } from '@yixin/directory';
import type { SqlDatabase } from '@yixin/stores';
import { isIn, selectPage, type CaseListPage, type SqlCondition } from './case-list-page';

/**
 * One word of a search, with what it matches besides the text of the case: the compounds,
 * communities and categories whose names contain it (names live in the directory, so they are
 * matched when searching, never copied into rows where a renaming would leave them stale).
 */
export interface SearchTerm {
  /** Normalised with `normaliseForSearch`. */
  text: string;
  compoundIds: string[];
  communityIds: string[];
  categories: string[];
}

/** The viewer's scope (see caseListScope) and the filters asked for. */
export interface CaseListFilter extends CaseListScope {
  communityId?: string;
  compoundId?: string;
  status?: string;
  tier?: string;
  category?: string;
  /** Every term must match. */
  search?: SearchTerm[];
  /** Cases whose running clock has a deadline past `now`. */
  overdueAt?: string;
  limit: number;
  offset: number;
}

export function selectCases(db: SqlDatabase, filter: CaseListFilter): Promise<CaseListPage> {
  const conditions: SqlCondition[] = [];
  const equal = (column: string, value: string | undefined) => {
    if (value !== undefined) conditions.push({ sql: `${column} = ?`, params: [value] });
  };
  if (filter.communityIds !== undefined) conditions.push(isIn('community_id', filter.communityIds));
  if (filter.compoundIds !== undefined) conditions.push(isIn('compound_id', filter.compoundIds));
  equal('community_id', filter.communityId);
  equal('compound_id', filter.compoundId);
  equal('status', filter.status);
  equal('tier', filter.tier);
  equal('category', filter.category);
  for (const term of filter.search ?? []) conditions.push(matching(term));
  if (filter.overdueAt !== undefined) conditions.push({ sql: 'next_deadline < ?', params: [filter.overdueAt] });
  return selectPage(db, conditions, { sql: 'filed_at DESC, case_id', params: [] }, filter);
}

/**
 * A substring match, which is what Chinese needs: words are not separated by spaces, and the most
 * common searches (电梯, 漏水) are two characters, too short for a trigram index. LIKE works the
 * same on SQLite and PostgreSQL; it scans the rows the other conditions leave (the viewer's scope).
 */
function matching(term: SearchTerm): SqlCondition {
  const pattern = `%${term.text.replace(/[\\%_]/g, (character) => `\\${character}`)}%`;
  const alternatives = [
    { sql: `search_text LIKE ? ESCAPE '\\'`, params: [pattern] },
    ...(term.compoundIds.length > 0 ? [isIn('compound_id', term.compoundIds)] : []),
    ...(term.communityIds.length > 0 ? [isIn('community_id', term.communityIds)] : []),
    ...(term.categories.length > 0 ? [isIn('category', term.categories)] : []),
  ];
  return { sql: `(${alternatives.map((alternative) => alternative.sql).join(' OR ')})`, params: alternatives.flatMap((alternative) => alternative.params) };
}
