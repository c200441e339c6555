/** The assignee's resolve deadline moved later (asked for or not), and the task's clock stopped and restarted. */
import { refuse } from '../../shared/domain-error';
import { requireAssignee, requireCommunityOrAssignee, requireHandlingTier } from '../authorisation';
import type { ExtendDeadline, GrantExtension, PauseClock, RefuseExtension, RequestExtension, ResumeClock } from '../case-commands';
import type { CaseEvent } from '../case-events';
import { TASK_RUNNING_STATUSES, type CaseState, type TaskState } from '../case-state';
import { deadlinesAfterPause, extendedDeadline, type CaseClock, type Deadline } from '../deadlines';
import { isBefore, requireStatus, requireText } from './preconditions';

export function requestExtension(command: RequestExtension, state: CaseState): CaseEvent[] {
  const { actor, at } = command;
  const task = requireAssignee(actor, state);
  requireStatus(state, TASK_RUNNING_STATUSES, 'extended');
  requireText(command.reason, 'an extension request needs a reason');
  const resolve = task.deadlines.resolve!;
  if (!isBefore(at, resolve.due)) refuse('conflict', `an extension must be requested before the deadline ${resolve.due}`);
  if (task.extensionRequest) refuse('conflict', `task ${task.taskId} already has an extension request waiting for an answer`);
  return [
    {
      type: 'ExtensionRequested',
      data: { taskId: task.taskId, requestedBy: actor.organisationId, extension: command.extension, reason: command.reason, requestedAt: at },
    },
  ];
}

export function grantExtension(command: GrantExtension, state: CaseState, clock: CaseClock): CaseEvent[] {
  requireHandlingTier(command.actor, state);
  const task = requireExtensionRequest(state);
  const resolve = extendedDeadline(state, clock, requireResolveDeadline(task), task.extensionRequest!.extension);
  return [{ type: 'DeadlineExtended', data: { taskId: task.taskId, resolve, requested: true, extendedAt: command.at } }];
}

export function refuseExtension(command: RefuseExtension, state: CaseState): CaseEvent[] {
  requireHandlingTier(command.actor, state);
  const task = requireExtensionRequest(state);
  requireText(command.reason, 'refusing an extension needs a reason');
  return [{ type: 'ExtensionRefused', data: { taskId: task.taskId, reason: command.reason, refusedAt: command.at } }];
}

export function extendDeadline(command: ExtendDeadline, state: CaseState, clock: CaseClock): CaseEvent[] {
  requireStatus(state, TASK_RUNNING_STATUSES, 'extended');
  requireHandlingTier(command.actor, state);
  requireText(command.reason, 'an extension needs a reason');
  const task = state.task!;
  if (task.extensionRequest) refuse('conflict', `task ${task.taskId} has an extension request: grant or refuse it`);
  const resolve = extendedDeadline(state, clock, requireResolveDeadline(task), command.extension);
  return [{ type: 'DeadlineExtended', data: { taskId: task.taskId, resolve, requested: false, reason: command.reason, extendedAt: command.at } }];
}

export function pauseClock(command: PauseClock, state: CaseState): CaseEvent[] {
  requireStatus(state, TASK_RUNNING_STATUSES, 'paused');
  requireCommunityOrAssignee(command.actor, state);
  requireText(command.reason, 'pausing the clock needs a reason');
  if (state.paused) refuse('conflict', `the clock of case ${state.caseId} is already paused`);
  return [{ type: 'ClockPaused', data: { taskId: state.task!.taskId, reason: command.reason, pausedAt: command.at } }];
}

export function resumeClock(command: ResumeClock, state: CaseState, clock: CaseClock): CaseEvent[] {
  requireCommunityOrAssignee(command.actor, state);
  if (!state.paused) refuse('conflict', `the clock of case ${state.caseId} is not paused`);
  const { at } = command;
  return [{ type: 'ClockResumed', data: { taskId: state.task!.taskId, deadlines: deadlinesAfterPause(state, clock, state.paused.since, at), resumedAt: at } }];
}

function requireExtensionRequest(state: CaseState): TaskState {
  const task = state.task;
  if (!TASK_RUNNING_STATUSES.includes(state.status) || !task?.extensionRequest) {
    refuse('conflict', `case ${state.caseId} has no extension request waiting for an answer`);
  }
  return task;
}

function requireResolveDeadline(task: TaskState): Deadline {
  const current = task.deadlines.resolve;
  if (!current) refuse('conflict', `task ${task.taskId} has no resolve deadline left to extend`);
  return current;
}
