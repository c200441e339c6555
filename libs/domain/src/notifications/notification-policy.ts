/**
 * Which messages a case event calls for, to whom, and from when: decided here, from the case's state
 * before the event and the event itself, so that replaying a case's history plans the same messages
 * under the same keys. Delivery (channels, retries, the log of outcomes) is the worker's.
 */
import type { WorkingCalendar } from '../calendar/working-calendar';
import { chinaDate } from '../calendar/working-calendar';
import type { Tier } from '../shared/actor';
import { CATEGORIES } from '../case/category';
import type { AssigneeKind, CaseEscalated, CaseEvent, EscalationReason } from '../case/case-events';
import { evolveCase, TASK_RUNNING_STATUSES, type CaseState } from '../case/case-state';
import { DEADLINE_KINDS, type Deadline, type DeadlineKind, type TaskDeadlines } from '../case/deadlines';
import type { NotificationRecipient, NotificationSettings, NotificationTemplate, PlannedNotification } from './notification';
import type { SuppressionReason } from './notification-events';

export interface NotificationContext {
  settings: NotificationSettings;
  calendar: WorkingCalendar;
}

type OrganisationRecipient = Extract<NotificationRecipient, { kind: 'organisation' }>;

const RESIDENT: NotificationRecipient = { kind: 'resident' };

const DEADLINE_LABELS: Record<DeadlineKind, string> = { sign_for: '签收', first_reply: '首次答复', resolve: '办结' };
const TIER_LABELS: Record<Tier, string> = { community: '社区', street: '街道', district: '区' };
const ASSIGNEE_LABELS: Record<AssigneeKind, string> = { property_company: '物业服务企业', owners_committee: '业主委员会' };
const ESCALATION_REASON_LABELS: Record<EscalationReason, string> = {
  overdue: '逾期未办',
  redone_three_times: '三次返工',
  returned_three_times: '三次退回',
  council_timeout: '议事会逾期未决',
};

/** The messages `event` calls for; `before` is the case's state before it, `revision` the event's revision in the case's stream. */
export function planNotifications(before: CaseState, event: CaseEvent, revision: number, context: NotificationContext): PlannedNotification[] {
  const after = evolveCase(before, event);
  const plan = planner(after, revision, context);
  // Planned even once the resident's data is erased: delivery records each as suppressed (whyNotSend), for the auditor.
  const toResident = (template: NotificationTemplate, at: string, variables: Record<string, string> = {}) => [plan.toResident(template, at, variables)];

  switch (event.type) {
    case 'ComplaintFiled':
      return toResident('resident_receipt', event.data.filedAt);
    case 'TaskDispatched': {
      const { assigneeOrganisationId, assigneeKind, deadlines, dispatchedAt } = event.data;
      const assignee: OrganisationRecipient = { kind: 'organisation', organisationId: assigneeOrganisationId, role: assigneeKind };
      return [
        ...toResident('resident_dispatched', dispatchedAt, { assignee: ASSIGNEE_LABELS[assigneeKind] }),
        plan.toOrganisation('task_dispatched', assignee, dispatchedAt, { due: chinaTime(deadlines.sign_for.due) }),
        ...plan.warnings(deadlines, dispatchedAt),
      ];
    }
    case 'TaskRedoOrdered': {
      const { assigneeOrganisationId, deadlines, orderedAt } = event.data;
      const assignee: OrganisationRecipient = { kind: 'organisation', organisationId: assigneeOrganisationId, role: holderRole(after, assigneeOrganisationId) };
      return [plan.toOrganisation('task_dispatched', assignee, orderedAt, { due: chinaTime(deadlines.sign_for.due) }), ...plan.warnings(deadlines, orderedAt)];
    }
    case 'DeadlineReminderSent': {
      const { assigneeOrganisationId, deadline, due, remindedAt } = event.data;
      const assignee: OrganisationRecipient = { kind: 'organisation', organisationId: assigneeOrganisationId, role: holderRole(before, assigneeOrganisationId) };
      return [plan.toOrganisation('deadline_reminder', assignee, remindedAt, { deadline: DEADLINE_LABELS[deadline], due: chinaTime(due) })];
    }
    case 'CaseEscalated':
      return planEscalation(before, event, plan);
    case 'DeadlineExtended':
      return plan.warnings({ resolve: event.data.resolve }, event.data.extendedAt);
    case 'ClockResumed':
      return plan.warnings(event.data.deadlines, event.data.resumedAt);
    case 'TaskResolved':
      return toResident('resident_resolved', event.data.resolvedAt);
    case 'CaseClosed':
      return toResident('resident_closed', event.data.closedAt);
    default:
      return [];
  }
}

