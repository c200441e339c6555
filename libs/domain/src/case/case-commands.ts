import type { Actor } from '../shared/actor';
import type { DeadlinePolicy } from './deadline-policy';
import type { CaseEvent } from './case-events';

/**
 * What someone asks of a case. Every command carries who asks and when (`at`, ISO-8601):
 * the domain reads no clock. Facts the domain cannot know by itself (which company serves
 * a compound, the deadline limits of a category) come in on the command.
 */
interface CaseCommandBase {
  caseId: string;
  actor: Actor;
  at: string;
}

export interface FileComplaint extends CaseCommandBase {
  type: 'FileComplaint';
  complaint: Omit<Extract<CaseEvent, { type: 'ComplaintFiled' }>['data'], 'caseId' | 'filedAt' | 'propertyCompanyId'>;
  /** The compound as the directory knows it. */
  compound: { id: string; communityId: string; propertyCompanyId: string };
}

export interface DispatchTask extends CaseCommandBase {
  type: 'DispatchTask';
  taskId: string;
  policy: DeadlinePolicy;
}

export interface SendSignForReminder extends CaseCommandBase {
  type: 'SendSignForReminder';
}

export interface SignForTask extends CaseCommandBase {
  type: 'SignForTask';
}

export interface ResolveTask extends CaseCommandBase {
  type: 'ResolveTask';
  note: string;
}

export interface RecordCallBack extends CaseCommandBase {
  type: 'RecordCallBack';
  satisfied: boolean;
  rating: number;
  note?: string;
}

export interface OrderRedo extends CaseCommandBase {
  type: 'OrderRedo';
  policy: DeadlinePolicy;
}

export type CaseCommand =
  | FileComplaint
  | DispatchTask
  | SendSignForReminder
  | SignForTask
  | ResolveTask
  | RecordCallBack
  | OrderRedo;

export type CaseCommandType = CaseCommand['type'];
