/**
 * The Chinese working-day calendar: weekends off, public holidays off, and the adjusted working
 * days (调休) on which a weekend day is worked. Dates are civil dates in China (UTC+8 all year,
 * no daylight saving), written 'YYYY-MM-DD'. Pure: the data comes in from outside.
 */
export interface CalendarData {
  /** Public holidays, e.g. '2026-02-16': '春节'. */
  holidays: Record<string, string>;
  /** Weekend days that are worked in exchange (调休), e.g. '2026-02-14': '春节'. */
  workdays: Record<string, string>;
}

export interface WorkingCalendar {
  isWorkingDay(date: string): boolean;
  /** The end (23:59:59.999 China time) of the n-th working day after the instant's date (n >= 1), as ISO-8601 UTC. */
  addWorkingDays(instant: string, n: number): string;
  /** How many working days d satisfy chinaDate(from) < d <= chinaDate(to); 0 when to is not after from. */
  workingDaysBetween(from: string, to: string): number;
}

/** The civil date in China of an ISO-8601 instant. */
export function chinaDate(instant: string): string {
  throw new Error(`not implemented yet: ${instant}`);
}

export function createWorkingCalendar(data: CalendarData): WorkingCalendar {
  throw new Error(`not implemented yet: ${Object.keys(data).length}`);
}
