import { chinaDate, createWorkingCalendar, isCalendarDate } from './working-calendar';

// Hand-made data, so that each rule is seen on its own: Monday 2026-03-02 is a holiday, Saturday
// 2026-03-07 is worked, and 2026-03-14 (a Saturday) is listed in both lists.
const calendar = createWorkingCalendar({
  holidays: { '2026-03-02': '假日', '2026-03-14': '两者' },
  workdays: { '2026-03-07': '调休', '2026-03-14': '两者' },
});
const plainWeeks = createWorkingCalendar({ holidays: {}, workdays: {} });

describe('chinaDate', () => {
  it('is the civil date at UTC+8', () => {
    expect(chinaDate('2026-03-01T15:59:59.999Z')).toBe('2026-03-01');
    expect(chinaDate('2026-03-01T16:00:00.000Z')).toBe('2026-03-02');
    expect(chinaDate('2026-03-02T08:00:00+08:00')).toBe('2026-03-02');
  });

  it('refuses what is not an instant', () => expect(() => chinaDate('soon')).toThrow(/not an ISO-8601 instant: soon/));
});

describe('isCalendarDate', () => {
  it.each(['2026-02-28', '2024-02-29'])('accepts %s', (date) => expect(isCalendarDate(date)).toBe(true));
  it.each(['2026-02-29', '2026-02-30', '2026-13-01', '2026-2-1', '20260201', '2026-02-01T00:00:00Z', ''])('refuses %p', (date) =>
    expect(isCalendarDate(date)).toBe(false));
});

describe('createWorkingCalendar', () => {
  it('works Monday to Friday when nothing is listed', () => {
    expect(['2026-03-09', '2026-03-10', '2026-03-11', '2026-03-12', '2026-03-13'].map(plainWeeks.isWorkingDay)).toEqual([true, true, true, true, true]);
    expect(['2026-03-14', '2026-03-15'].map(plainWeeks.isWorkingDay)).toEqual([false, false]);
  });

  it('takes holidays off, works the listed weekend days, and lets a listed working day win', () => {
    expect(calendar.isWorkingDay('2026-03-02')).toBe(false);
    expect(calendar.isWorkingDay('2026-03-07')).toBe(true);
    expect(calendar.isWorkingDay('2026-03-14')).toBe(true);
  });

  it('refuses data and dates that are not real dates', () => {
    expect(() => createWorkingCalendar({ holidays: { '2026-02-30': 'x', '2026-3-1': 'y' }, workdays: {} })).toThrow(
      "calendar holidays: not 'YYYY-MM-DD' dates: 2026-02-30, 2026-3-1",
    );
    expect(() => calendar.isWorkingDay('2026/03/02')).toThrow(/not a 'YYYY-MM-DD' date/);
  });
});

describe('addWorkingDays', () => {
  it('ends at the end of the day, China time, and never counts the start day', () => {
    // Sunday 2026-03-01, 10:00 in China: the holiday Monday is skipped.
    expect(calendar.addWorkingDays('2026-03-01T02:00:00Z', 1)).toBe('2026-03-03T15:59:59.999Z');
    // Tuesday 2026-03-03, a working day itself.
    expect(calendar.addWorkingDays('2026-03-03T02:00:00Z', 1)).toBe('2026-03-04T15:59:59.999Z');
    expect(plainWeeks.addWorkingDays('2026-02-27T09:00:00Z', 1)).toBe('2026-03-02T15:59:59.999Z');
  });

  it('counts a worked Saturday', () => {
    // Friday 2026-03-06 → Saturday 2026-03-07 (worked) → Monday 2026-03-09.
    expect(calendar.addWorkingDays('2026-03-06T01:00:00Z', 1)).toBe('2026-03-07T15:59:59.999Z');
    expect(calendar.addWorkingDays('2026-03-06T01:00:00Z', 2)).toBe('2026-03-09T15:59:59.999Z');
  });

  it('starts from the China date, not the UTC one', () => {
    // 2026-03-06T16:30Z is already Saturday 2026-03-07 in China, so the worked Saturday is the start day.
    expect(calendar.addWorkingDays('2026-03-06T16:30:00Z', 1)).toBe('2026-03-09T15:59:59.999Z');
  });

  it.each([0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])('refuses %p working days', (n) =>
    expect(() => calendar.addWorkingDays('2026-03-02T00:00:00Z', n)).toThrow(/whole number of working days >= 1/));
});

describe('workingDaysBetween', () => {
  it('counts the working days after the first date up to and including the last', () => {
    // 2026-03-01 (Sun) → 2026-03-09 (Mon): 3, 4, 5, 6, 7 (worked Saturday), 9; Monday the 2nd is a holiday.
    expect(calendar.workingDaysBetween('2026-03-01T02:00:00Z', '2026-03-09T02:00:00Z')).toBe(6);
  });

  it('is 0 within one China day and when the end is not after the start', () => {
    expect(calendar.workingDaysBetween('2026-03-03T00:00:00Z', '2026-03-03T15:59:59.999Z')).toBe(0);
    expect(calendar.workingDaysBetween('2026-03-09T02:00:00Z', '2026-03-01T02:00:00Z')).toBe(0);
  });

  it('turns a China midnight into a new day', () =>
    expect(calendar.workingDaysBetween('2026-03-03T15:59:59.999Z', '2026-03-03T16:00:00.000Z')).toBe(1));
});
