/**
 * Where every deadline of a case is defined and computed: what a deadline is, the operators'
 * policy that sets its limits, and the arithmetic that sets, renews, extends and pushes it back.
 * The decider records what is computed here in events; nothing else counts time.
 */
import type { WorkingCalendar } from '../calendar/working-calendar';
import type { Tier } from '../shared/actor';
import { CATEGORY_CODES, URGENCIES, type Category, type Urgency } from './category';
import { TASK_RUNNING_STATUSES, type CaseState, type TaskState } from './case-state';

export const DEADLINE_KINDS = ['sign_for', 'first_reply', 'resolve'] as const;
export type DeadlineKind = (typeof DEADLINE_KINDS)[number];

/**
 * A deadline still to be met: when it falls due, the unit it is counted in (a pause pushes it back
 * in that unit), when a miss is reminded; once reminded, when the case escalates if it is still not met.
 */
export interface Deadline {
  due: string;
  unit: DeadlineUnit;
  remindAt: string;
  remindedAt?: string;
  escalateAt?: string;
}

export type TaskDeadlines = Record<DeadlineKind, Deadline>;

/** A time limit, in elapsed hours (urgent matters) or in working days on the Chinese calendar. */
export type Duration = { hours: number } | { workingDays: number };
export type DeadlineUnit = 'hours' | 'working_days';

/** The limits of one task: sign for it, give a first reply, resolve it. */
export interface TaskLimits {
  signFor: Duration;
  firstReply: Duration;
  resolve: Duration;
}

/** After a missed deadline: when the reminder (催办) goes out, and how long after it the case is escalated. */
export interface FollowUp {
  remindAfter: Duration;
  escalateAfter: Duration;
}

/** Operators' policy (configuration, not code): DEFAULT_DEADLINE_POLICY, overridden by a policy file. */
export interface DeadlinePolicy {
  tasks: Record<Category, Record<Urgency, TaskLimits>>;
  /** Fresh limits set by the supervising tier for what is still open when a case is escalated to it. */
  escalatedTasks: Record<'street' | 'district', TaskLimits>;
  followUp: Record<Urgency, FollowUp>;
  /** How long a council has to decide a matter referred to it. */
  councilDecision: Duration;
}

const MS_PER_HOUR = 3_600_000;

const hours = (n: number): Duration => ({ hours: n });
const workingDays = (n: number): Duration => ({ workingDays: n });

/** How long a normal-urgency task has to be resolved; urgent ones all get 24 hours. */
const NORMAL_RESOLVE_WITHIN: Record<Category, Duration> = {
  elevator: hours(24),
  water_leak: hours(24),
  power_water_gas: hours(24),
  stairwell_clutter: workingDays(7),
  sanitation: workingDays(7),
  parking: workingDays(7),
  other: workingDays(7),
  fee_dispute: workingDays(15),
  maintenance_fund: workingDays(15),
  property_contract: workingDays(15),
};

const normalTask = (resolve: Duration): TaskLimits => ({ signFor: hours(2), firstReply: workingDays(1), resolve });
const urgentTask = (): TaskLimits => ({ signFor: hours(0.5), firstReply: hours(2), resolve: hours(24) });
const escalatedTask = (): TaskLimits => ({ signFor: hours(2), firstReply: workingDays(1), resolve: workingDays(5) });

export const DEFAULT_DEADLINE_POLICY: DeadlinePolicy = deepFreeze({
  tasks: Object.fromEntries(
    CATEGORY_CODES.map((category) => [category, { normal: normalTask(NORMAL_RESOLVE_WITHIN[category]), urgent: urgentTask() }]),
  ) as DeadlinePolicy['tasks'],
  escalatedTasks: { street: escalatedTask(), district: escalatedTask() },
  followUp: {
    normal: { remindAfter: workingDays(1), escalateAfter: workingDays(5) },
    urgent: { remindAfter: hours(1), escalateAfter: hours(4) },
  },
  councilDecision: workingDays(10),
});

/** What the domain needs to count time: the operators' policy and the working-day calendar. */
export interface CaseClock {
  policy: DeadlinePolicy;
  calendar: WorkingCalendar;
}

/** Fresh deadlines for a task given at `at`, with the limits of the tier handling the case (or of `tier`). */
export function freshDeadlines(state: CaseState, clock: CaseClock, at: string, tier: Tier = state.tier): TaskDeadlines {
  const limits = limitsAt(state, clock, tier);
  return Object.fromEntries(DEADLINE_KINDS.map((kind) => [kind, deadlineAfter(state, clock, at, limitOf(limits, kind))])) as TaskDeadlines;
}

