/** The center escalating a case one tier, when escalation.ts says a cause is due. */
import { requireSystem } from '../authorisation';
import type { EscalateCase } from '../case-commands';
import type { CaseEvent } from '../case-events';
import { TASK_RUNNING_STATUSES, type CaseState } from '../case-state';
import { renewedDeadlines, type CaseClock } from '../deadlines';
import { requireDueEscalation } from '../escalation';
import { handlingOrganisation } from '../routing';

export function escalateCase(command: EscalateCase, state: CaseState, clock: CaseClock): CaseEvent[] {
  requireSystem(command.actor);
  const { at } = command;
  const toTier = requireDueEscalation(command.reason, state, at);
  const running = TASK_RUNNING_STATUSES.includes(state.status) && state.task !== undefined;
  return [
    {
      type: 'CaseEscalated',
      data: {
        fromTier: state.tier,
        toTier,
        reason: command.reason,
        supervisorOrganisationId: handlingOrganisation({ ...state, tier: toTier })!,
        ...(running ? { deadlines: renewedDeadlines(state, clock, toTier, at) } : {}),
        escalatedAt: at,
      },
    },
  ];
}
