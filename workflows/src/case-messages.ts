import type { CaseState, CenterCommand } from '../../libs/domain/src';
import type { NotificationToSend } from './notification-messages';

/**
 * One stored event of a case's stream as the case workflow receives it, from the bridge or an
 * activity: as stored, with its schema version, so the workflow upcasts it with the code it runs.
 * Histories keep these payloads for good; the workflow of a later version must still read them.
 */
export interface CaseEventMessage {
  type: string;
  schemaVersion?: number;
  data: Record<string, unknown>;
  revision: number;
}

export interface CarryOutStepInput {
  caseId: string;
  command: CenterCommand;
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

/**
 * What a run hands to the next when it continues as new: the folded case, what it has not applied
 * yet, and (runs since 2026-12-07) the last revision whose messages it planned and those not yet sent.
 */
export interface CarriedCase {
  state: CaseState;
  appliedRevision: number;
  pending: CaseEventMessage[];
  plannedRevision?: number;
  messages?: NotificationToSend[];
}

export interface CaseWorkflowInput {
  caseId: string;
  carried?: CarriedCase;
  /** History length after which a run continues as new; tests lower it. */
  historyLimit?: number;
}

export const CASE_EVENT_SIGNAL = 'caseEvent';
export const CASE_STATE_QUERY = 'caseState';
export const WAITING_MESSAGES_QUERY = 'waitingMessages';
