import { Inject } from '@nestjs/common';
import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { Actor, Tier } from '@yixin/domain';
import { DirectoryService } from '@yixin/directory';
import {
  selectSupervisionQueue,
  supervisionQueuesOf,
  withTimeLeft,
  type CaseListPage,
  type CaseListRow,
  type PageRequest,
  type SupervisionQueue,
} from './case-list';
import type { SqlDatabase } from '@yixin/stores';
import { READ_STORE } from '@yixin/stores';
import { jurisdictionOf } from '@yixin/directory';
import type { TimedCaseListRow } from './case.queries';

/** A case as a supervisor sees it: with its time left and every queue it is in now. */
export type SupervisionRow = TimedCaseListRow & { queues: SupervisionQueue[] };

export function toSupervisionRow(row: CaseListRow, now: string): SupervisionRow {
  return { ...withTimeLeft(row, now), queues: supervisionQueuesOf(row, now) };
}

/** The tier a supervisor works at: their own escalated cases come first in the escalated queue. */
export function supervisorTier(viewer: Actor): Tier {
  return viewer.role === 'district_officer' ? 'district' : 'street';
}

/** One supervision queue (督办) of a street or district officer's jurisdiction, paged. */
export class ListSupervisionQueueQuery extends Query<CaseListPage<SupervisionRow>> {
  constructor(readonly viewer: Actor, readonly queue: SupervisionQueue, readonly page: PageRequest, readonly now: string) {
    super();
  }
}

@QueryHandler(ListSupervisionQueueQuery)
export class ListSupervisionQueueHandler implements IQueryHandler<ListSupervisionQueueQuery, CaseListPage<SupervisionRow>> {
  constructor(@Inject(READ_STORE) private readonly db: SqlDatabase, private readonly directory: DirectoryService) {}

  async execute({ viewer, queue, page, now }: ListSupervisionQueueQuery): Promise<CaseListPage<SupervisionRow>> {
    const { total, items } = await selectSupervisionQueue(this.db, {
      communityIds: jurisdictionOf(viewer, this.directory),
      queue,
      officerTier: supervisorTier(viewer),
      now,
      ...page,
    });
    return { total, items: items.map((row) => toSupervisionRow(row, now)) };
  }
}
