import type { Category } from './category';
import type { CaseEvent } from './case-events';
import type { Tier } from '../shared/actor';

export const CASE_STATUSES = ['not_filed', 'filed', 'awaiting_sign_for', 'in_progress', 'resolved', 'awaiting_redo', 'closed'] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];

export interface TaskState {
  taskId: string;
  assigneeOrganisationId: string;
  signForBy: string;
  resolveBy: string;
  signForRemindersSent: number;
}

export interface CaseState {
  status: CaseStatus;
  tier: Tier;
  caseId?: string;
  communityId?: string;
  compoundId?: string;
  category?: Category;
  propertyCompanyId?: string;
  task?: TaskState;
  redoCount: number;
}

export const initialCaseState: CaseState = { status: 'not_filed', tier: 'community', redoCount: 0 };

export function evolveCase(state: CaseState, event: CaseEvent): CaseState {
  switch (event.type) {
    case 'ComplaintFiled': {
      const { caseId, location, category, propertyCompanyId } = event.data;
      return {
        ...state,
        status: 'filed',
        caseId,
        communityId: location.communityId,
        compoundId: location.compoundId,
        category,
        propertyCompanyId,
      };
    }
    case 'TaskDispatched': {
      const { taskId, assigneeOrganisationId, signForBy, resolveBy } = event.data;
      return {
        ...state,
        status: 'awaiting_sign_for',
        task: { taskId, assigneeOrganisationId, signForBy, resolveBy, signForRemindersSent: 0 },
      };
    }
    case 'SignForReminderSent':
      return { ...state, task: state.task && { ...state.task, signForRemindersSent: state.task.signForRemindersSent + 1 } };
    case 'TaskSignedFor':
      return { ...state, status: 'in_progress' };
    case 'TaskResolved':
      return { ...state, status: 'resolved' };
    case 'CallBackRecorded':
      return event.data.satisfied ? state : { ...state, status: 'awaiting_redo' };
    case 'CaseClosed':
      return { ...state, status: 'closed' };
    case 'TaskRedoOrdered': {
      const { taskId, assigneeOrganisationId, signForBy, resolveBy, redoCount } = event.data;
      return {
        ...state,
        status: 'awaiting_sign_for',
        redoCount,
        task: { taskId, assigneeOrganisationId, signForBy, resolveBy, signForRemindersSent: 0 },
      };
    }
  }
}

export function foldCase(events: readonly CaseEvent[], from: CaseState = initialCaseState): CaseState {
  return events.reduce(evolveCase, from);
}
