import type { CaseEvent, CaseEventType } from './case-events';

/**
 * Events are never rewritten; when an event's shape changes, its schema version goes up and an
 * upcaster turns the stored older shape into the current one as it is read. An event type that
 * was renamed is turned into its successor the same way.
 */
export const CASE_EVENT_SCHEMA_VERSIONS: Record<CaseEventType, number> = {
  ComplaintFiled: 4,
  CaseLinkedAsDuplicate: 1,
  CaseUnlinked: 1,
  TaskDispatched: 2,
  DeadlineReminderSent: 1,
  TaskSignedFor: 1,
  ProgressReported: 2,
  TaskResolved: 2,
  EvidenceAttached: 1,
  TaskReturned: 1,
  ReturnRejected: 1,
  ExtensionRequested: 1,
  DeadlineExtended: 1,
  ExtensionRefused: 1,
  ClockPaused: 1,
  ClockResumed: 1,
  CaseEscalated: 1,
  CaseReferredToCouncil: 1,
  CouncilSessionConvened: 1,
  CouncilDecisionRecorded: 1,
  CallBackRecorded: 2,
  TaskRedoOrdered: 2,
  CaseClosed: 1,
  CaseReopened: 1,
  PersonalDataErased: 1,
};

type StoredData = Record<string, unknown>;

/** A v1 task had two deadlines counted in hours, reminded when due. */
function deadlinesOfFirstTasks(data: StoredData) {
  const deadline = (due: unknown) => ({ due, unit: 'hours', remindAt: due });
  const { signForBy, resolveBy, ...rest } = data;
  return {
    rest,
    deadlines: { sign_for: deadline(signForBy), first_reply: deadline(resolveBy), resolve: deadline(resolveBy) },
  };
}

/** upcasters[type][v] turns version v into version v + 1. */
const UPCASTERS: Partial<Record<CaseEventType, Record<number, (data: StoredData) => StoredData>>> = {
  ComplaintFiled: {
    // Version 1 had no urgency: every complaint was counted as a normal matter.
    1: (data) => ({ ...data, urgency: 'normal' }),
    // Version 3 added the owners' committee and the jurisdiction, which older complaints lack.
    2: (data) => data,
    // Version 4 encrypts the resident's name, phone and unit; older complaints keep them in clear, as stored.
    3: ({ resident, location, ...rest }) => {
      const { unit, ...building } = location as { unit?: string };
      return { ...rest, location: building, personalData: { clear: { ...(resident as object), ...(unit === undefined ? {} : { unit }) } } };
    },
  },
  TaskDispatched: {
    1: (data) => {
      const { rest, deadlines } = deadlinesOfFirstTasks(data);
      return { ...rest, assigneeKind: 'property_company', origin: 'complaint', deadlines };
    },
  },
  TaskRedoOrdered: {
    1: (data) => {
      const { rest, deadlines } = deadlinesOfFirstTasks(data);
      return { ...rest, deadlines };
    },
  },
  CallBackRecorded: {
    1: ({ satisfied, ...rest }) => ({ ...rest, outcome: satisfied ? 'satisfied' : 'not_satisfied' }),
  },
  // Version 2 added photos as evidence; older reports and resolutions had none.
  ProgressReported: {
    1: (data) => ({ ...data, evidence: [] }),
  },
  TaskResolved: {
    1: (data) => ({ ...data, evidence: [] }),
  },
};

/** Event types that were renamed: the old type, at its last version, becomes version 1 of the new one. */
const RENAMED: Record<string, { type: CaseEventType; fromVersion: number; convert: (data: StoredData) => StoredData }> = {
  SignForReminderSent: {
    type: 'DeadlineReminderSent',
    fromVersion: 1,
    convert: ({ signForBy, ...rest }) => ({ ...rest, deadline: 'sign_for', due: signForBy }),
  },
};

export function upcastCaseEvent(storedType: string, storedVersion: number, storedData: StoredData): CaseEvent {
  const renamed = RENAMED[storedType];
  if (renamed && storedVersion !== renamed.fromVersion) throw new Error(`${storedType} has unknown schema version ${storedVersion}`);
  const type = renamed?.type ?? storedType;
  let data = renamed ? renamed.convert(storedData) : storedData;
  let version = renamed ? 1 : storedVersion;
  const current = CASE_EVENT_SCHEMA_VERSIONS[type as CaseEventType];
  if (current === undefined) throw new Error(`unknown case event type ${storedType}`);
  if (version > current) throw new Error(`${type} has schema version ${version}, newer than this code knows (${current})`);
  for (; version < current; version++) {
    const step = UPCASTERS[type as CaseEventType]?.[version];
    if (!step) throw new Error(`no upcaster for ${type} from schema version ${version}`);
    data = step(data);
  }
  return { type, data } as CaseEvent;
}
