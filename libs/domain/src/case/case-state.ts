import type { Tier } from '../shared/actor';
import type { Category, Urgency } from './category';
import type {
  Assignee,
  AssigneeKind,
  CaseEvent,
  ClosingReason,
  CouncilKind,
  EscalationReason,
  Jurisdiction,
  ReturnReason,
  RoutingOverride,
  TaskOrigin,
} from './case-events';
import { isEncrypted } from './case-events';
import type { Deadline, DeadlineKind, Duration, TaskDeadlines } from './deadlines';

export const CASE_STATUSES = [
  'not_filed',
  'filed',
  'duplicate',
  'awaiting_sign_for',
  'in_progress',
  'resolved',
  'awaiting_redo',
  'returned',
  'before_council',
  'council_decided',
  'closed',
] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];

/** Statuses in which the assignee's clocks run. */
export const TASK_RUNNING_STATUSES: readonly CaseStatus[] = ['awaiting_sign_for', 'in_progress'];

export interface TaskState {
  taskId: string;
  assigneeOrganisationId: string;
  assigneeKind: AssigneeKind;
  origin: TaskOrigin;
  signedFor: boolean;
  /** Only the deadlines not met yet. */
  deadlines: Partial<TaskDeadlines>;
  extensionRequest?: { requestedBy: string; extension: Duration; reason: string };
}

export interface CouncilState {
  kind: CouncilKind;
  councilId: string;
  question: string;
  decideBy: string;
  sessionId?: string;
  members?: string[];
  decision?: { text: string; assignee: Assignee; dueBy: string };
  timedOut: boolean;
}

export interface CaseState {
  status: CaseStatus;
  tier: Tier;
  caseId?: string;
  communityId?: string;
  compoundId?: string;
  building?: string;
  category?: Category;
  urgency?: Urgency;
  propertyCompanyId?: string;
  ownersCommitteeId?: string;
  jurisdiction?: Jurisdiction;
  routingOverride?: RoutingOverride;
  duplicateOf?: string;
  task?: TaskState;
  paused?: { since: string; reason: string };
  lastReturn?: { by: string; reason: ReturnReason };
  /** Distinct organisations that returned a task of this case. */
  returnedBy: string[];
  redoCount: number;
  unreachableCallBacks: number;
  /** Escalations for a reason that must not fire twice (overdue renews its deadlines instead). */
  escalatedFor: EscalationReason[];
  council?: CouncilState;
  closedReason?: ClosingReason;
  /** Whose key the resident's data is encrypted under, and when it was erased; absent when it was filed in clear. */
  residentKey?: { subjectId: string; keyId: string; erasedAt?: string };
}

export const initialCaseState: CaseState = {
  status: 'not_filed',
  tier: 'community',
  returnedBy: [],
  redoCount: 0,
  unreachableCallBacks: 0,
  escalatedFor: [],
};