/**
 * Why a planned message must not go out now, at delivery, given the case's current state: the
 * resident's data was erased; or the deadline a warning is about is no longer the one open and
 * running (met, moved, paused, or its task gone), or the case closed. Undefined: send it.
 */
export function whyNotSend(notification: PlannedNotification, state: CaseState): SuppressionReason | undefined {
  if (notification.recipient.kind === 'resident') return state.residentKey?.erasedAt ? 'personal_data_erased' : undefined;
  const { unlessMet } = notification;
  if (!unlessMet) return undefined;
  if (state.status === 'closed') return 'case_closed';
  const task = state.task;
  const open = task?.taskId === unlessMet.taskId ? task.deadlines[unlessMet.deadline] : undefined;
  // A paused or returned task's clock stands still: its deadline moves when it runs again, and the warnings are planned afresh then.
  const running = TASK_RUNNING_STATUSES.includes(state.status) && !state.paused;
  return running && open && Date.parse(open.due) === Date.parse(unlessMet.due) ? undefined : 'deadline_met';
}

function planEscalation(before: CaseState, event: CaseEscalated, plan: Planner): PlannedNotification[] {
  const { toTier, reason, supervisorOrganisationId, deadlines, escalatedAt } = event.data;
  const tier = TIER_LABELS[toTier];
  const officers: OrganisationRecipient = { kind: 'organisation', organisationId: supervisorOrganisationId, role: toTier === 'district' ? 'district_officer' : 'street_officer' };
  const holder = before.task;
  return [
    ...(holder
      ? [
          plan.toOrganisation(
            'case_escalated_assignee',
            { kind: 'organisation', organisationId: holder.assigneeOrganisationId, role: holder.assigneeKind },
            escalatedAt,
            { tier },
          ),
        ]
      : []),
    reason === 'council_timeout'
      ? plan.toOrganisation('council_overdue', officers, escalatedAt, { tier, due: chinaTime(before.council?.decideBy ?? escalatedAt) })
      : plan.toOrganisation('case_escalated_officers', officers, escalatedAt, { tier, reason: ESCALATION_REASON_LABELS[reason] }),
    ...(deadlines ? plan.warnings(deadlines, escalatedAt) : []),
  ];
}

interface Planner {
  toResident(template: NotificationTemplate, at: string, variables: Record<string, string>): PlannedNotification;
  toOrganisation(template: NotificationTemplate, recipient: OrganisationRecipient, at: string, variables: Record<string, string>): PlannedNotification;
  /** Warnings to the task's holder before each of `deadlines` still open on it, counted from `start`. */
  warnings(deadlines: Partial<TaskDeadlines>, start: string): PlannedNotification[];
}

function planner(after: CaseState, revision: number, { settings, calendar }: NotificationContext): Planner {
  const caseId = after.caseId!;
  const common = { caseNumber: caseNumberOf(caseId), category: CATEGORIES[after.category!] };
  const planned = (
    template: NotificationTemplate,
    recipient: NotificationRecipient,
    sendAt: string,
    variables: Record<string, string>,
    suffix = '',
  ): PlannedNotification => ({
    key: `${caseId}/${revision}/${template}/${recipient.kind === 'resident' ? 'resident' : recipient.organisationId}${suffix}`,
    caseId,
    revision,
    template,
    recipient,
    variables: { ...common, ...variables },
    sendAt,
  });

  return {
    toResident: (template, at, variables) => planned(template, RESIDENT, afterQuietHours(at, settings.quietHours), variables),
    toOrganisation: (template, recipient, at, variables) => planned(template, recipient, at, { ...variables, organisationId: recipient.organisationId }),
    warnings(deadlines, start) {
      const task = after.task;
      if (!task) return [];
      const holder: OrganisationRecipient = { kind: 'organisation', organisationId: task.assigneeOrganisationId, role: task.assigneeKind };
      return DEADLINE_KINDS.flatMap((kind) => {
        const deadline = deadlines[kind];
        // Only a deadline the task holds open as set here: one already met, or reminded and past, is warned of no more.
        if (!deadline || task.deadlines[kind]?.due !== deadline.due) return [];
        return settings.warningShares.flatMap((share) => {
          const sendAt = shareOfDeadline(start, deadline, share, calendar);
          if (sendAt === undefined) return [];
          const variables = { deadline: DEADLINE_LABELS[kind], due: chinaTime(deadline.due), share: `${Math.round(share * 100)}%`, organisationId: holder.organisationId };
          return [{ ...planned('deadline_warning', holder, sendAt, variables, `/${kind}@${share}`), unlessMet: { taskId: task.taskId, deadline: kind, due: deadline.due } }];
        });
      });
    },
  };
}