/** A council decides when its decision is due; sign-for and first reply follow the tier's limits. */
export function councilDecisionDeadlines(state: CaseState, clock: CaseClock, at: string, dueBy: string): TaskDeadlines {
  return { ...freshDeadlines(state, clock, at), resolve: { due: dueBy, unit: 'hours', remindAt: remindAt(state, clock, dueBy) } };
}

/** The tier a case is escalated to sets fresh limits for whatever is still open on the task. */
export function renewedDeadlines(state: CaseState, clock: CaseClock, tier: Tier, at: string): Partial<TaskDeadlines> {
  const fresh = freshDeadlines(state, clock, at, tier);
  return Object.fromEntries(openKinds(state.task!).map((kind) => [kind, fresh[kind]]));
}

/** An extension counts from the deadline it extends, not from when it is granted. */
export function extendedDeadline(state: CaseState, clock: CaseClock, current: Deadline, extension: Duration): Deadline {
  return deadlineAfter(state, clock, current.due, extension);
}

/**
 * Every open deadline pushed back by the time the clock stood still, each instant counted the way
 * it was set: the due date in its own unit, the reminder and escalation in the follow-up's.
 */
export function deadlinesAfterPause(state: CaseState, clock: CaseClock, pausedAt: string, resumedAt: string): Partial<TaskDeadlines> {
  const task = state.task!;
  const pushBack = (instant: string, unit: DeadlineUnit) => pushBackByPause(instant, unit, pausedAt, resumedAt, clock.calendar);
  const escalationUnit = unitOf(clock.policy.followUp[state.urgency!].escalateAfter);
  return Object.fromEntries(
    openKinds(task).map((kind) => {
      const { due, unit, remindedAt, escalateAt } = task.deadlines[kind]!;
      const pushedDue = pushBack(due, unit);
      return [
        kind,
        {
          due: pushedDue,
          unit,
          remindAt: remindAt(state, clock, pushedDue),
          ...(remindedAt ? { remindedAt } : {}),
          ...(escalateAt ? { escalateAt: pushBack(escalateAt, escalationUnit) } : {}),
        },
      ];
    }),
  );
}

/** When a deadline reminded at `remindedAt` and still not met escalates the case. */
export function escalateAtAfterReminder(state: CaseState, clock: CaseClock, remindedAt: string): string {
  return addDuration(remindedAt, clock.policy.followUp[state.urgency!].escalateAfter, clock.calendar);
}

/** When a council referred a matter at `referredAt` must have decided it. */
export function councilDecideBy(clock: CaseClock, referredAt: string): string {
  return addDuration(referredAt, clock.policy.councilDecision, clock.calendar);
}

/** The earliest due date of the task's open deadlines; none while its clock is paused or not running. */
export function nextDeadlineOf(state: CaseState): string | undefined {
  if (!TASK_RUNNING_STATUSES.includes(state.status) || state.paused || !state.task) return undefined;
  const dues = Object.values(state.task.deadlines).map((open) => Date.parse(open.due));
  return dues.length === 0 ? undefined : new Date(Math.min(...dues)).toISOString();
}

function deadlineAfter(state: CaseState, clock: CaseClock, from: string, limit: Duration): Deadline {
  const due = addDuration(from, limit, clock.calendar);
  return { due, unit: unitOf(limit), remindAt: remindAt(state, clock, due) };
}

function remindAt(state: CaseState, clock: CaseClock, due: string): string {
  return addDuration(due, clock.policy.followUp[state.urgency!].remindAfter, clock.calendar);
}

function limitsAt(state: CaseState, clock: CaseClock, tier: Tier): TaskLimits {
  return tier === 'community' ? clock.policy.tasks[state.category!][state.urgency!] : clock.policy.escalatedTasks[tier];
}

function limitOf(limits: TaskLimits, kind: DeadlineKind): Duration {
  switch (kind) {
    case 'sign_for':
      return limits.signFor;
    case 'first_reply':
      return limits.firstReply;
    case 'resolve':
      return limits.resolve;
  }
}

function openKinds(task: TaskState): DeadlineKind[] {
  return DEADLINE_KINDS.filter((kind) => task.deadlines[kind] !== undefined);
}

export function unitOf(duration: Duration): DeadlineUnit {
  return 'hours' in duration ? 'hours' : 'working_days';
}

/** The instant a duration after `instant` ends: exact hours, or the end of the n-th working day after. */
export function addDuration(instant: string, duration: Duration, calendar: WorkingCalendar): string {
  if (!('hours' in duration)) return calendar.addWorkingDays(instant, duration.workingDays);
  if (!isValidHours(duration.hours)) throw new Error(`a duration in hours must be > 0, not ${duration.hours}`);
  return shiftInstant(instant, duration.hours * MS_PER_HOUR);
}

