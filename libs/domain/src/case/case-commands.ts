import type { Actor } from '../shared/actor';
import type { DeadlineKind, Duration } from './deadlines';
import type {
  Assignee,
  CallBackOutcome,
  ComplaintFiled,
  CouncilKind,
  CouncilVote,
  EncryptedPersonalData,
  EscalationReason,
  Jurisdiction,
  ReturnReason,
  RoutingOverride,
} from './case-events';

/**
 * What someone asks of a case. Every command carries who asks and when (`at`, ISO-8601):
 * the domain reads no clock. Facts the domain cannot know by itself (which company serves
 * a compound, which council sits for a street) come in on the command; the deadline policy and
 * the calendar come in beside it (see CaseClock in deadlines.ts).
 */
interface CaseCommandBase {
  caseId: string;
  actor: Actor;
  at: string;
}

export interface FileComplaint extends CaseCommandBase {
  type: 'FileComplaint';
  /** The resident's personal data comes encrypted by the application: the domain never holds it in clear. */
  complaint: Omit<
    ComplaintFiled['data'],
    'caseId' | 'filedAt' | 'propertyCompanyId' | 'ownersCommitteeId' | 'jurisdiction' | 'routingOverride' | 'personalData'
  > & { personalData: EncryptedPersonalData };
  /** The compound as the directory knows it. */
  compound: {
    id: string;
    communityId: string;
    propertyCompanyId: string;
    ownersCommitteeId?: string;
    jurisdiction: Jurisdiction;
  };
  /** Staff's choice of assignee instead of the default routing; it must be one of the compound's. */
  routingOverride?: RoutingOverride;
  /** An open case at the same place and category, found by the application: this one is linked to it. */
  duplicateOf?: string;
}

/** Who serves a compound: its property project and, if it has one, its owners' committee. */
export interface CompoundServices {
  propertyCompanyId: string;
  ownersCommitteeId?: string;
}

/** The center routes the case: by default, the decision of a council, or after a return for owners' matters. */
export interface DispatchTask extends CaseCommandBase {
  type: 'DispatchTask';
  taskId: string;
  /** Who serves the compound now, as the directory knows it; without it, those recorded at filing. */
  compound?: CompoundServices;
}

/** The handling tier gives the task to someone else, with a reason. */
export interface RedispatchTask extends CaseCommandBase {
  type: 'RedispatchTask';
  taskId: string;
  /** One of those who serve the case's compound. */
  assignee: Assignee;
  reason: string;
  /** Who serves the compound now, as the directory knows it; without it, those recorded at filing. */
  compound?: CompoundServices;
}

export interface SendReminder extends CaseCommandBase {
  type: 'SendReminder';
  deadline: DeadlineKind;
}

export interface SignForTask extends CaseCommandBase {
  type: 'SignForTask';
}

export interface ReportProgress extends CaseCommandBase {
  type: 'ReportProgress';
  note: string;
  /** Photos, by the SHA-256 of their bytes; that they were uploaded for the case is the application's to check. */
  evidence?: string[];
}

export interface ResolveTask extends CaseCommandBase {
  type: 'ResolveTask';
  note: string;
  /** Photos, by the SHA-256 of their bytes; that they were uploaded for the case is the application's to check. */
  evidence?: string[];
}

/** Community staff cite photos uploaded for the case as evidence of the complaint. */
export interface AttachEvidence extends CaseCommandBase {
  type: 'AttachEvidence';
  /** Photos, by the SHA-256 of their bytes; that they were uploaded for the case is the application's to check. */
  evidence: string[];
  note?: string;
}

export interface ReturnTask extends CaseCommandBase {
  type: 'ReturnTask';
  reason: ReturnReason;
  note: string;
}

export interface RejectReturn extends CaseCommandBase {
  type: 'RejectReturn';
  reason: string;
}

export interface RequestExtension extends CaseCommandBase {
  type: 'RequestExtension';
  extension: Duration;
  reason: string;
}

