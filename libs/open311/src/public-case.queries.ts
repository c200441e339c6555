import { Inject } from '@nestjs/common';
import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { foldCase, type CaseStatus, type Category, type ComplaintFiled } from '@yixin/domain';
import type { EventStore } from '@yixin/event-store';
import { readCaseStream, toCaseEvent } from '@yixin/case-stream';
import { maskPersonalNumbers } from './personal-numbers';
import { selectPublicCases, selectPublicCasesById, type PublicCaseRow } from '@yixin/cases';
import type { SqlDatabase } from '@yixin/stores';
import { EVENT_STORE, READ_STORE } from '@yixin/stores';

/**
 * What anyone may know of a case, for public APIs such as Open311: where (down to the building,
 * never the unit), what, who holds it and how far it got. Nothing of the resident: the free text
 * staff typed (description, building) comes with phone, ID card and bank card numbers masked.
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

/** Closing is final; every other status, those still to come included, leaves the case open. selectPublicCases splits its indexes by the same rule. */
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

/** Cases filed in a time window, newest first (the case id, descending, breaking ties), from the case list read model (a little behind the log). */
export class SearchPublicCasesQuery extends Query<PublicCase[]> {
  constructor(readonly search: PublicCaseSearch) {
    super();
  }
}

/**
 * The cases with these ids that exist, in the search's order, from the case list read model (a
 * little behind the log): one indexed read for a thousand ids, where reading each case's stream
 * cost about a millisecond a case.
 */
export class GetPublicCasesQuery extends Query<PublicCase[]> {
  constructor(readonly caseIds: readonly string[]) {
    super();
  }
}

/** One case, read from its stream (never stale); undefined if there is none. */
export class GetPublicCaseQuery extends Query<PublicCase | undefined> {
  constructor(readonly caseId: string) {
    super();
  }
}

/** Case ids are UUIDs (minted when a complaint is filed); anything else names no case and is not worth a read. */
const CASE_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

@QueryHandler(SearchPublicCasesQuery)
export class SearchPublicCasesHandler implements IQueryHandler<SearchPublicCasesQuery, PublicCase[]> {
  constructor(@Inject(READ_STORE) private readonly db: SqlDatabase) {}

  async execute({ search }: SearchPublicCasesQuery): Promise<PublicCase[]> {
    const rows = await selectPublicCases(this.db, {
      // filed_at holds instants as toISOString writes them, and is compared as text.
      filedFrom: new Date(search.filedFrom).toISOString(),
      filedTo: new Date(search.filedTo).toISOString(),
      categories: search.categories,
      closed: search.closed,
      limit: search.limit,
    });
    return rows.map(fromPublicRow);
  }
}

@QueryHandler(GetPublicCasesQuery)
export class GetPublicCasesHandler implements IQueryHandler<GetPublicCasesQuery, PublicCase[]> {
  constructor(@Inject(READ_STORE) private readonly db: SqlDatabase) {}

  async execute({ caseIds }: GetPublicCasesQuery): Promise<PublicCase[]> {
    const rows = await selectPublicCasesById(this.db, [...new Set(caseIds)].filter((caseId) => CASE_ID.test(caseId)));
    return rows.map(fromPublicRow).sort((a, b) => b.filedAt.localeCompare(a.filedAt) || b.caseId.localeCompare(a.caseId));
  }
}

@QueryHandler(GetPublicCaseQuery)
export class GetPublicCaseHandler implements IQueryHandler<GetPublicCaseQuery, PublicCase | undefined> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute({ caseId }: GetPublicCaseQuery): Promise<PublicCase | undefined> {
    if (!CASE_ID.test(caseId)) return undefined;
    const recorded = await readCaseStream(this.store, caseId);
    if (recorded.length === 0) return undefined;
    const events = recorded.map(toCaseEvent);
    const { data: filed } = events[0] as ComplaintFiled;
    const state = foldCase(events);
    return {
      caseId,
      communityId: filed.location.communityId,
      compoundId: filed.location.compoundId,
      building: maskPersonalNumbers(filed.location.building),
      category: filed.category,
      description: maskPersonalNumbers(filed.description),
      status: state.status,
      assigneeOrganisationId: state.task?.assigneeOrganisationId ?? null,
      resolveBy: state.task?.deadlines.resolve?.due ?? null,
      filedAt: filed.filedAt,
      updatedAt: recorded[recorded.length - 1].recordedAt,
    };
  }
}

function fromPublicRow(row: PublicCaseRow): PublicCase {
  return {
    caseId: row.case_id,
    communityId: row.community_id,
    compoundId: row.compound_id,
    building: maskPersonalNumbers(row.building),
    category: row.category as Category,
    description: maskPersonalNumbers(row.description),
    status: row.status,
    assigneeOrganisationId: row.assignee_organisation_id,
    resolveBy: row.resolve_by,
    filedAt: row.filed_at,
    updatedAt: row.updated_at,
  };
}
