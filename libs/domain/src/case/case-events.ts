import type { Tier } from '../shared/actor';
import type { Category, Channel, Urgency } from './category';
import type { Deadline, DeadlineKind, Duration, TaskDeadlines } from './deadlines';

/** Every fact about a case. Each is appended to the case's stream and never changed. */

export interface Resident {
  name: string;
  phone: string;
}

/** The resident's personal data: who they are, how to reach them, where exactly they live. */
export interface PersonalData extends Resident {
  unit?: string;
}

/**
 * Personal data encrypted (AES-256-GCM) under a data key of the resident's own, kept outside the
 * log: deleting the key erases the data from every case of the resident, and the log, its hashes
 * and every copy of the event stay as they are (docs/privacy.md). The domain never sees it in clear.
 */
export interface EncryptedPersonalData {
  /** The resident's pseudonym (a keyed hash of the phone number), the same on all their cases. */
  subjectId: string;
  /** The data key it was encrypted under; a resident who comes back after an erasure gets a new one. */
  keyId: string;
  /** Base64: the encrypted JSON of the PersonalData, its initialisation vector, its authentication tag. */
  ciphertext: string;
  iv: string;
  tag: string;
}

/**
 * Complaints filed before schema version 4 hold the resident's data in clear. The log is never
 * rewritten, so they keep it: no key to delete can erase it.
 */
export interface ClearPersonalData {
  clear: PersonalData;
}

export type RecordedPersonalData = EncryptedPersonalData | ClearPersonalData;

export function isEncrypted(personalData: RecordedPersonalData): personalData is EncryptedPersonalData {
  return !('clear' in personalData);
}

/** Where the complaint arises, down to the building; the unit is personal data. */
export interface CaseLocation {
  communityId: string;
  compoundId: string;
  building: string;
}

/** The street and district above the community (the tiers a case can be escalated to) and the street's councils. */
export interface Jurisdiction {
  streetId: string;
  districtId: string;
  councils: Partial<Record<CouncilKind, string>>;
}

/** Who can hold a task: the compound's property project, or its owners' committee. */
export const ASSIGNEE_KINDS = ['property_company', 'owners_committee'] as const;
export type AssigneeKind = (typeof ASSIGNEE_KINDS)[number];

export interface Assignee {
  organisationId: string;
  kind: AssigneeKind;
}

/** Staff's choice of assignee instead of the default routing, with the reason they give. */
export interface RoutingOverride extends Assignee {
  reason: string;
}

export const RETURN_REASONS = ['wrongly_routed', 'disputed_responsibility', 'needs_owners_decision'] as const;
export type ReturnReason = (typeof RETURN_REASONS)[number];

export const ESCALATION_REASONS = ['overdue', 'redone_three_times', 'returned_three_times', 'council_timeout'] as const;
export type EscalationReason = (typeof ESCALATION_REASONS)[number];

export const COUNCIL_KINDS = ['property_council', 'owners_council'] as const;
export type CouncilKind = (typeof COUNCIL_KINDS)[number];

export const CALL_BACK_OUTCOMES = ['satisfied', 'not_satisfied', 'unreachable'] as const;
export type CallBackOutcome = (typeof CALL_BACK_OUTCOMES)[number];

export const CLOSING_REASONS = ['resident_satisfied', 'resident_unreachable', 'withdrawn', 'ruling'] as const;
export type ClosingReason = (typeof CLOSING_REASONS)[number];

export type TaskOrigin = 'complaint' | 'redispatch' | 'council_decision';

/** A council's vote; absent when it decided by consensus. */
export interface CouncilVote {
  for: number;
  against: number;
  abstain: number;
}

export interface ComplaintFiled {
  type: 'ComplaintFiled';
  data: {
    caseId: string;
    /** The resident's name, phone and unit; encrypted since schema version 4. */
    personalData: RecordedPersonalData;
    location: CaseLocation;
    category: Category;
    /** Urgent matters are counted in hours; since schema version 2. */
    urgency: Urgency;
    description: string;
    channel: Channel;
    /** The property project serving the compound when the complaint was filed. */
    propertyCompanyId: string;
    /** Since schema version 3; absent when the compound had no owners' committee. */
    ownersCommitteeId?: string;
    /** Since schema version 3; cases filed before cannot be escalated. */
    jurisdiction?: Jurisdiction;
    routingOverride?: RoutingOverride;
    filedAt: string;
  };
}

export interface CaseLinkedAsDuplicate {
  type: 'CaseLinkedAsDuplicate';
  data: { primaryCaseId: string; linkedAt: string };
}

export interface CaseUnlinked {
  type: 'CaseUnlinked';
  data: { primaryCaseId: string; unlinkedAt: string };
}

export interface TaskDispatched {
  type: 'TaskDispatched';
  data: {
    taskId: string;
    assigneeOrganisationId: string;
    assigneeKind: AssigneeKind;
    origin: TaskOrigin;
    /** Why staff chose this assignee over the default routing. */
    reason?: string;
    deadlines: TaskDeadlines;
    dispatchedAt: string;
  };
}

export interface DeadlineReminderSent {
  type: 'DeadlineReminderSent';
  data: {
    taskId: string;
    assigneeOrganisationId: string;
    deadline: DeadlineKind;
    due: string;
    /** Still overdue then, the case is escalated one tier; absent for reminders recorded before escalation existed. */
    escalateAt?: string;
    remindedAt: string;
  };
}

