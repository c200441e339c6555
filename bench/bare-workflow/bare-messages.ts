/**
 * The bare baseline of the whole-life benchmark: a Temporal workflow with none of yixin around it.
 * It takes the same signals a case workflow takes over a whole life (one per event of the stream)
 * and calls the same activities (one, that dispatches), so that the difference between the two
 * is what yixin adds: HTTP, the event log, the bridge, the projections, the domain.
 */
export interface BareEventMessage {
  type: string;
  revision: number;
  data: Record<string, unknown>;
}

export interface BareActivities {
  /** Writes one row with raw better-sqlite3, as our DispatchTask appends one event. */
  dispatch(caseId: string, at: string): Promise<void>;
}

export const BARE_EVENT_SIGNAL = 'bareEvent';

/** The events of a whole life, in stream order. */
export const WHOLE_LIFE_EVENTS = ['ComplaintFiled', 'TaskDispatched', 'TaskSignedFor', 'TaskResolved', 'CallBackRecorded', 'CaseClosed'] as const;

/** The revision the center's own dispatch takes: the workflow learns it from its activity, and the bridge does not send it. */
export const DISPATCH_REVISION = WHOLE_LIFE_EVENTS.indexOf('TaskDispatched');

/** The revisions the bridge signals for one case: all but the center's own. */
export const SIGNALLED_REVISIONS = WHOLE_LIFE_EVENTS.map((_, revision) => revision).filter((revision) => revision !== DISPATCH_REVISION);
