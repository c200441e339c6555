import type {
  CallBackRecorded,
  CaseEscalated,
  CaseEvent,
  CaseReferredToCouncil,
  ClockPaused,
  ComplaintFiled,
  CouncilDecisionRecorded,
  CouncilSessionConvened,
  DeadlineReminderSent,
  ProgressReported,
  ReturnReason,
  TaskDispatched,
  TaskRedoOrdered,
  TaskResolved,
} from '../case-events';
import type { TaskDeadlines } from '../deadlines';
import { complaintFiled, ids } from './case-fixtures';

// ---------------------------------------------------------------------------------------------
// The history of an elevator complaint (电梯故障, normal urgency) in 北辰奥园, 湘源社区.
// Times are UTC; China is UTC+8 (Monday 2026-03-02 01:00Z is 09:00 in China).
// ---------------------------------------------------------------------------------------------

export const filed = complaintFiled();

/** Dispatched Monday 2026-03-02 09:00 in China: sign for in 2 h, resolve in 24 h, first reply by the end of the next working day. */
export const DISPATCHED_AT = '2026-03-02T01:00:00.000Z';
export const elevatorDeadlines: TaskDeadlines = {
  sign_for: { due: '2026-03-02T03:00:00.000Z', unit: 'hours', remindAt: '2026-03-03T15:59:59.999Z' },
  first_reply: { due: '2026-03-03T15:59:59.999Z', unit: 'working_days', remindAt: '2026-03-04T15:59:59.999Z' },
  resolve: { due: '2026-03-03T01:00:00.000Z', unit: 'hours', remindAt: '2026-03-04T15:59:59.999Z' },
};
export const dispatched: TaskDispatched = {
  type: 'TaskDispatched',
  data: {
    taskId: 'task-1',
    assigneeOrganisationId: ids.company,
    assigneeKind: 'property_company',
    origin: 'complaint',
    deadlines: elevatorDeadlines,
    dispatchedAt: DISPATCHED_AT,
  },
};
export const signedFor: CaseEvent = { type: 'TaskSignedFor', data: { taskId: 'task-1', signedForAt: '2026-03-02T02:00:00.000Z' } };
export const progressReported: ProgressReported = {
  type: 'ProgressReported',
  data: { taskId: 'task-1', note: '维保人员已到场，等待主板配件', evidence: [], reportedAt: '2026-03-02T05:00:00.000Z' },
};
export const resolved: TaskResolved = {
  type: 'TaskResolved',
  data: { taskId: 'task-1', note: '更换主板，电梯已恢复运行', evidence: [], resolvedAt: '2026-03-02T08:00:00.000Z' },
};
export const notSatisfied: CallBackRecorded = {
  type: 'CallBackRecorded',
  data: { outcome: 'not_satisfied', rating: 2, note: '电梯仍有异响', calledBackAt: '2026-03-03T02:00:00.000Z' },
};
export const unreachable = (calledBackAt: string): CallBackRecorded => ({ type: 'CallBackRecorded', data: { outcome: 'unreachable', calledBackAt } });
export const closed = (reason: 'resident_satisfied' | 'withdrawn' = 'resident_satisfied'): CaseEvent => ({
  type: 'CaseClosed',
  data: { reason, closedAt: '2026-03-04T02:00:00.000Z' },
});
export const returned = (reason: ReturnReason, by: string = ids.company, taskId = 'task-1', returnedAt = '2026-03-02T03:00:00.000Z'): CaseEvent => ({
  type: 'TaskReturned',
  data: { taskId, returnedBy: by, reason, note: '退单说明', returnedAt },
});
/** A task given to someone else by the handling tier (its deadlines as the community gives them on Monday morning). */
export const redispatched = (taskId: string, organisationId: string, kind: 'property_company' | 'owners_committee' = 'property_company'): TaskDispatched => ({
  type: 'TaskDispatched',
  data: {
    taskId,
    assigneeOrganisationId: organisationId,
    assigneeKind: kind,
    origin: 'redispatch',
    reason: '改派',
    deadlines: elevatorDeadlines,
    dispatchedAt: DISPATCHED_AT,
  },
});
export const paused: ClockPaused = { type: 'ClockPaused', data: { taskId: 'task-1', reason: '等待业主在家开门', pausedAt: '2026-03-02T01:30:00.000Z' } };
export const extensionRequested: CaseEvent = {
  type: 'ExtensionRequested',
  data: { taskId: 'task-1', requestedBy: ids.company, extension: { workingDays: 2 }, reason: '主板配件需从厂家调货', requestedAt: '2026-03-02T06:00:00.000Z' },
};
export const linked: CaseEvent = { type: 'CaseLinkedAsDuplicate', data: { primaryCaseId: 'case-0', linkedAt: '2026-03-02T00:30:00.000Z' } };

