import type { CaseEvent, CaseEventType } from './case-events';

/**
 * Events are never rewritten; when an event's shape changes, its schema version goes up and an
 * upcaster turns the stored older shape into the current one as it is read.
 */
export const CASE_EVENT_SCHEMA_VERSIONS: Record<CaseEventType, number> = {
  ComplaintFiled: 2,
  TaskDispatched: 1,
  SignForReminderSent: 1,
  TaskSignedFor: 1,
  TaskResolved: 1,
  CallBackRecorded: 1,
  CaseClosed: 1,
  TaskRedoOrdered: 1,
};

type StoredData = Record<string, unknown>;

/** upcasters[type][v] turns version v into version v + 1. */
const UPCASTERS: Partial<Record<CaseEventType, Record<number, (data: StoredData) => StoredData>>> = {
  ComplaintFiled: {
    // Version 1 had no urgency: every complaint was counted as a normal matter.
    1: (data) => ({ ...data, urgency: 'normal' }),
  },
};

export function upcastCaseEvent(type: string, schemaVersion: number, data: StoredData): CaseEvent {
  const current = CASE_EVENT_SCHEMA_VERSIONS[type as CaseEventType];
  if (current === undefined) throw new Error(`unknown case event type ${type}`);
  if (schemaVersion > current) throw new Error(`${type} has schema version ${schemaVersion}, newer than this code knows (${current})`);
  let upcast = data;
  for (let version = schemaVersion; version < current; version++) {
    const step = UPCASTERS[type as CaseEventType]?.[version];
    if (!step) throw new Error(`no upcaster for ${type} from schema version ${version}`);
    upcast = step(upcast);
  }
  return { type, data: upcast } as CaseEvent;
}
