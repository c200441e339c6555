import { Inject } from '@nestjs/common';
import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { refuse, type Actor } from '@yixin/domain';
import { selectCouncilAgenda, withTimeLeft, type CaseListPage, type PageRequest } from './case-list';
import type { SqlDatabase } from '@yixin/stores';
import { READ_STORE } from '@yixin/stores';
import type { TimedCaseListRow } from './case.queries';

/**
 * The cases before the viewer's council, or decided by it and not yet dispatched, with the
 * question, the session and the decision: the nearest decide-by first.
 */
export class ListCouncilAgendaQuery extends Query<CaseListPage<TimedCaseListRow>> {
  constructor(readonly viewer: Actor, readonly page: PageRequest, readonly now: string) {
    super();
  }
}

@QueryHandler(ListCouncilAgendaQuery)
export class ListCouncilAgendaHandler implements IQueryHandler<ListCouncilAgendaQuery, CaseListPage<TimedCaseListRow>> {
  constructor(@Inject(READ_STORE) private readonly db: SqlDatabase) {}

  async execute({ viewer, page, now }: ListCouncilAgendaQuery): Promise<CaseListPage<TimedCaseListRow>> {
    if (viewer.role !== 'council_member') refuse('forbidden', 'only council members have a council agenda');
    const { total, items } = await selectCouncilAgenda(this.db, viewer.organisationId, page);
    return { total, items: items.map((row) => withTimeLeft(row, now)) };
  }
}
