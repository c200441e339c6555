import { refuse } from '../shared/domain-error';
import type { CaseCommand } from './case-commands';
import type { CaseEvent } from './case-events';
import type { CaseState } from './case-state';
import type { CaseClock } from './deadlines';
import { closeWithRuling, mergeCase, orderRedo, recordCallBack, reopenCase, unmergeCase, withdrawComplaint } from './decisions/closing';
import { conveneCouncilSession, recordCouncilDecision, referToCouncil } from './decisions/councils';
import { escalateCase } from './decisions/escalating';
import { extendDeadline, grantExtension, pauseClock, refuseExtension, requestExtension, resumeClock } from './decisions/extensions-and-pauses';
import { erasePersonalData, fileComplaint } from './decisions/filing';
import {
  attachEvidence,
  dispatchTask,
  redispatchTask,
  rejectReturn,
  reportProgress,
  resolveTask,
  returnTask,
  sendReminder,
  signForTask,
} from './decisions/tasks';

/**
 * Decides which events a command produces on a case, or refuses it with a DomainError. Each command
 * is decided in decisions/, one module per family; what holds for every command is checked here.
 */
export function decideCase(command: CaseCommand, state: CaseState, clock: CaseClock): CaseEvent[] {
  if (command.type === 'FileComplaint') return fileComplaint(command, state);
  if (state.status === 'not_filed') refuse('not_found', `case ${command.caseId} does not exist`);
  // A resident's right to erasure does not end when their case does.
  if (command.type === 'ErasePersonalData') return erasePersonalData(command, state);
  if (state.status === 'closed' && command.type !== 'ReopenCase') {
    refuse('conflict', `case ${state.caseId} is closed; only the supervising tier can reopen it`);
  }

  switch (command.type) {
    case 'DispatchTask':
      return dispatchTask(command, state, clock);
    case 'RedispatchTask':
      return redispatchTask(command, state, clock);
    case 'SendReminder':
      return sendReminder(command, state, clock);
    case 'SignForTask':
      return signForTask(command, state);
    case 'ReportProgress':
      return reportProgress(command, state);
    case 'ResolveTask':
      return resolveTask(command, state);
    case 'AttachEvidence':
      return attachEvidence(command, state);
    case 'ReturnTask':
      return returnTask(command, state);
    case 'RejectReturn':
      return rejectReturn(command, state);

    case 'RequestExtension':
      return requestExtension(command, state);
    case 'GrantExtension':
      return grantExtension(command, state, clock);
    case 'RefuseExtension':
      return refuseExtension(command, state);
    case 'ExtendDeadline':
      return extendDeadline(command, state, clock);
    case 'PauseClock':
      return pauseClock(command, state);
    case 'ResumeClock':
      return resumeClock(command, state, clock);

    case 'EscalateCase':
      return escalateCase(command, state, clock);

    case 'ReferToCouncil':
      return referToCouncil(command, state, clock);
    case 'ConveneCouncilSession':
      return conveneCouncilSession(command, state);
    case 'RecordCouncilDecision':
      return recordCouncilDecision(command, state);

    case 'RecordCallBack':
      return recordCallBack(command, state);
    case 'OrderRedo':
      return orderRedo(command, state, clock);
    case 'WithdrawComplaint':
      return withdrawComplaint(command, state);
    case 'MergeCase':
      return mergeCase(command, state);
    case 'UnmergeCase':
      return unmergeCase(command, state);
    case 'CloseWithRuling':
      return closeWithRuling(command, state);
    case 'ReopenCase':
      return reopenCase(command, state);
  }
}
