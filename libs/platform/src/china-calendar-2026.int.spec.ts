import fc from 'fast-check';
import { chinaDate, createWorkingCalendar } from '@yixin/domain';
import { loadCalendarData } from './calendar-data';

/**
 * The real calendar, as the chinese-days package (1.5.7) holds the State Council's 2026 arrangement:
 * Spring Festival off 2026-02-15 … 02-23, worked Saturdays 02-14 and 02-28; Mid-Autumn off
 * 09-25 … 09-27 (not joined to National Day in 2026); National Day off 10-01 … 10-07, worked
 * Sunday 09-20 and Saturday 10-10.
 */
const calendar = createWorkingCalendar(loadCalendarData());

const datesFrom = (first: string, count: number) =>
  Array.from({ length: count }, (_, i) => new Date(Date.parse(first) + i * 86_400_000).toISOString().slice(0, 10));

describe('the 2026 calendar of chinese-days', () => {
  it('takes the Spring Festival off, 2026-02-15 … 2026-02-23, and works Saturdays 02-14 and 02-28', () => {
    expect(datesFrom('2026-02-15', 9).filter(calendar.isWorkingDay)).toEqual([]);
    expect(['2026-02-13', '2026-02-14', '2026-02-24', '2026-02-28'].every(calendar.isWorkingDay)).toBe(true);
    expect(['2026-02-07', '2026-03-01'].some(calendar.isWorkingDay)).toBe(false);
  });

  it('takes Mid-Autumn (09-25 … 09-27) and National Day (10-01 … 10-07) off, and works Sunday 09-20 and Saturday 10-10', () => {
    expect([...datesFrom('2026-09-25', 3), ...datesFrom('2026-10-01', 7)].filter(calendar.isWorkingDay)).toEqual([]);
    expect(['2026-09-20', '2026-09-24', '2026-09-28', '2026-10-08', '2026-10-10'].every(calendar.isWorkingDay)).toBe(true);
    expect(calendar.isWorkingDay('2026-10-11')).toBe(false);
  });

  it('puts 2026-02-13T16:30Z on 2026-02-14 in China', () => {
    expect(chinaDate('2026-02-13T16:30:00Z')).toBe('2026-02-14');
    expect(chinaDate('2026-02-13T15:59:59.999Z')).toBe('2026-02-13');
  });

  describe('addWorkingDays', () => {
    const fridayBeforeSpringFestival = '2026-02-13T07:00:00Z'; // 15:00 in China

    it('counts the worked Saturday, then jumps the Spring Festival', () => {
      expect(calendar.addWorkingDays(fridayBeforeSpringFestival, 1)).toBe('2026-02-14T15:59:59.999Z');
      expect(calendar.addWorkingDays(fridayBeforeSpringFestival, 3)).toBe('2026-02-25T15:59:59.999Z');
    });

    it('starts on the worked Saturday itself when the instant is past midnight in China', () =>
      expect(calendar.addWorkingDays('2026-02-13T16:30:00Z', 1)).toBe('2026-02-24T15:59:59.999Z'));

    it('jumps the National Day holiday and counts Saturday 10-10', () => {
      const wednesdayBefore = '2026-09-30T02:00:00Z';
      expect(calendar.addWorkingDays(wednesdayBefore, 1)).toBe('2026-10-08T15:59:59.999Z');
      expect(calendar.addWorkingDays(wednesdayBefore, 3)).toBe('2026-10-10T15:59:59.999Z');
    });
  });

  describe('workingDaysBetween', () => {
    it('counts across the Spring Festival: 02-14, 02-24, 02-25, 02-26, 02-27', () =>
      expect(calendar.workingDaysBetween('2026-02-13T07:00:00Z', '2026-02-27T07:00:00Z')).toBe(5));

    it('counts across Mid-Autumn and National Day: 09-28, 09-29, 09-30, 10-08, 10-09, 10-10, 10-12', () =>
      expect(calendar.workingDaysBetween('2026-09-24T02:00:00Z', '2026-10-12T02:00:00Z')).toBe(7));
  });

  it('lands n working days later on a working day, strictly after the start, at the end of a China day', () => {
    const anyInstantIn2025Or2026 = fc
      .date({ min: new Date('2025-01-01T00:00:00+08:00'), max: new Date('2026-12-31T23:59:59.999+08:00'), noInvalidDate: true })
      .map((date) => date.toISOString());
    fc.assert(
      fc.property(anyInstantIn2025Or2026, fc.integer({ min: 1, max: 30 }), (start, n) => {
        const due = calendar.addWorkingDays(start, n);
        expect(calendar.isWorkingDay(chinaDate(due))).toBe(true);
        expect(Date.parse(due)).toBeGreaterThan(Date.parse(start));
        expect(chinaDate(new Date(Date.parse(due) + 1).toISOString())).not.toBe(chinaDate(due));
        expect(calendar.workingDaysBetween(start, due)).toBe(n);
      }),
      { numRuns: 500 },
    );
  });
});
