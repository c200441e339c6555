import type { SqlDatabase } from '@yixin/stores';
import type { CaseListRow } from './case-list.projection';
import { BY_NEXT_DEADLINE, isIn, selectPage, type CaseListPage, type PageRequest, type SqlCondition } from './case-list-page';

export const SUPERVISION_QUEUES = ['overdue', 'escalated', 'disputed'] as const;
export type SupervisionQueue = (typeof SUPERVISION_QUEUES)[number];

const ESCALATED_TIERS = ['street', 'district'];
const DISPUTED_STATUSES = ['returned', 'before_council'];

/**
 * Each queue as a condition on the table, the same condition on a listed row (for rows pushed to
 * a live stream), and its order.
 */
const QUEUES: Record<
  SupervisionQueue,
  { where(now: string): SqlCondition; holds(row: CaseListRow, now: string): boolean; order(officerTier: string): SqlCondition }
> = {
  // Running clocks past a deadline, the longest overdue first.
  overdue: {
    where: (now) => ({ sql: 'next_deadline < ?', params: [now] }),
    holds: (row, now) => row.nextDeadline !== null && row.nextDeadline < now,
    order: () => ({ sql: 'next_deadline, case_id', params: [] }),
  },
  // Open cases handled above the community, the officer's own tier first, then by the nearest deadline.
  escalated: {
    where: () => ({ sql: `${isIn('tier', ESCALATED_TIERS).sql} AND status <> 'closed'`, params: ESCALATED_TIERS }),
    holds: (row) => ESCALATED_TIERS.includes(row.tier) && row.status !== 'closed',
    order: (officerTier) => ({ sql: `CASE WHEN tier = ? THEN 0 ELSE 1 END, ${BY_NEXT_DEADLINE}, filed_at, case_id`, params: [officerTier] }),
  },
  // Returned by the assignee or before a council, the longest waiting first.
  disputed: {
    where: () => isIn('status', DISPUTED_STATUSES),
    holds: (row) => DISPUTED_STATUSES.includes(row.status),
    order: () => ({ sql: 'updated_at, case_id', params: [] }),
  },
};

export function selectSupervisionQueue(
  db: SqlDatabase,
  query: { communityIds: string[]; queue: SupervisionQueue; officerTier: string; now: string } & PageRequest,
): Promise<CaseListPage> {
  const { where, order } = QUEUES[query.queue];
  return selectPage(db, [isIn('community_id', query.communityIds), where(query.now)], order(query.officerTier), query);
}

/** The supervision queues a case is in now. */
export function supervisionQueuesOf(row: CaseListRow, now: string): SupervisionQueue[] {
  return SUPERVISION_QUEUES.filter((queue) => QUEUES[queue].holds(row, now));
}