export interface GrantExtension extends CaseCommandBase {
  type: 'GrantExtension';
}

export interface RefuseExtension extends CaseCommandBase {
  type: 'RefuseExtension';
  reason: string;
}

/** The handling tier extends the resolve deadline on its own initiative. */
export interface ExtendDeadline extends CaseCommandBase {
  type: 'ExtendDeadline';
  extension: Duration;
  reason: string;
}

/** The clock stops while the case waits for the resident. */
export interface PauseClock extends CaseCommandBase {
  type: 'PauseClock';
  reason: string;
}

export interface ResumeClock extends CaseCommandBase {
  type: 'ResumeClock';
}

export interface EscalateCase extends CaseCommandBase {
  type: 'EscalateCase';
  reason: EscalationReason;
}

export interface ReferToCouncil extends CaseCommandBase {
  type: 'ReferToCouncil';
  council: CouncilKind;
  question: string;
  /** The council of that kind sitting for the case's street now, as the directory knows it; without it, the one recorded at filing. */
  councilId?: string;
}

export interface ConveneCouncilSession extends CaseCommandBase {
  type: 'ConveneCouncilSession';
  sessionId: string;
  /** The council's member organisations, as the directory knows them. */
  members: string[];
  scheduledFor: string;
}

export interface RecordCouncilDecision extends CaseCommandBase {
  type: 'RecordCouncilDecision';
  decision: string;
  /** One of those who serve the case's compound, or a member of the council's session. */
  assignee: Assignee;
  dueBy: string;
  vote?: CouncilVote;
  /** Who serves the compound now, as the directory knows it; without it, those recorded at filing. */
  compound?: CompoundServices;
}

export interface RecordCallBack extends CaseCommandBase {
  type: 'RecordCallBack';
  outcome: CallBackOutcome;
  rating?: number;
  note?: string;
}

export interface OrderRedo extends CaseCommandBase {
  type: 'OrderRedo';
}

export interface WithdrawComplaint extends CaseCommandBase {
  type: 'WithdrawComplaint';
  note: string;
}

export interface MergeCase extends CaseCommandBase {
  type: 'MergeCase';
  primaryCaseId: string;
}

export interface UnmergeCase extends CaseCommandBase {
  type: 'UnmergeCase';
}

export interface CloseWithRuling extends CaseCommandBase {
  type: 'CloseWithRuling';
  ruling: string;
}

export interface ReopenCase extends CaseCommandBase {
  type: 'ReopenCase';
  reason: string;
}

/**
 * Records on a case that its resident's personal data was erased at their request, by the staff of
 * the case's community: the application deletes the key it is encrypted under.
 */
export interface ErasePersonalData extends CaseCommandBase {
  type: 'ErasePersonalData';
  subjectId: string;
}

export type CaseCommand =
  | FileComplaint
  | DispatchTask
  | RedispatchTask
  | SendReminder
  | SignForTask
  | ReportProgress
  | ResolveTask
  | AttachEvidence
  | ReturnTask
  | RejectReturn
  | RequestExtension
  | GrantExtension
  | RefuseExtension
  | ExtendDeadline
  | PauseClock
  | ResumeClock
  | EscalateCase
  | ReferToCouncil
  | ConveneCouncilSession
  | RecordCouncilDecision
  | RecordCallBack
  | OrderRedo
  | WithdrawComplaint
  | MergeCase
  | UnmergeCase
  | CloseWithRuling
  | ReopenCase
  | ErasePersonalData;

export type CaseCommandType = CaseCommand['type'];

/** The photos a command would cite, which must have been uploaded for its case. */
export function photosToCite(command: CaseCommand): readonly string[] {
  switch (command.type) {
    case 'ReportProgress':
    case 'ResolveTask':
    case 'AttachEvidence':
      return command.evidence ?? [];
    default:
      return [];
  }
}
