import type { WorkingCalendar } from '../calendar/working-calendar';
import type { Category, Urgency } from './category';

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

export declare const DEFAULT_DEADLINE_POLICY: DeadlinePolicy;

export function unitOf(duration: Duration): DeadlineUnit {
  return 'hours' in duration ? 'hours' : 'working_days';
}

/** The instant a duration after `instant` ends: exact hours, or the end of the n-th working day after. */
export declare function addDuration(instant: string, duration: Duration, calendar: WorkingCalendar): string;

/** A deadline pushed back by the time its clock was paused (hours: exactly; working days: the working days passed). */
export declare function pushBackByPause(due: string, unit: DeadlineUnit, pausedAt: string, resumedAt: string, calendar: WorkingCalendar): string;

/** A policy file's JSON merged over `base`; throws an Error naming every invalid entry by its path. */
export declare function parseDeadlinePolicy(json: unknown, base?: DeadlinePolicy): DeadlinePolicy;
