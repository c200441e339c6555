import type { Actor } from '../shared/actor';
import type { CaseCommand, CaseCommandType, FileComplaint } from './case-commands';
import type { CouncilKind, EscalationReason } from './case-events';
import type { CaseState } from './case-state';
import { DEADLINE_KINDS, type DeadlineKind } from './deadlines';
import { canBeEscalated, dueEscalation } from './escalation';

/**
 * What the center does next on a case, given its state and the time: the policy the case
 * workflow carries out. This is where a case is moved on: dispatched, reminded, escalated one tier
 * (when, escalation.ts says), referred to a council, redone. The step either issues a command, waits (until an instant, or for
 * the next event), or stops because the case is closed.
 */
export type CaseStep =
  | { kind: 'issue'; command: CenterCommand }
  | { kind: 'wait'; until?: string }
  | { kind: 'finished' };

export type CenterCommand =
  | { type: Extract<CaseCommandType, 'DispatchTask' | 'OrderRedo'> }
  | { type: 'SendReminder'; deadline: DeadlineKind }
  | { type: 'EscalateCase'; reason: EscalationReason }
  | { type: 'ReferToCouncil'; council: CouncilKind };

export function nextCaseStep(state: CaseState, now: number): CaseStep {
  const escalation = dueEscalation(state, now);
  if (escalation) return issue({ type: 'EscalateCase', reason: escalation });

  switch (state.status) {
    case 'closed':
      return { kind: 'finished' };
    case 'filed':
    case 'council_decided':
      return issue({ type: 'DispatchTask' });
    case 'awaiting_redo':
      return issue({ type: 'OrderRedo' });
    case 'returned':
      return afterReturn(state);
    case 'before_council':
      return state.council!.timedOut || !canBeEscalated(state) ? { kind: 'wait' } : { kind: 'wait', until: state.council!.decideBy };
    case 'awaiting_sign_for':
    case 'in_progress':
      return followUpDeadlines(state, now);
    case 'not_filed':
    case 'duplicate':
    case 'resolved':
      return { kind: 'wait' };
  }
}

/**
 * A responsibility disputed by a company goes to the property council, by an owners' committee to
 * the owners'-committee council; a task needing the owners' decision goes to their committee.
 */
function afterReturn(state: CaseState): CaseStep {
  switch (state.lastReturn?.reason) {
    case 'disputed_responsibility':
      return issue({ type: 'ReferToCouncil', council: state.task?.assigneeKind === 'owners_committee' ? 'owners_council' : 'property_council' });
    case 'needs_owners_decision':
      return issue({ type: 'DispatchTask' });
    default:
      // Wrongly routed: the community re-dispatches it, or rejects the return.
      return { kind: 'wait' };
  }
}

/** A missed deadline is reminded once; the escalation after it is decided in escalation.ts. */
function followUpDeadlines(state: CaseState, now: number): CaseStep {
  if (state.paused) return { kind: 'wait' };
  const deadlines = state.task?.deadlines ?? {};
  let next: number | undefined;
  for (const kind of DEADLINE_KINDS) {
    const open = deadlines[kind];
    if (!open) continue;
    if (!open.remindedAt) {
      if (now >= Date.parse(open.remindAt)) return issue({ type: 'SendReminder', deadline: kind });
      next = Math.min(next ?? Infinity, Date.parse(open.remindAt));
    } else if (open.escalateAt && canBeEscalated(state)) {
      next = Math.min(next ?? Infinity, Date.parse(open.escalateAt));
    }
  }
  return next === undefined ? { kind: 'wait' } : { kind: 'wait', until: new Date(next).toISOString() };
}

function issue(command: CenterCommand): CaseStep {
  return { kind: 'issue', command };
}

/** The question the center puts to a council when an assignee disputes its responsibility. */
export const DISPUTED_RESPONSIBILITY_QUESTION = '承办单位对责任有异议，请联席会议定由谁办理 (the assignee disputes its responsibility)';

/** The command the center issues for a step, as the center (`actor`) at `at`; `taskId` names a task it dispatches. */
export function commandOfStep(command: CenterCommand, caseId: string, actor: Actor, at: string, taskId: string): Exclude<CaseCommand, FileComplaint> {
  const base = { caseId, actor, at };
  switch (command.type) {
    case 'DispatchTask':
      return { ...base, type: 'DispatchTask', taskId };
    case 'OrderRedo':
      return { ...base, type: 'OrderRedo' };
    case 'SendReminder':
      return { ...base, type: 'SendReminder', deadline: command.deadline };
    case 'EscalateCase':
      return { ...base, type: 'EscalateCase', reason: command.reason };
    case 'ReferToCouncil':
      return { ...base, type: 'ReferToCouncil', council: command.council, question: DISPUTED_RESPONSIBILITY_QUESTION };
  }
}