/** A deadline pushed back by the time its clock was paused (hours: exactly; working days: the working days passed). */
export function pushBackByPause(due: string, unit: DeadlineUnit, pausedAt: string, resumedAt: string, calendar: WorkingCalendar): string {
  switch (unit) {
    case 'hours':
      // A pause stamped as ending before it began (clock skew) pushes nothing, as in working days.
      return shiftInstant(due, Math.max(0, instantMs(resumedAt) - instantMs(pausedAt)));
    case 'working_days': {
      const workingDaysPaused = calendar.workingDaysBetween(pausedAt, resumedAt);
      return workingDaysPaused === 0 ? due : calendar.addWorkingDays(due, workingDaysPaused);
    }
    default:
      throw new Error(`unknown deadline unit: ${String(unit satisfies never)}`);
  }
}

/** A policy file's JSON merged over `base`; throws an Error naming every invalid entry by its path. */
export function parseDeadlinePolicy(json: unknown, base: DeadlinePolicy = DEFAULT_DEADLINE_POLICY): DeadlinePolicy {
  if (!isPlainObject(json)) throw new Error(`deadline policy: must be a JSON object, not ${JSON.stringify(json)}`);
  const problems: string[] = [];
  const policy = mergeChecked(POLICY_SHAPE, base, json, '', problems);
  if (problems.length > 0) throw new Error(`deadline policy: ${problems.join('; ')}`);
  return policy as DeadlinePolicy;
}

function isValidHours(n: unknown): n is number {
  return typeof n === 'number' && Number.isFinite(n) && n > 0;
}

function isValidWorkingDays(n: unknown): n is number {
  return typeof n === 'number' && Number.isInteger(n) && n >= 1;
}

function instantMs(instant: string): number {
  const ms = Date.parse(instant);
  if (Number.isNaN(ms)) throw new Error(`not an ISO-8601 instant: ${instant}`);
  return ms;
}

function shiftInstant(instant: string, ms: number): string {
  return new Date(instantMs(instant) + ms).toISOString();
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    Object.values(value).forEach(deepFreeze);
    Object.freeze(value);
  }
  return value;
}

/**
 * The layout of a policy, for merging and checking: a duration at the leaves; a branch knows its keys
 * and, for the error message, what they are (else they are listed).
 */
type Shape = 'duration' | { keysAre?: string; children: Record<string, Shape> };

const branch = (keys: readonly string[], child: Shape, keysAre?: string): Shape => ({
  keysAre,
  children: Object.fromEntries(keys.map((key) => [key, child])),
});
const TASK_LIMITS_SHAPE = branch(['signFor', 'firstReply', 'resolve'], 'duration');
const POLICY_SHAPE = {
  children: {
    tasks: branch(CATEGORY_CODES, branch(URGENCIES, TASK_LIMITS_SHAPE, 'an urgency (normal, urgent)'), 'a category'),
    escalatedTasks: branch(['street', 'district'], TASK_LIMITS_SHAPE, 'a supervising tier (street, district)'),
    followUp: branch(URGENCIES, branch(['remindAfter', 'escalateAfter'], 'duration'), 'an urgency (normal, urgent)'),
    councilDecision: 'duration',
  },
} satisfies Shape;

const DURATION_FORMAT = '{"hours": n} (n > 0) or {"workingDays": n} (whole n >= 1)';

/** The override laid over the base along `shape`: a fresh value, whose problems are added to `problems`. */
function mergeChecked(shape: Shape, base: unknown, override: unknown, path: string, problems: string[]): unknown {
  if (shape === 'duration') {
    const duration = override === undefined ? base : override;
    if (duration === undefined) problems.push(`${path} is missing`);
    else if (!isDuration(duration)) problems.push(`${path} must be ${DURATION_FORMAT}, not ${JSON.stringify(duration)}`);
    else return { ...duration };
    return undefined;
  }
  if (override !== undefined && !isPlainObject(override)) {
    problems.push(`${path} must be an object, not ${JSON.stringify(override)}`);
    return undefined;
  }
  if (override === undefined && !isPlainObject(base)) {
    problems.push(`${path} is missing`);
    return undefined;
  }
  const pathOf = (key: string) => (path ? `${path}.${key}` : key);
  for (const key of Object.keys(override ?? {})) {
    if (!Object.hasOwn(shape.children, key)) {
      problems.push(`${pathOf(key)} is not ${shape.keysAre ?? `one of ${Object.keys(shape.children).join(', ')}`}`);
    }
  }
  const baseBranch = isPlainObject(base) ? base : {};
  return Object.fromEntries(
    Object.entries(shape.children).map(([key, child]) => [key, mergeChecked(child, baseBranch[key], override?.[key], pathOf(key), problems)]),
  );
}

function isDuration(value: unknown): value is Duration {
  if (!isPlainObject(value) || Object.keys(value).length !== 1) return false;
  return 'hours' in value ? isValidHours(value.hours) : isValidWorkingDays(value.workingDays);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
