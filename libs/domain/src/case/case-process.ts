import type { CaseCommandType } from './case-commands';
import type { CaseState } from './case-state';

/**
 * What the center does next on a case, given its state and the time: the policy the case
 * workflow carries out. It issues a command, waits (until a deadline, or for the next event),
 * or stops because the case is closed. Reminders and, later, escalations are decided here.
 */
export type CaseStep =
  | { kind: 'issue'; command: Extract<CaseCommandType, 'DispatchTask' | 'SendSignForReminder' | 'OrderRedo'> }
  | { kind: 'wait'; until?: string }
  | { kind: 'finished' };

export function nextCaseStep(state: CaseState, now: number): CaseStep {
  switch (state.status) {
    case 'closed':
      return { kind: 'finished' };
    case 'filed':
      return { kind: 'issue', command: 'DispatchTask' };
    case 'awaiting_redo':
      return { kind: 'issue', command: 'OrderRedo' };
    case 'awaiting_sign_for': {
      const task = state.task!;
      if (task.signForRemindersSent > 0) return { kind: 'wait' };
      return now >= Date.parse(task.signForBy)
        ? { kind: 'issue', command: 'SendSignForReminder' }
        : { kind: 'wait', until: task.signForBy };
    }
    case 'not_filed':
    case 'in_progress':
    case 'resolved':
      return { kind: 'wait' };
  }
}
