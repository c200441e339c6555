import type { Actor } from '../shared/actor';
import { refuse } from '../shared/domain-error';
import type { CaseCommand, FileComplaint } from './case-commands';
import type { CaseEvent } from './case-events';
import type { CaseState, CaseStatus, TaskState } from './case-state';
import { deadlinesFrom } from './deadline-policy';

/** Decides which events a command produces on a case, or refuses it with a DomainError. */
export function decideCase(command: CaseCommand, state: CaseState): CaseEvent[] {
  if (command.type !== 'FileComplaint' && state.status === 'not_filed') {
    refuse('not_found', `case ${command.caseId} does not exist`);
  }
  switch (command.type) {
    case 'FileComplaint':
      return fileComplaint(command, state);

    case 'DispatchTask': {
      requireStatus(state, ['filed'], 'dispatched');
      requireCenterOrCommunity(command.actor, state);
      const assigneeOrganisationId = state.propertyCompanyId!;
      return [
        {
          type: 'TaskDispatched',
          data: {
            taskId: command.taskId,
            assigneeOrganisationId,
            ...deadlinesFrom(command.at, command.policy[state.category!]),
            dispatchedAt: command.at,
          },
        },
      ];
    }

    case 'SendSignForReminder': {
      requireStatus(state, ['awaiting_sign_for'], 'reminded to sign for');
      requireCenterOrCommunity(command.actor, state);
      const task = state.task!;
      if (Date.parse(command.at) < Date.parse(task.signForBy)) {
        refuse('conflict', `task ${task.taskId} is not overdue for sign-for until ${task.signForBy}`);
      }
      if (task.signForRemindersSent > 0) refuse('conflict', `task ${task.taskId} was already reminded`);
      return [
        {
          type: 'SignForReminderSent',
          data: {
            taskId: task.taskId,
            assigneeOrganisationId: task.assigneeOrganisationId,
            signForBy: task.signForBy,
            remindedAt: command.at,
          },
        },
      ];
    }

    case 'SignForTask': {
      const task = requireAssignee(command.actor, state);
      requireStatus(state, ['awaiting_sign_for'], 'signed for');
      return [{ type: 'TaskSignedFor', data: { taskId: task.taskId, signedForAt: command.at } }];
    }

    case 'ResolveTask': {
      const task = requireAssignee(command.actor, state);
      if (state.status === 'awaiting_sign_for') refuse('conflict', `task ${task.taskId} must be signed for before it is resolved`);
      requireStatus(state, ['in_progress'], 'resolved');
      if (command.note.trim() === '') refuse('invalid', 'a resolution needs a note saying what was done');
      return [{ type: 'TaskResolved', data: { taskId: task.taskId, note: command.note, resolvedAt: command.at } }];
    }

    case 'RecordCallBack': {
      requireCommunityStaff(command.actor, state);
      requireStatus(state, ['resolved'], 'called back');
      if (!Number.isInteger(command.rating) || command.rating < 1 || command.rating > 5) {
        refuse('invalid', 'rating must be a whole number from 1 to 5');
      }
      const callBack: CaseEvent = {
        type: 'CallBackRecorded',
        data: { satisfied: command.satisfied, rating: command.rating, note: command.note, calledBackAt: command.at },
      };
      if (!command.satisfied) return [callBack];
      return [callBack, { type: 'CaseClosed', data: { reason: 'resident_satisfied', closedAt: command.at } }];
    }

    case 'OrderRedo': {
      requireStatus(state, ['awaiting_redo'], 'redone');
      requireCenterOrCommunity(command.actor, state);
      const task = state.task!;
      return [
        {
          type: 'TaskRedoOrdered',
          data: {
            taskId: task.taskId,
            assigneeOrganisationId: task.assigneeOrganisationId,
            redoCount: state.redoCount + 1,
            ...deadlinesFrom(command.at, command.policy[state.category!]),
            orderedAt: command.at,
          },
        },
      ];
    }
  }
}

function fileComplaint(command: FileComplaint, state: CaseState): CaseEvent[] {
  if (state.status !== 'not_filed') refuse('conflict', `case ${command.caseId} was already filed`);
  const { complaint, compound, actor } = command;
  if (actor.role !== 'community_staff' || actor.organisationId !== complaint.location.communityId) {
    refuse('forbidden', 'only staff of the community where the complaint arises may file it');
  }
  if (compound.id !== complaint.location.compoundId || compound.communityId !== complaint.location.communityId) {
    refuse('invalid', `compound ${complaint.location.compoundId} does not belong to community ${complaint.location.communityId}`);
  }
  if (complaint.description.trim() === '') refuse('invalid', 'a complaint needs a description');
  return [
    {
      type: 'ComplaintFiled',
      data: { ...complaint, caseId: command.caseId, propertyCompanyId: compound.propertyCompanyId, filedAt: command.at },
    },
  ];
}

function requireStatus(state: CaseState, allowed: CaseStatus[], action: string): void {
  if (!allowed.includes(state.status)) {
    refuse('conflict', `case ${state.caseId} cannot be ${action} while ${state.status.replace(/_/g, ' ')}`);
  }
}

function requireAssignee(actor: Actor, state: CaseState): TaskState {
  const task = state.task;
  if (!task) refuse('conflict', `case ${state.caseId} has no task yet`);
  if (actor.role !== 'property_company' || actor.organisationId !== task.assigneeOrganisationId) {
    refuse('forbidden', `task ${task.taskId} is not assigned to your organisation`);
  }
  return task;
}

function requireCommunityStaff(actor: Actor, state: CaseState): void {
  if (actor.role !== 'community_staff' || actor.organisationId !== state.communityId) {
    refuse('forbidden', `only staff of community ${state.communityId} may do this`);
  }
}

/** Moving a case on is the work of the center's workflow, or of the community's own staff. */
function requireCenterOrCommunity(actor: Actor, state: CaseState): void {
  if (actor.role === 'system') return;
  requireCommunityStaff(actor, state);
}
