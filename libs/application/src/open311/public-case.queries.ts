import { Inject } from '@nestjs/common';
import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { foldCase, type CaseStatus, type Category, type ComplaintFiled } from '../../../domain/src';
import type { EventStore } from '../../../event-store/src';
import { readCaseStream, toCaseEvent } from '../cases/case-stream';
import { selectCases, type CaseListRow } from '../projections/case-list.projection';
import type { SqlDatabase } from '../read-store/sql-database';
import { EVENT_STORE, READ_STORE } from '../store.tokens';

/**
 * What anyone may know of a case, for public APIs such as Open311: where (down to the building,
 * never the unit), what, who holds it and how far it got. Nothing of the resident.
 */
export interface PublicCase {
  caseId: string;
  communityId: string;
  compoundId: string;
  building: string;
  category: Category;
  description: string;
  status: CaseStatus;
  /** The organisation the task is assigned to, once dispatched. */
  assigneeOrganisationId: string | null;
  resolveBy: string | null;
  filedAt: string;
  updatedAt: string;
}

/** Closing is final; every other status, those still to come included, leaves the case open. */
export function isClosedStatus(status: CaseStatus): boolean {
  return status === 'closed';
}

export interface PublicCaseSearch {
  /** Filed within [filedFrom, filedTo] (ISO-8601 instants). */
  filedFrom: string;
  filedTo: string;
  /** Any of these categories; all when undefined. */
  categories?: readonly Category[];
  /** Only closed (true) or only open (false) cases; both when undefined. */
  closed?: boolean;
  limit: number;
}

/** Cases filed in a time window, newest first, from the case list read model (a little behind the log). */
export class SearchPublicCasesQuery extends Query<PublicCase[]> {
  constructor(readonly search: PublicCaseSearch) {
    super();
  }
}

/** The cases with these ids that exist, newest first, read from their streams (never stale). */
export class GetPublicCasesQuery extends Query<PublicCase[]> {
  constructor(readonly caseIds: readonly string[]) {
    super();
  }
}

const PAGE_SIZE = 500;
/** Case ids are UUIDs (minted when a complaint is filed); anything else names no case and is not worth a read. */
const CASE_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

@QueryHandler(SearchPublicCasesQuery)
export class SearchPublicCasesHandler implements IQueryHandler<SearchPublicCasesQuery, PublicCase[]> {
  constructor(@Inject(READ_STORE) private readonly db: SqlDatabase) {}

  async execute({ search }: SearchPublicCasesQuery): Promise<PublicCase[]> {
    const from = Date.parse(search.filedFrom);
    const to = Date.parse(search.filedTo);
    // Keyed by case id: a case filed while we page shifts the pages, and a row may come twice.
    const found = new Map<string, PublicCase>();
    for await (const row of newestFirst(this.db)) {
      const filedAt = Date.parse(row.filedAt);
      if (filedAt < from || found.size >= search.limit) break;
      if (filedAt <= to && matches(row, search)) found.set(row.caseId, fromListRow(row));
    }
    return [...found.values()];
  }
}

@QueryHandler(GetPublicCasesQuery)
export class GetPublicCasesHandler implements IQueryHandler<GetPublicCasesQuery, PublicCase[]> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute({ caseIds }: GetPublicCasesQuery): Promise<PublicCase[]> {
    const found = await Promise.all([...new Set(caseIds)].filter((caseId) => CASE_ID.test(caseId)).map((caseId) => this.read(caseId)));
    return found
      .filter((publicCase): publicCase is PublicCase => publicCase !== undefined)
      .sort((a, b) => b.filedAt.localeCompare(a.filedAt) || a.caseId.localeCompare(b.caseId));
  }

  private async read(caseId: string): Promise<PublicCase | undefined> {
    const recorded = await readCaseStream(this.store, caseId);
    if (recorded.length === 0) return undefined;
    const events = recorded.map(toCaseEvent);
    const { data: filed } = events[0] as ComplaintFiled;
    const state = foldCase(events);
    return {
      caseId,
      communityId: filed.location.communityId,
      compoundId: filed.location.compoundId,
      building: filed.location.building,
      category: filed.category,
      description: filed.description,
      status: state.status,
      assigneeOrganisationId: state.task?.assigneeOrganisationId ?? null,
      resolveBy: state.task?.deadlines.resolve?.due ?? null,
      filedAt: filed.filedAt,
      updatedAt: recorded[recorded.length - 1].recordedAt,
    };
  }
}

/** The case list newest first. It has no filter on filing time, so searches walk it down to their window's start. */
async function* newestFirst(db: SqlDatabase): AsyncGenerator<CaseListRow> {
  for (let offset = 0; ; offset += PAGE_SIZE) {
    const { items } = await selectCases(db, { limit: PAGE_SIZE, offset });
    yield* items;
    if (items.length < PAGE_SIZE) return;
  }
}

function matches(row: CaseListRow, search: PublicCaseSearch): boolean {
  return (
    (search.categories === undefined || search.categories.includes(row.category as Category)) &&
    (search.closed === undefined || isClosedStatus(row.status) === search.closed)
  );
}

function fromListRow(row: CaseListRow): PublicCase {
  return {
    caseId: row.caseId,
    communityId: row.communityId,
    compoundId: row.compoundId,
    building: row.building,
    category: row.category as Category,
    description: row.description,
    status: row.status,
    assigneeOrganisationId: row.assigneeOrganisationId,
    resolveBy: row.resolveBy,
    filedAt: row.filedAt,
    updatedAt: row.updatedAt,
  };
}
