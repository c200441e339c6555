/**
 * When a case is escalated one tier: the one place that says so. The center's process asks which
 * escalation is due (`dueEscalation`); the decider refuses an EscalateCase that is not
 * (`requireDueEscalation`). Both read the same causes below.
 */
import type { Tier } from '../shared/actor';
import { refuse } from '../shared/domain-error';
import type { EscalationReason } from './case-events';
import { TASK_RUNNING_STATUSES, type CaseState } from './case-state';
import { tierAbove } from './routing';

/** Redos, or distinct parties returning the case, that make it escalate (as real hotlines do). */
export const REPEATS_BEFORE_ESCALATION = 3;

interface EscalationCause {
  isDue(state: CaseState, now: number): boolean;
  /** Why an escalation for this cause is refused when it is not due. */
  notDue(state: CaseState): string;
}

/**
 * Every cause but `overdue` escalates a case once (the state records it in `escalatedFor`): an
 * overdue case escalates again if it misses the fresh deadlines the tier above gave it.
 */
const CAUSES: Record<EscalationReason, EscalationCause> = {
  council_timeout: {
    isDue: ({ status, council }, now) => status === 'before_council' && council !== undefined && !council.timedOut && now >= Date.parse(council.decideBy),
    notDue: (state) => `case ${state.caseId} has no council decision overdue`,
  },
  returned_three_times: {
    isDue: (state) => state.returnedBy.length >= REPEATS_BEFORE_ESCALATION && !state.escalatedFor.includes('returned_three_times'),
    notDue: (state) => `case ${state.caseId} was returned by ${state.returnedBy.length} parties`,
  },
  redone_three_times: {
    isDue: (state) => state.redoCount >= REPEATS_BEFORE_ESCALATION && !state.escalatedFor.includes('redone_three_times'),
    notDue: (state) => `case ${state.caseId} was redone ${state.redoCount} times`,
  },
  overdue: {
    // A deadline is overdue once its reminder went unheeded for the follow-up's time; a paused clock stands still.
    isDue: (state, now) =>
      TASK_RUNNING_STATUSES.includes(state.status) &&
      !state.paused &&
      Object.values(state.task?.deadlines ?? {}).some((open) => open.escalateAt !== undefined && now >= Date.parse(open.escalateAt)),
    notDue: (state) => `case ${state.caseId} has no deadline overdue past its follow-up`,
  },
};

/** When several causes are due at once, the center escalates for the most serious. */
const MOST_SERIOUS_FIRST: readonly EscalationReason[] = ['council_timeout', 'returned_three_times', 'redone_three_times', 'overdue'];

/** Why a case cannot be escalated for any cause, if it cannot. */
function whyNotEscalable(state: CaseState): string | undefined {
  if (!tierAbove(state.tier)) return `case ${state.caseId} is already at the district, the highest tier`;
  if (!state.jurisdiction) return `case ${state.caseId} was filed without its street and district and cannot be escalated`;
  return undefined;
}

export function canBeEscalated(state: CaseState): boolean {
  return whyNotEscalable(state) === undefined;
}

/** The escalation due on the case at `now` (ms since the epoch), if any. */
export function dueEscalation(state: CaseState, now: number): EscalationReason | undefined {
  if (!canBeEscalated(state) || state.status === 'closed') return undefined;
  return MOST_SERIOUS_FIRST.find((reason) => CAUSES[reason].isDue(state, now));
}

/** Refuses an escalation the case does not call for at `at`; else gives the tier it goes to. */
export function requireDueEscalation(reason: EscalationReason, state: CaseState, at: string): Tier {
  const refusal = whyNotEscalable(state);
  if (refusal !== undefined) refuse('conflict', refusal);
  const cause = CAUSES[reason];
  if (!cause.isDue(state, Date.parse(at))) refuse('conflict', cause.notDue(state));
  return tierAbove(state.tier)!;
}
