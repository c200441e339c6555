import type { SqlDatabase } from '@yixin/stores';

/** Statuses of a case that no longer takes duplicates: closed, or itself a duplicate. */
const NOT_OPEN_FOR_DUPLICATES = ['closed', 'duplicate'];

/** The oldest open case at the same place (compound and building) and of the same category, if any. */
export async function findOpenCaseAtPlace(
  db: SqlDatabase,
  place: { compoundId: string; building: string; category: string },
): Promise<string | undefined> {
  const [row] = await db.query<{ case_id: string }>(
    `SELECT case_id FROM case_list WHERE compound_id = ? AND building = ? AND category = ? AND status NOT IN (?, ?)
     ORDER BY filed_at LIMIT 1`,
    [place.compoundId, place.building, place.category, ...NOT_OPEN_FOR_DUPLICATES],
  );
  return row?.case_id;
}
