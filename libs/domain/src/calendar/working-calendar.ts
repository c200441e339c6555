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

const MS_PER_DAY = 86_400_000;
const CHINA_OFFSET_MS = 8 * 3_600_000;

/** The civil date in China of an ISO-8601 instant. */
export function chinaDate(instant: string): string {
  return dateOfDayNumber(chinaDayNumber(instant));
}

/** Whether `date` is a real calendar date written 'YYYY-MM-DD' (Date.parse alone accepts '2026-02-30'). */
export function isCalendarDate(date: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return false;
  const ms = Date.parse(date);
  return !Number.isNaN(ms) && dateOfDayNumber(ms / MS_PER_DAY) === date;
}

export function createWorkingCalendar(data: CalendarData): WorkingCalendar {
  const holidays = dayNumberSet(data.holidays, 'holidays');
  const workdays = dayNumberSet(data.workdays, 'workdays');

  // Days are handled as whole days since 1970-01-01 so that the hot loops below only do integer
  // arithmetic and set lookups.
  const isWorkingDayNumber = (day: number): boolean => {
    if (workdays.has(day)) return true;
    if (holidays.has(day)) return false;
    const weekday = (((day + 4) % 7) + 7) % 7; // 1970-01-01 was a Thursday; 0 is Sunday
    return weekday !== 0 && weekday !== 6;
  };

  return {
    isWorkingDay(date) {
      return isWorkingDayNumber(dayNumberOfDate(date));
    },

    addWorkingDays(instant, n) {
      if (!Number.isInteger(n) || n < 1) throw new Error(`addWorkingDays needs a whole number of working days >= 1, not ${n}`);
      let day = chinaDayNumber(instant);
      for (let counted = 0; counted < n; ) {
        day += 1;
        if (isWorkingDayNumber(day)) counted += 1;
      }
      return new Date((day + 1) * MS_PER_DAY - CHINA_OFFSET_MS - 1).toISOString();
    },

    workingDaysBetween(from, to) {
      const last = chinaDayNumber(to);
      let count = 0;
      for (let day = chinaDayNumber(from) + 1; day <= last; day += 1) {
        if (isWorkingDayNumber(day)) count += 1;
      }
      return count;
    },
  };
}

function chinaDayNumber(instant: string): number {
  const ms = Date.parse(instant);
  if (Number.isNaN(ms)) throw new Error(`not an ISO-8601 instant: ${instant}`);
  return Math.floor((ms + CHINA_OFFSET_MS) / MS_PER_DAY);
}

function dayNumberOfDate(date: string): number {
  if (!isCalendarDate(date)) throw new Error(`not a 'YYYY-MM-DD' date: ${date}`);
  return Date.parse(date) / MS_PER_DAY;
}

function dateOfDayNumber(day: number): string {
  return new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
}

function dayNumberSet(dates: Record<string, string>, listName: string): Set<number> {
  const invalid = Object.keys(dates).filter((date) => !isCalendarDate(date));
  if (invalid.length > 0) throw new Error(`calendar ${listName}: not 'YYYY-MM-DD' dates: ${invalid.join(', ')}`);
  return new Set(Object.keys(dates).map(dayNumberOfDate));
}
