/** A matter referred to one of the street's councils, put before its session, and decided. */
import { refuse } from '../../shared/domain-error';
import { requireCouncilSecretary, requireHandlingTier } from '../authorisation';
import type { ConveneCouncilSession, RecordCouncilDecision, ReferToCouncil } from '../case-commands';
import type { CaseEvent } from '../case-events';
import type { CaseState } from '../case-state';
import { councilDecideBy, type CaseClock } from '../deadlines';
import { recordedServices, servesCompound } from '../routing';
import { isBefore, requireStatus, requireText } from './preconditions';

export function referToCouncil(command: ReferToCouncil, state: CaseState, clock: CaseClock): CaseEvent[] {
  requireStatus(state, ['filed', 'awaiting_sign_for', 'in_progress', 'returned', 'awaiting_redo', 'resolved'], 'referred to a council');
  requireHandlingTier(command.actor, state);
  requireText(command.question, 'a referral needs the question the council is to decide');
  const councilId = command.councilId ?? state.jurisdiction?.councils[command.council];
  if (!councilId) refuse('conflict', `no ${command.council.replace('_', ' ')} sits for the street of case ${state.caseId}`);
  return [
    {
      type: 'CaseReferredToCouncil',
      data: {
        council: command.council,
        councilId,
        question: command.question,
        decideBy: councilDecideBy(clock, command.at),
        referredAt: command.at,
      },
    },
  ];
}

export function conveneCouncilSession(command: ConveneCouncilSession, state: CaseState): CaseEvent[] {
  requireStatus(state, ['before_council'], 'put before a council session');
  const council = requireCouncilSecretary(command.actor, state);
  if (command.members.length === 0) refuse('invalid', 'a council session needs its members');
  if (isBefore(command.scheduledFor, command.at)) refuse('invalid', 'a session cannot be scheduled in the past');
  return [
    {
      type: 'CouncilSessionConvened',
      data: { councilId: council.councilId, sessionId: command.sessionId, members: command.members, scheduledFor: command.scheduledFor, convenedAt: command.at },
    },
  ];
}

export function recordCouncilDecision(command: RecordCouncilDecision, state: CaseState): CaseEvent[] {
  requireStatus(state, ['before_council'], 'decided by a council');
  const council = requireCouncilSecretary(command.actor, state);
  if (!council.sessionId) refuse('conflict', `no session of council ${council.councilId} has been convened for case ${state.caseId}`);
  requireText(command.decision, 'a decision needs its text: who does what');
  if (!isBefore(command.at, command.dueBy)) refuse('invalid', 'a decision is due after it is taken');
  const { vote } = command;
  if (vote && !(vote.for > vote.against)) refuse('invalid', `a vote of ${vote.for} for and ${vote.against} against carries no decision`);
  // A council may settle a dispute on one of its members, say the company next door; no one outside it and the compound.
  if (!servesCompound(command.assignee, command.compound ?? recordedServices(state)) && !council.members?.includes(command.assignee.organisationId)) {
    refuse('invalid', `${command.assignee.organisationId} neither serves compound ${state.compoundId} nor sits on council ${council.councilId}`);
  }
  return [
    {
      type: 'CouncilDecisionRecorded',
      data: {
        councilId: council.councilId,
        sessionId: council.sessionId,
        decision: command.decision,
        assignee: command.assignee,
        dueBy: command.dueBy,
        ...(vote ? { vote } : {}),
        decidedAt: command.at,
      },
    },
  ];
}
