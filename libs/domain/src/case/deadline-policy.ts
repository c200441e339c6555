import type { Category } from './category';

/**
 * How long a property company has to sign for and to resolve a task, per category.
 * Counted in elapsed hours; the starting figures are those of DOMAIN.md (sign for within 2 h,
 * emergencies 2 h, water/power/gas 24 h, ordinary matters 7 days, complex ones 15 days).
 * Operators supply their own policy through configuration; this is the default.
 */
export interface DeadlineLimits {
  signForHours: number;
  resolveHours: number;
}

export type DeadlinePolicy = Record<Category, DeadlineLimits>;

const HOURS_PER_DAY = 24;

export const DEFAULT_DEADLINE_POLICY: DeadlinePolicy = {
  elevator: { signForHours: 2, resolveHours: 24 },
  water_leak: { signForHours: 2, resolveHours: 24 },
  power_water_gas: { signForHours: 2, resolveHours: 24 },
  stairwell_clutter: { signForHours: 2, resolveHours: 7 * HOURS_PER_DAY },
  sanitation: { signForHours: 2, resolveHours: 7 * HOURS_PER_DAY },
  parking: { signForHours: 2, resolveHours: 7 * HOURS_PER_DAY },
  fee_dispute: { signForHours: 2, resolveHours: 15 * HOURS_PER_DAY },
  other: { signForHours: 2, resolveHours: 7 * HOURS_PER_DAY },
};

export interface TaskDeadlines {
  signForBy: string;
  resolveBy: string;
}

export function deadlinesFrom(startedAt: string, limits: DeadlineLimits): TaskDeadlines {
  return {
    signForBy: addHours(startedAt, limits.signForHours),
    resolveBy: addHours(startedAt, limits.resolveHours),
  };
}

function addHours(instant: string, hours: number): string {
  return new Date(Date.parse(instant) + hours * 3_600_000).toISOString();
}