/**
 * The number a resident is told and types on their page: the last 8 characters of the case id. Not
 * the first: a case id is a version-7 UUID, whose first 8 characters are the filing time to about a
 * minute, the same for every case filed in that minute.
 */
export function caseNumberOf(caseId: string): string {
  return caseId.slice(-8).toLowerCase();
}

/** The organisation's role as the case records it: the task's kind if it holds the task, else by whom it is to the compound. */
function holderRole(state: CaseState, organisationId: string): AssigneeKind {
  if (state.task?.assigneeOrganisationId === organisationId) return state.task.assigneeKind;
  return organisationId === state.ownersCommitteeId ? 'owners_committee' : 'property_company';
}

const MS_PER_SECOND = 1_000;
const MS_PER_MINUTE = 60_000;
const MS_PER_DAY = 86_400_000;
const CHINA_OFFSET_MS = 8 * 3_600_000;

/**
 * The instant `share` of the deadline's time from `start` to its due date has passed, counted in
 * its unit: elapsed time for hours, working time on the calendar for working days (whole
 * non-working days do not count), rounded up to the second. Undefined when that instant would not come strictly before it is due.
 */
export function shareOfDeadline(start: string, deadline: Pick<Deadline, 'due' | 'unit'>, share: number, calendar: WorkingCalendar): string | undefined {
  const startMs = instantMs(start);
  const dueMs = instantMs(deadline.due);
  if (dueMs <= startMs) return undefined;
  const exactMs = deadline.unit === 'hours' ? startMs + share * (dueMs - startMs) : afterWorkingTime(startMs, dueMs, share, calendar);
  // On the second: a warning needs no finer time. Not coarser: deadlines of seconds (in tests) get their warnings too.
  const sendAtMs = Math.ceil(exactMs / MS_PER_SECOND) * MS_PER_SECOND;
  return sendAtMs < dueMs ? new Date(sendAtMs).toISOString() : undefined;
}

/** The instant when `share` of the working time between start and due has passed. */
function afterWorkingTime(startMs: number, dueMs: number, share: number, calendar: WorkingCalendar): number {
  const workingSpans: Array<[number, number]> = [];
  for (let dayStart = chinaDayStart(startMs); dayStart < dueMs; dayStart += MS_PER_DAY) {
    if (!calendar.isWorkingDay(chinaDate(new Date(dayStart).toISOString()))) continue;
    workingSpans.push([Math.max(dayStart, startMs), Math.min(dayStart + MS_PER_DAY, dueMs)]);
  }
  const total = workingSpans.reduce((sum, [from, to]) => sum + (to - from), 0);
  let remaining = share * total;
  for (const [from, to] of workingSpans) {
    if (remaining < to - from) return from + remaining;
    remaining -= to - from;
  }
  return dueMs;
}

/** Midnight in China of the day the instant falls on. */
function chinaDayStart(ms: number): number {
  return Math.floor((ms + CHINA_OFFSET_MS) / MS_PER_DAY) * MS_PER_DAY - CHINA_OFFSET_MS;
}

/** The event's instant, or the end of the quiet hours (China time) if it falls inside them: [start, end), wrapping midnight when end <= start. */
export function afterQuietHours(at: string, quietHours: NotificationSettings['quietHours']): string {
  if (!quietHours) return at;
  const atMs = instantMs(at);
  const start = minutesOfDay(quietHours.start) * MS_PER_MINUTE;
  const end = minutesOfDay(quietHours.end) * MS_PER_MINUTE;
  const midnight = chinaDayStart(atMs);
  const sinceMidnight = atMs - midnight;
  const quiet = start <= end ? start <= sinceMidnight && sinceMidnight < end : sinceMidnight >= start || sinceMidnight < end;
  if (!quiet) return at;
  return new Date(midnight + end + (sinceMidnight < end ? 0 : MS_PER_DAY)).toISOString();
}

function minutesOfDay(time: string): number {
  const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(time);
  if (!match) throw new Error(`quiet hours: "${time}" is not a time of day written HH:MM`);
  return Number(match[1]) * 60 + Number(match[2]);
}

/** China time as people read it in a message: `12月6日 18:00`. */
export function chinaTime(instant: string): string {
  const china = new Date(instantMs(instant) + CHINA_OFFSET_MS);
  const hhmm = china.toISOString().slice(11, 16);
  return `${china.getUTCMonth() + 1}月${china.getUTCDate()}日 ${hhmm}`;
}

function instantMs(instant: string): number {
  const ms = Date.parse(instant);
  if (Number.isNaN(ms)) throw new Error(`not an ISO-8601 instant: ${instant}`);
  return ms;
}
