/**
 * A resolved case called back (by the community's staff, or rated by the resident on their own page)
 * and closed, or redone when the resident is not satisfied; a case withdrawn, merged into another,
 * closed with a ruling by a supervising tier, and reopened.
 */
import { refuse } from '../../shared/domain-error';
import { isResidentOf, requireCommunityStaff, requireHandlingTier, requireSupervisingOfficer } from '../authorisation';
import type { CloseWithRuling, MergeCase, OrderRedo, RecordCallBack, ReopenCase, UnmergeCase, WithdrawComplaint } from '../case-commands';
import type { CaseEvent } from '../case-events';
import type { CaseState } from '../case-state';
import { freshDeadlines, type CaseClock } from '../deadlines';
import { requireStatus, requireText } from './preconditions';

/** A resident who cannot be reached after this many call-backs closes the case as unreachable. */
export const UNREACHABLE_CALL_BACKS_BEFORE_CLOSING = 3;

export function recordCallBack(command: RecordCallBack, state: CaseState): CaseEvent[] {
  const byResident = isResidentOf(command.actor, state);
  if (!byResident) requireCommunityStaff(command.actor, state.communityId, `only staff of community ${state.communityId} or the case’s resident may record its call-back`);
  requireStatus(state, ['resolved'], 'called back');
  const { outcome, rating, note, at } = command;
  if (byResident && outcome === 'unreachable') refuse('invalid', 'a resident answering on their own page is not unreachable');
  if (outcome === 'unreachable') {
    if (rating !== undefined) refuse('invalid', 'an unreachable resident gives no rating');
  } else if (rating === undefined || !Number.isInteger(rating) || rating < 1 || rating > 5) {
    refuse('invalid', 'rating must be a whole number from 1 to 5');
  }
  const callBack: CaseEvent = {
    type: 'CallBackRecorded',
    data: { outcome, ...(rating === undefined ? {} : { rating }), ...(note === undefined ? {} : { note }), calledBackAt: at },
  };
  if (outcome === 'satisfied') return [callBack, { type: 'CaseClosed', data: { reason: 'resident_satisfied', closedAt: at } }];
  if (outcome === 'unreachable' && state.unreachableCallBacks + 1 >= UNREACHABLE_CALL_BACKS_BEFORE_CLOSING) {
    return [callBack, { type: 'CaseClosed', data: { reason: 'resident_unreachable', closedAt: at } }];
  }
  return [callBack];
}

export function orderRedo(command: OrderRedo, state: CaseState, clock: CaseClock): CaseEvent[] {
  requireStatus(state, ['awaiting_redo'], 'redone');
  requireHandlingTier(command.actor, state);
  const task = state.task!;
  return [
    {
      type: 'TaskRedoOrdered',
      data: {
        taskId: task.taskId,
        assigneeOrganisationId: task.assigneeOrganisationId,
        redoCount: state.redoCount + 1,
        deadlines: freshDeadlines(state, clock, command.at),
        orderedAt: command.at,
      },
    },
  ];
}

export function withdrawComplaint(command: WithdrawComplaint, state: CaseState): CaseEvent[] {
  requireCommunityStaff(command.actor, state.communityId);
  requireText(command.note, 'a withdrawal needs a note of what the resident said');
  return [{ type: 'CaseClosed', data: { reason: 'withdrawn', note: command.note, closedAt: command.at } }];
}

export function mergeCase(command: MergeCase, state: CaseState): CaseEvent[] {
  requireCommunityStaff(command.actor, state.communityId);
  requireStatus(state, ['filed', 'awaiting_sign_for'], 'merged into another case');
  if (command.primaryCaseId === state.caseId) refuse('invalid', 'a case cannot be merged into itself');
  return [{ type: 'CaseLinkedAsDuplicate', data: { primaryCaseId: command.primaryCaseId, linkedAt: command.at } }];
}

export function unmergeCase(command: UnmergeCase, state: CaseState): CaseEvent[] {
  requireCommunityStaff(command.actor, state.communityId);
  requireStatus(state, ['duplicate'], 'unmerged');
  return [{ type: 'CaseUnlinked', data: { primaryCaseId: state.duplicateOf!, unlinkedAt: command.at } }];
}

export function closeWithRuling(command: CloseWithRuling, state: CaseState): CaseEvent[] {
  if (state.tier === 'community') refuse('conflict', 'only a supervising tier (street or district) closes a case with a ruling');
  requireHandlingTier(command.actor, state);
  requireText(command.ruling, 'a ruling needs its text');
  return [{ type: 'CaseClosed', data: { reason: 'ruling', note: command.ruling, closedAt: command.at } }];
}

export function reopenCase(command: ReopenCase, state: CaseState): CaseEvent[] {
  requireStatus(state, ['closed'], 'reopened');
  requireSupervisingOfficer(command.actor, state);
  requireText(command.reason, 'reopening needs a reason');
  return [{ type: 'CaseReopened', data: { reason: command.reason, reopenedAt: command.at } }];
}
