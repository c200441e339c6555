import type { SqlDatabase } from '@yixin/stores';

/** More cases than ever share a number (see caseNumberOf): the check code is compared with each. */
const MOST_CASES_OF_ONE_NUMBER = 8;

/**
 * The ids of the cases whose number (caseNumberOf) is `caseNumber`, from the case list read model (a
 * little behind the log). The number is the end of the id, which no index of the table orders by:
 * the query reads the ids alone, from the primary key's index, not the rows.
 */
export async function selectCasesNumbered(db: SqlDatabase, caseNumber: string): Promise<string[]> {
  const rows = await db.query<{ case_id: string }>(
    `SELECT case_id FROM case_list WHERE lower(substr(case_id, length(case_id) - 7)) = ? LIMIT ${MOST_CASES_OF_ONE_NUMBER}`,
    [caseNumber],
  );
  return rows.map((row) => row.case_id);
}
