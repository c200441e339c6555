import type { CaseEvent } from '../../libs/domain/src';

/** One event of a case's stream as the case workflow receives it, from the bridge or an activity. */
export type CaseEventMessage = CaseEvent & { revision: number };

export type CaseStepCommand = 'DispatchTask' | 'SendSignForReminder' | 'OrderRedo';

export interface CarryOutStepInput {
  caseId: string;
  command: CaseStepCommand;
  /** Deterministic: the same decision on the same state always has the same id, so retries append nothing twice. */
  commandId: string;
  taskId: string;
  /** Workflow time, so that deadlines follow the workflow's clock (and time-skipping tests). */
  at: string;
  /** First revision the workflow has not applied yet: the activity returns the events from there. */
  fromRevision: number;
}

export interface CarryOutStepOutcome {
  /** Events of the stream from `fromRevision` on, after the command. */
  events: CaseEventMessage[];
  /** Why the domain refused the command, if it did (the state moved on meanwhile, say). */
  refusal?: string;
}

/** The activities the case workflow calls; implemented in apps/worker. */
export interface CaseActivities {
  readCaseEvents(caseId: string, fromRevision: number): Promise<CaseEventMessage[]>;
  carryOutStep(input: CarryOutStepInput): Promise<CarryOutStepOutcome>;
}

export const CASE_EVENT_SIGNAL = 'caseEvent';
