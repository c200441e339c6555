import type { Category, Channel, Urgency } from './category';

/** Every fact about a case. Each is appended to the case's stream and never changed. */

export interface Resident {
  name: string;
  phone: string;
}

export interface CaseLocation {
  communityId: string;
  compoundId: string;
  building: string;
  unit?: string;
}

export interface ComplaintFiled {
  type: 'ComplaintFiled';
  data: {
    caseId: string;
    resident: Resident;
    location: CaseLocation;
    category: Category;
    /** Urgent matters are counted in hours (DOMAIN.md); since schema version 2. */
    urgency: Urgency;
    description: string;
    channel: Channel;
    /** The property project serving the compound when the complaint was filed. */
    propertyCompanyId: string;
    filedAt: string;
  };
}

export interface TaskDispatched {
  type: 'TaskDispatched';
  data: {
    taskId: string;
    assigneeOrganisationId: string;
    signForBy: string;
    resolveBy: string;
    dispatchedAt: string;
  };
}

export interface SignForReminderSent {
  type: 'SignForReminderSent';
  data: { taskId: string; assigneeOrganisationId: string; signForBy: string; remindedAt: string };
}

export interface TaskSignedFor {
  type: 'TaskSignedFor';
  data: { taskId: string; signedForAt: string };
}

export interface TaskResolved {
  type: 'TaskResolved';
  data: { taskId: string; note: string; resolvedAt: string };
}

export interface CallBackRecorded {
  type: 'CallBackRecorded';
  data: { satisfied: boolean; rating: number; note?: string; calledBackAt: string };
}

export interface CaseClosed {
  type: 'CaseClosed';
  data: { reason: 'resident_satisfied'; closedAt: string };
}

export interface TaskRedoOrdered {
  type: 'TaskRedoOrdered';
  data: {
    taskId: string;
    assigneeOrganisationId: string;
    redoCount: number;
    signForBy: string;
    resolveBy: string;
    orderedAt: string;
  };
}

export type CaseEvent =
  | ComplaintFiled
  | TaskDispatched
  | SignForReminderSent
  | TaskSignedFor
  | TaskResolved
  | CallBackRecorded
  | CaseClosed
  | TaskRedoOrdered;

export type CaseEventType = CaseEvent['type'];