export function evolveCase(state: CaseState, event: CaseEvent): CaseState {
  switch (event.type) {
    case 'ComplaintFiled': {
      const { caseId, location, category, urgency, propertyCompanyId, ownersCommitteeId, jurisdiction, routingOverride, personalData } = event.data;
      return {
        ...state,
        status: 'filed',
        caseId,
        communityId: location.communityId,
        compoundId: location.compoundId,
        building: location.building,
        category,
        urgency,
        propertyCompanyId,
        ownersCommitteeId,
        jurisdiction,
        routingOverride,
        ...(isEncrypted(personalData) ? { residentKey: { subjectId: personalData.subjectId, keyId: personalData.keyId } } : {}),
      };
    }
    case 'CaseLinkedAsDuplicate':
      return { ...state, status: 'duplicate', duplicateOf: event.data.primaryCaseId, task: undefined, paused: undefined };
    case 'CaseUnlinked':
      return { ...state, status: 'filed', duplicateOf: undefined };
    case 'TaskDispatched': {
      const { taskId, assigneeOrganisationId, assigneeKind, origin, deadlines } = event.data;
      return {
        ...state,
        status: 'awaiting_sign_for',
        paused: undefined,
        task: { taskId, assigneeOrganisationId, assigneeKind, origin, signedFor: false, deadlines: { ...deadlines } },
      };
    }
    case 'DeadlineReminderSent': {
      const { deadline, remindedAt, escalateAt } = event.data;
      return updateDeadline(state, deadline, (open) => ({ ...open, remindedAt, escalateAt }));
    }
    case 'TaskSignedFor':
      return withTask({ ...state, status: 'in_progress' }, (task) => ({ ...task, signedFor: true, deadlines: without(task.deadlines, 'sign_for') }));
    case 'ProgressReported':
      return withTask(state, (task) => ({ ...task, deadlines: without(task.deadlines, 'first_reply') }));
    case 'TaskResolved':
      return withTask({ ...state, status: 'resolved', paused: undefined }, (task) => ({ ...task, deadlines: {}, extensionRequest: undefined }));
    case 'EvidenceAttached':
      // Evidence informs whoever reads the case; it changes nothing the deciders or the center act on.
      return state;
    case 'TaskReturned': {
      const { returnedBy, reason } = event.data;
      return {
        ...state,
        status: 'returned',
        paused: undefined,
        lastReturn: { by: returnedBy, reason },
        returnedBy: state.returnedBy.includes(returnedBy) ? state.returnedBy : [...state.returnedBy, returnedBy],
      };
    }
    case 'ReturnRejected':
      return { ...state, status: state.task?.signedFor ? 'in_progress' : 'awaiting_sign_for', lastReturn: undefined };
    case 'ExtensionRequested': {
      const { requestedBy, extension, reason } = event.data;
      return withTask(state, (task) => ({ ...task, extensionRequest: { requestedBy, extension, reason } }));
    }
    case 'DeadlineExtended':
      return withTask(state, (task) => ({
        ...task,
        extensionRequest: undefined,
        deadlines: { ...task.deadlines, resolve: { ...event.data.resolve } },
      }));
    case 'ExtensionRefused':
      return withTask(state, (task) => ({ ...task, extensionRequest: undefined }));
    case 'ClockPaused':
      return { ...state, paused: { since: event.data.pausedAt, reason: event.data.reason } };
    case 'ClockResumed':
      return withTask({ ...state, paused: undefined }, (task) => ({ ...task, deadlines: renewed(task.deadlines, event.data.deadlines) }));
    case 'CaseEscalated': {
      const { toTier, reason, deadlines } = event.data;
      const escalated: CaseState = {
        ...state,
        tier: toTier,
        escalatedFor: reason === 'overdue' ? state.escalatedFor : [...state.escalatedFor, reason],
        council: reason === 'council_timeout' && state.council ? { ...state.council, timedOut: true } : state.council,
      };
      return deadlines ? withTask(escalated, (task) => ({ ...task, deadlines: renewed(task.deadlines, deadlines) })) : escalated;
    }
    case 'CaseReferredToCouncil': {
      const { council, councilId, question, decideBy } = event.data;
      return {
        ...state,
        status: 'before_council',
        task: undefined,
        paused: undefined,
        council: { kind: council, councilId, question, decideBy, timedOut: false },
      };
    }
    case 'CouncilSessionConvened':
      return {
        ...state,
        council: state.council && { ...state.council, sessionId: event.data.sessionId, members: [...event.data.members] },
      };
    case 'CouncilDecisionRecorded': {
      const { decision, assignee, dueBy } = event.data;
      return {
        ...state,
        status: 'council_decided',
        council: state.council && { ...state.council, decision: { text: decision, assignee, dueBy } },
      };
    }
    case 'CallBackRecorded':
      switch (event.data.outcome) {
        case 'satisfied':
          return state;
        case 'not_satisfied':
          return { ...state, status: 'awaiting_redo' };
        case 'unreachable':
          return { ...state, unreachableCallBacks: state.unreachableCallBacks + 1 };
      }
      break;
    case 'TaskRedoOrdered': {
      const { taskId, assigneeOrganisationId, deadlines, redoCount } = event.data;
      const previous = state.task;
      return {
        ...state,
        status: 'awaiting_sign_for',
        redoCount,
        task: {
          taskId,
          assigneeOrganisationId,
          assigneeKind: previous?.assigneeKind ?? 'property_company',
          origin: previous?.origin ?? 'complaint',
          signedFor: false,
          deadlines: { ...deadlines },
        },
      };
    }
    case 'CaseClosed':
      return { ...state, status: 'closed', closedReason: event.data.reason, paused: undefined };
    case 'CaseReopened':
      return { ...state, status: 'filed', closedReason: undefined, duplicateOf: undefined, task: undefined, council: undefined, unreachableCallBacks: 0 };
    case 'PersonalDataErased':
      return { ...state, residentKey: state.residentKey && { ...state.residentKey, erasedAt: event.data.erasedAt } };
  }
}

export function foldCase(events: readonly CaseEvent[], from: CaseState = initialCaseState): CaseState {
  return events.reduce(evolveCase, from);
}

function withTask(state: CaseState, change: (task: TaskState) => TaskState): CaseState {
  return state.task ? { ...state, task: change(state.task) } : state;
}

function updateDeadline(state: CaseState, kind: DeadlineKind, change: (open: Deadline) => Deadline): CaseState {
  return withTask(state, (task) => {
    const open = task.deadlines[kind];
    return open ? { ...task, deadlines: { ...task.deadlines, [kind]: change(open) } } : task;
  });
}

function without(deadlines: TaskState['deadlines'], kind: DeadlineKind): TaskState['deadlines'] {
  const { [kind]: _met, ...rest } = deadlines;
  return rest;
}

/** Replaces the open deadlines that were set anew, with the follow-up the new ones carry (none: it starts over). */
function renewed(open: TaskState['deadlines'], fresh: Partial<TaskDeadlines>): TaskState['deadlines'] {
  const result = { ...open };
  for (const kind of Object.keys(fresh) as DeadlineKind[]) {
    if (result[kind]) result[kind] = { ...fresh[kind]! };
  }
  return result;
}
