import type { Role } from '../shared/actor';
import type { DeadlineKind } from '../case/deadlines';

/**
 * What yixin tells people about a case, decided by the domain (notification-policy.ts) from the
 * case's events; the worker delivers each planned notification through the channels its recipient
 * has, and records the outcome in the event log (notification-events.ts).
 */
export const NOTIFICATION_TEMPLATES = [
  /** To the resident: the case number and check code, once the complaint is filed. */
  'resident_receipt',
  /** To the resident: who handles the case. */
  'resident_dispatched',
  /** To the resident: resolved, with the link to rate it. */
  'resident_resolved',
  /** To the resident: closed. */
  'resident_closed',
  /** To the assignee: a new task. */
  'task_dispatched',
  /** To the assignee: a share of a deadline's time has passed. */
  'deadline_warning',
  /** To the assignee: a deadline was missed (催办). */
  'deadline_reminder',
  /** To the assignee: the case went up a tier. */
  'case_escalated_assignee',
  /** To the officers of the tier the case went up to. */
  'case_escalated_officers',
  /** To the street's officers: a council missed its decide-by. */
  'council_overdue',
] as const;
export type NotificationTemplate = (typeof NOTIFICATION_TEMPLATES)[number];

/** Who a notification is for: the case's resident, or an organisation (its contacts, from configuration). */
export type NotificationRecipient =
  | { kind: 'resident' }
  | { kind: 'organisation'; organisationId: string; role: Extract<Role, 'property_company' | 'owners_committee' | 'street_officer' | 'district_officer'> };

/** One message the policy decided on, before any channel. */
export interface PlannedNotification {
  /**
   * Unique per event, recipient and message (`<caseId>/<revision>/<template>/<recipient>[/<share>]`):
   * the idempotency key of every delivery of it, so it is never sent twice.
   */
  key: string;
  caseId: string;
  /** The revision of the case event it answers. */
  revision: number;
  template: NotificationTemplate;
  recipient: NotificationRecipient;
  /**
   * The template's variables, with no personal data. Resident messages get their `checkCode` and
   * `link` at delivery, from a secret the log never holds.
   */
  variables: Record<string, string>;
  /** Not before this instant (ISO): the end of the quiet hours for a resident; a warning's share of its deadline. */
  sendAt: string;
  /** A warning is sent only if, at `sendAt`, this deadline of this task is still open and due then. */
  unlessMet?: { taskId: string; deadline: DeadlineKind; due: string };
}

/** Operators' settings of the policy (configuration). */
export interface NotificationSettings {
  /** China time (UTC+8), "HH:MM": residents hear nothing from `start` to `end`; messages wait until `end`. */
  quietHours?: { start: string; end: string };
  /** Shares of a deadline's time (0 < share < 1) at which its holder is warned, counted in the deadline's unit. */
  warningShares: readonly number[];
}

export const DEFAULT_NOTIFICATION_SETTINGS: NotificationSettings = {
  quietHours: { start: '21:00', end: '08:00' },
  warningShares: [0.5, 0.8],
};
