/** A task given to an assignee, and what the assignee and the handling tier do with it until it is resolved. */
import { refuse } from '../../shared/domain-error';
import { requireAssignee, requireCommunityStaff, requireHandlingTier, requireSystem } from '../authorisation';
import type {
  AttachEvidence,
  DispatchTask,
  RedispatchTask,
  RejectReturn,
  ReportProgress,
  ResolveTask,
  ReturnTask,
  SendReminder,
  SignForTask,
} from '../case-commands';
import type { CaseEvent } from '../case-events';
import { TASK_RUNNING_STATUSES, type CaseState } from '../case-state';
import { councilDecisionDeadlines, escalateAtAfterReminder, freshDeadlines, type CaseClock } from '../deadlines';
import { recordedServices, requireServesCompound, routeTask } from '../routing';
import { isBefore, requireEvidence, requireStatus, requireText } from './preconditions';

export function dispatchTask(command: DispatchTask, state: CaseState, clock: CaseClock): CaseEvent[] {
  requireStatus(state, ['filed', 'returned', 'council_decided'], 'dispatched');
  requireHandlingTier(command.actor, state);
  if (state.status === 'returned' && state.lastReturn?.reason !== 'needs_owners_decision') {
    refuse('conflict', `a task returned as ${state.lastReturn?.reason} is re-dispatched by staff with a reason`);
  }
  const { at } = command;
  const { assignee, origin } = routeTask(state, command.compound);
  return [
    {
      type: 'TaskDispatched',
      data: {
        taskId: command.taskId,
        assigneeOrganisationId: assignee.organisationId,
        assigneeKind: assignee.kind,
        origin,
        ...(state.status === 'filed' && state.routingOverride ? { reason: state.routingOverride.reason } : {}),
        deadlines:
          origin === 'council_decision' ? councilDecisionDeadlines(state, clock, at, state.council!.decision!.dueBy) : freshDeadlines(state, clock, at),
        dispatchedAt: at,
      },
    },
  ];
}

export function redispatchTask(command: RedispatchTask, state: CaseState, clock: CaseClock): CaseEvent[] {
  requireStatus(state, ['filed', 'awaiting_sign_for', 'in_progress', 'returned', 'awaiting_redo', 'before_council', 'council_decided'], 're-dispatched');
  requireHandlingTier(command.actor, state);
  requireText(command.reason, 'a re-dispatch needs a reason');
  requireServesCompound(command.assignee, command.compound ?? recordedServices(state), state.compoundId!);
  return [
    {
      type: 'TaskDispatched',
      data: {
        taskId: command.taskId,
        assigneeOrganisationId: command.assignee.organisationId,
        assigneeKind: command.assignee.kind,
        origin: 'redispatch',
        reason: command.reason,
        deadlines: freshDeadlines(state, clock, command.at),
        dispatchedAt: command.at,
      },
    },
  ];
}

export function sendReminder(command: SendReminder, state: CaseState, clock: CaseClock): CaseEvent[] {
  requireSystem(command.actor);
  requireStatus(state, TASK_RUNNING_STATUSES, 'reminded');
  if (state.paused) refuse('conflict', `the clock of case ${state.caseId} is paused`);
  const { at } = command;
  const task = state.task!;
  const open = task.deadlines[command.deadline];
  if (!open) refuse('conflict', `the ${command.deadline} deadline of task ${task.taskId} is met or not set`);
  if (open.remindedAt) refuse('conflict', `the ${command.deadline} deadline of task ${task.taskId} was already reminded`);
  if (isBefore(at, open.remindAt)) refuse('conflict', `the ${command.deadline} reminder is not due until ${open.remindAt}`);
  return [
    {
      type: 'DeadlineReminderSent',
      data: {
        taskId: task.taskId,
        assigneeOrganisationId: task.assigneeOrganisationId,
        deadline: command.deadline,
        due: open.due,
        escalateAt: escalateAtAfterReminder(state, clock, at),
        remindedAt: at,
      },
    },
  ];
}

export function signForTask(command: SignForTask, state: CaseState): CaseEvent[] {
  const task = requireAssignee(command.actor, state);
  requireStatus(state, ['awaiting_sign_for'], 'signed for');
  return [{ type: 'TaskSignedFor', data: { taskId: task.taskId, signedForAt: command.at } }];
}

export function reportProgress(command: ReportProgress, state: CaseState): CaseEvent[] {
  const task = requireAssignee(command.actor, state);
  requireStatus(state, ['in_progress'], 'reported on');
  requireText(command.note, 'a progress report needs a note');
  const evidence = requireEvidence(command.evidence);
  return [{ type: 'ProgressReported', data: { taskId: task.taskId, note: command.note, evidence, reportedAt: command.at } }];
}

export function resolveTask(command: ResolveTask, state: CaseState): CaseEvent[] {
  const task = requireAssignee(command.actor, state);
  if (state.status === 'awaiting_sign_for') refuse('conflict', `task ${task.taskId} must be signed for before it is resolved`);
  requireStatus(state, ['in_progress'], 'resolved');
  requireText(command.note, 'a resolution needs a note saying what was done');
  const evidence = requireEvidence(command.evidence);
  return [{ type: 'TaskResolved', data: { taskId: task.taskId, note: command.note, evidence, resolvedAt: command.at } }];
}

export function attachEvidence(command: AttachEvidence, state: CaseState): CaseEvent[] {
  // Whatever stage the case is at, the staff who took the complaint may add the photos that back
  // it: the resident may bring more later. A closed case takes none (refused by decideCase), as it takes no upload.
  requireCommunityStaff(command.actor, state.communityId);
  const evidence = requireEvidence(command.evidence);
  if (evidence.length === 0) refuse('invalid', 'attaching evidence needs at least one photo');
  const { note } = command;
  if (note !== undefined) requireText(note, 'a note to the photos must not be blank; leave it out instead');
  return [{ type: 'EvidenceAttached', data: { evidence, ...(note === undefined ? {} : { note }), attachedAt: command.at } }];
}

export function returnTask(command: ReturnTask, state: CaseState): CaseEvent[] {
  const { actor } = command;
  const task = requireAssignee(actor, state);
  requireStatus(state, TASK_RUNNING_STATUSES, 'returned');
  requireText(command.note, 'a return needs a note explaining it');
  if (command.reason === 'needs_owners_decision' && task.assigneeKind === 'owners_committee') {
    refuse('invalid', 'the owners committee is the one to take owners decisions; return it for another reason');
  }
  return [
    {
      type: 'TaskReturned',
      data: { taskId: task.taskId, returnedBy: actor.organisationId, reason: command.reason, note: command.note, returnedAt: command.at },
    },
  ];
}

export function rejectReturn(command: RejectReturn, state: CaseState): CaseEvent[] {
  requireStatus(state, ['returned'], 'sent back to its assignee');
  requireHandlingTier(command.actor, state);
  requireText(command.reason, 'rejecting a return needs a reason');
  const task = state.task!;
  return [
    {
      type: 'ReturnRejected',
      data: { taskId: task.taskId, assigneeOrganisationId: task.assigneeOrganisationId, reason: command.reason, rejectedAt: command.at },
    },
  ];
}