export interface TaskSignedFor {
  type: 'TaskSignedFor';
  data: { taskId: string; signedForAt: string };
}

/** At most this many photos back a progress report or a resolution. */
export const MAX_EVIDENCE = 10;
/** How evidence names a photo: the SHA-256 of its bytes in lowercase hex. */
export const SHA256_HEX = /^[0-9a-f]{64}$/;

export interface ProgressReported {
  type: 'ProgressReported';
  /** `evidence`: SHA-256 hashes of photos; since schema version 2, empty before. */
  data: { taskId: string; note: string; evidence: string[]; reportedAt: string };
}

export interface TaskResolved {
  type: 'TaskResolved';
  /** `evidence`: SHA-256 hashes of photos; since schema version 2, empty before. */
  data: { taskId: string; note: string; evidence: string[]; resolvedAt: string };
}

/**
 * Community staff record photos as evidence of the complaint itself (those the resident brought when
 * it was filed, say), beside the assignee's progress reports and resolutions: it moves the case nowhere.
 */
export interface EvidenceAttached {
  type: 'EvidenceAttached';
  /** `evidence`: SHA-256 hashes of photos. */
  data: { evidence: string[]; note?: string; attachedAt: string };
}

export interface TaskReturned {
  type: 'TaskReturned';
  data: { taskId: string; returnedBy: string; reason: ReturnReason; note: string; returnedAt: string };
}

export interface ReturnRejected {
  type: 'ReturnRejected';
  data: { taskId: string; assigneeOrganisationId: string; reason: string; rejectedAt: string };
}

export interface ExtensionRequested {
  type: 'ExtensionRequested';
  data: { taskId: string; requestedBy: string; extension: Duration; reason: string; requestedAt: string };
}

export interface DeadlineExtended {
  type: 'DeadlineExtended';
  data: {
    taskId: string;
    resolve: Deadline;
    /** True when it answers the assignee's request, false when the supervising tier extended on its own. */
    requested: boolean;
    reason?: string;
    extendedAt: string;
  };
}

export interface ExtensionRefused {
  type: 'ExtensionRefused';
  data: { taskId: string; reason: string; refusedAt: string };
}

export interface ClockPaused {
  type: 'ClockPaused';
  data: { taskId: string; reason: string; pausedAt: string };
}

export interface ClockResumed {
  type: 'ClockResumed';
  /** The open deadlines moved back by the paused time, their follow-up kept (moved back too). */
  data: { taskId: string; deadlines: Partial<TaskDeadlines>; resumedAt: string };
}

export interface CaseEscalated {
  type: 'CaseEscalated';
  data: {
    fromTier: Tier;
    toTier: Tier;
    reason: EscalationReason;
    supervisorOrganisationId: string;
    /** Fresh limits the new tier sets for what is still open on the task, if a task is running. */
    deadlines?: Partial<TaskDeadlines>;
    escalatedAt: string;
  };
}

export interface CaseReferredToCouncil {
  type: 'CaseReferredToCouncil';
  data: { council: CouncilKind; councilId: string; question: string; decideBy: string; referredAt: string };
}

export interface CouncilSessionConvened {
  type: 'CouncilSessionConvened';
  data: { councilId: string; sessionId: string; members: string[]; scheduledFor: string; convenedAt: string };
}

export interface CouncilDecisionRecorded {
  type: 'CouncilDecisionRecorded';
  data: {
    councilId: string;
    sessionId: string;
    decision: string;
    assignee: Assignee;
    dueBy: string;
    vote?: CouncilVote;
    decidedAt: string;
  };
}

export interface CallBackRecorded {
  type: 'CallBackRecorded';
  data: { outcome: CallBackOutcome; rating?: number; note?: string; calledBackAt: string };
}

export interface TaskRedoOrdered {
  type: 'TaskRedoOrdered';
  data: {
    taskId: string;
    assigneeOrganisationId: string;
    redoCount: number;
    deadlines: TaskDeadlines;
    orderedAt: string;
  };
}

export interface CaseClosed {
  type: 'CaseClosed';
  data: { reason: ClosingReason; note?: string; closedAt: string };
}

export interface CaseReopened {
  type: 'CaseReopened';
  data: { reason: string; reopenedAt: string };
}

/** The resident's data key was deleted at their request: what the case holds of them can no longer be read. */
export interface PersonalDataErased {
  type: 'PersonalDataErased';
  data: { subjectId: string; keyId: string; erasedAt: string };
}

export type CaseEvent =
  | ComplaintFiled
  | CaseLinkedAsDuplicate
  | CaseUnlinked
  | TaskDispatched
  | DeadlineReminderSent
  | TaskSignedFor
  | ProgressReported
  | TaskResolved
  | EvidenceAttached
  | TaskReturned
  | ReturnRejected
  | ExtensionRequested
  | DeadlineExtended
  | ExtensionRefused
  | ClockPaused
  | ClockResumed
  | CaseEscalated
  | CaseReferredToCouncil
  | CouncilSessionConvened
  | CouncilDecisionRecorded
  | CallBackRecorded
  | TaskRedoOrdered
  | CaseClosed
  | CaseReopened
  | PersonalDataErased;

export type CaseEventType = CaseEvent['type'];

/** The photos an event cites as evidence: what makes a photo part of its case. */
export function citedPhotos(event: CaseEvent): readonly string[] {
  switch (event.type) {
    case 'ProgressReported':
    case 'TaskResolved':
    case 'EvidenceAttached':
      return event.data.evidence;
    default:
      return [];
  }
}
