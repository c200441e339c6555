import type { WorkingCalendar } from '../calendar/working-calendar';
import { CATEGORY_CODES, URGENCIES, type Category, type Urgency } from './category';

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

/** Operators' policy (configuration, not code); the defaults follow DOMAIN.md. */
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
