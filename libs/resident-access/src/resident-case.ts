import { CATEGORIES, foldCase, type CaseEvent, type CaseState, type CaseStatus, type Category, type ClosingReason } from '@yixin/domain';
import { maskPersonalNumbers } from '@yixin/open311';

/** Where a case stands, as its resident is told: plain words, the organisations' names, no one's personal data. */
export interface ResidentCase {
  caseNumber: string;
  status: CaseStatus;
  /** The status in plain Chinese. */
  statusText: string;
  category: Category;
  categoryText: string;
  /** The community that took the complaint. */
  communityName: string;
  /** The organisation holding the case's task (a property company, an owners' committee), once dispatched. */
  handledBy?: string;
  filedAt: string;
  /** The last time the case was given to an organisation (dispatched, redispatched, redone). */
  dispatchedAt?: string;
  resolvedAt?: string;
  /** What the organisation reported when it resolved the case, with personal numbers masked. */
  resolutionNote?: string;
  closedAt?: string;
  closedReason?: ClosingReason;
  /** Resolved and waiting for the resident's rating. */
  canRate: boolean;
}

/** Each status as a resident would say it; the staff's words (待签收, 联席会议事中) mean little to them. */
export const STATUS_FOR_RESIDENTS: Record<CaseStatus, string> = {
  not_filed: '尚未受理',
  filed: '已受理，正在安排承办单位',
  duplicate: '已受理，与同一地点的诉求合并办理',
  awaiting_sign_for: '已派给承办单位，等待接单',
  in_progress: '承办单位正在处理',
  resolved: '已处理完毕，请您评价',
  awaiting_redo: '正在安排重新处理',
  returned: '正在重新安排承办单位',
  before_council: '正在由联席会议协调处理',
  council_decided: '联席会议已作出决定，正在安排处理',
  closed: '已结案',
};

/** The course of a case: when it was filed, last given to someone, resolved and closed, and what its resolution said. */
interface Course {
  filedAt: string;
  dispatchedAt?: string;
  resolvedAt?: string;
  resolutionNote?: string;
  closedAt?: string;
}

function courseOf(events: readonly CaseEvent[]): Course {
  let course: Course = { filedAt: '' };
  for (const event of events) {
    switch (event.type) {
      case 'ComplaintFiled':
        course = { filedAt: event.data.filedAt };
        break;
      case 'TaskDispatched':
        course = { filedAt: course.filedAt, dispatchedAt: event.data.dispatchedAt };
        break;
      case 'TaskRedoOrdered':
        course = { filedAt: course.filedAt, dispatchedAt: event.data.orderedAt };
        break;
      case 'TaskResolved':
        course = { ...course, resolvedAt: event.data.resolvedAt, resolutionNote: event.data.note, closedAt: undefined };
        break;
      case 'CaseClosed':
        course = { ...course, closedAt: event.data.closedAt };
        break;
      case 'CaseReopened':
        // A reopened case starts over from its filing: it is dispatched, resolved and closed again.
        course = { filedAt: course.filedAt };
        break;
    }
  }
  return course;
}

/** The folded case, or undefined when it was never filed. */
export function caseStateOf(events: readonly CaseEvent[]): CaseState | undefined {
  const state = foldCase([...events]);
  return state.status === 'not_filed' ? undefined : state;
}

/** Whether the resident asked for their personal data to be erased: then the case is no longer theirs to look up. */
export function residentWasErased(state: CaseState): boolean {
  return state.residentKey?.erasedAt !== undefined;
}

export function residentCaseOf(
  caseNumber: string,
  state: CaseState,
  events: readonly CaseEvent[],
  nameOf: (organisationId: string) => string | undefined,
): ResidentCase {
  const course = courseOf(events);
  const assignee = state.task?.assigneeOrganisationId;
  return {
    caseNumber,
    status: state.status,
    statusText: STATUS_FOR_RESIDENTS[state.status],
    category: state.category!,
    categoryText: CATEGORIES[state.category!],
    communityName: nameOf(state.communityId!) ?? '社区',
    ...(assignee === undefined ? {} : { handledBy: nameOf(assignee) ?? '承办单位' }),
    filedAt: course.filedAt,
    ...(course.dispatchedAt === undefined ? {} : { dispatchedAt: course.dispatchedAt }),
    ...(course.resolvedAt === undefined ? {} : { resolvedAt: course.resolvedAt }),
    ...(course.resolutionNote === undefined ? {} : { resolutionNote: maskPersonalNumbers(course.resolutionNote) }),
    ...(course.closedAt === undefined ? {} : { closedAt: course.closedAt }),
    ...(state.closedReason === undefined || state.status !== 'closed' ? {} : { closedReason: state.closedReason }),
    canRate: state.status === 'resolved',
  };
}