/** The resolve deadline reminded on Thursday 2026-03-05 00:00 in China: escalation 5 working days later, end of Thursday 03-12. */
export const resolveReminded: DeadlineReminderSent = {
  type: 'DeadlineReminderSent',
  data: {
    taskId: 'task-1',
    assigneeOrganisationId: ids.company,
    deadline: 'resolve',
    due: '2026-03-03T01:00:00.000Z',
    escalateAt: '2026-03-12T15:59:59.999Z',
    remindedAt: '2026-03-04T16:00:00.000Z',
  },
};

/**
 * Escalated to the street on Friday 2026-03-13 09:00 in China, the task signed for: the street gives what is
 * still open its own limits (first reply 1 working day, resolve 5 working days).
 */
export const ESCALATED_AT = '2026-03-13T01:00:00.000Z';
export const escalatedToStreet: CaseEscalated = {
  type: 'CaseEscalated',
  data: {
    fromTier: 'community',
    toTier: 'street',
    reason: 'overdue',
    supervisorOrganisationId: ids.street,
    deadlines: {
      first_reply: { due: '2026-03-16T15:59:59.999Z', unit: 'working_days', remindAt: '2026-03-17T15:59:59.999Z' },
      resolve: { due: '2026-03-20T15:59:59.999Z', unit: 'working_days', remindAt: '2026-03-23T15:59:59.999Z' },
    },
    escalatedAt: ESCALATED_AT,
  },
};
export const escalatedToDistrict: CaseEscalated = {
  type: 'CaseEscalated',
  data: { fromTier: 'street', toTier: 'district', reason: 'overdue', supervisorOrganisationId: ids.district, escalatedAt: '2026-03-23T16:00:00.000Z' },
};

/** Referred to the property council on Wednesday 2026-03-04 10:00 in China: it has 10 working days, until the end of 03-18. */
export const referred: CaseReferredToCouncil = {
  type: 'CaseReferredToCouncil',
  data: {
    council: 'property_council',
    councilId: ids.propertyCouncil,
    question: '3幢电梯维保责任属于北辰奥园物业还是卧城印象物业？',
    decideBy: '2026-03-18T15:59:59.999Z',
    referredAt: '2026-03-04T02:00:00.000Z',
  },
};
export const convened: CouncilSessionConvened = {
  type: 'CouncilSessionConvened',
  data: {
    councilId: ids.propertyCouncil,
    sessionId: 'session-1',
    members: [ids.company, ids.neighbourCompany],
    scheduledFor: '2026-03-10T06:00:00.000Z',
    convenedAt: '2026-03-05T02:00:00.000Z',
  },
};
export const decided: CouncilDecisionRecorded = {
  type: 'CouncilDecisionRecorded',
  data: {
    councilId: ids.propertyCouncil,
    sessionId: 'session-1',
    decision: '由北辰奥园物业负责维修3幢电梯',
    assignee: { organisationId: ids.company, kind: 'property_company' },
    dueBy: '2026-03-20T10:00:00.000Z',
    vote: { for: 5, against: 1, abstain: 0 },
    decidedAt: '2026-03-10T08:00:00.000Z',
  },
};
/** The history of a case put before the property council after a disputed return. */
export const beforeCouncil = [filed, dispatched, signedFor, returned('disputed_responsibility'), referred];

/** One round of redo: signed for, resolved, the resident not satisfied, redo number n ordered. */
export function redoRound(n: number): CaseEvent[] {
  const taskRedone: TaskRedoOrdered = {
    type: 'TaskRedoOrdered',
    data: { taskId: 'task-1', assigneeOrganisationId: ids.company, redoCount: n, deadlines: elevatorDeadlines, orderedAt: DISPATCHED_AT },
  };
  return [signedFor, resolved, notSatisfied, taskRedone];
}

/** Fresh limits a street officer sets on Monday 2026-03-16 09:00 in China: sign for in 2 h, first reply 1 working day, resolve 5. */
export const MONDAY_16 = '2026-03-16T01:00:00.000Z';
export const streetDeadlinesOnMonday16: TaskDeadlines = {
  sign_for: { due: '2026-03-16T03:00:00.000Z', unit: 'hours', remindAt: '2026-03-17T15:59:59.999Z' },
  first_reply: { due: '2026-03-17T15:59:59.999Z', unit: 'working_days', remindAt: '2026-03-18T15:59:59.999Z' },
  resolve: { due: '2026-03-23T15:59:59.999Z', unit: 'working_days', remindAt: '2026-03-24T15:59:59.999Z' },
};

export const withoutCommittee = (): ComplaintFiled => {
  const { ownersCommitteeId: _none, ...data } = complaintFiled().data;
  return { type: 'ComplaintFiled', data };
};
/** Filed before schema version 3: no owners' committee, no street and district. */
export const legacyFiled = (): ComplaintFiled => {
  const { ownersCommitteeId: _none, jurisdiction: _unknown, ...data } = complaintFiled().data;
  return { type: 'ComplaintFiled', data };
};

