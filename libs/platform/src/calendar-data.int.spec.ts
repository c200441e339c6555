import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createWorkingCalendar } from '@yixin/domain';
import { coveredYears, loadCalendarData } from './calendar-data';

describe('loadCalendarData', () => {
  let dir: string;
  beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'yixin-calendar-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const writeJson = (name: string, content: unknown) => {
    const file = join(dir, name);
    writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
    return file;
  };

  it('reads the chinese-days package, keeping the Chinese names', () => {
    const data = loadCalendarData();
    expect(data.holidays['2026-02-16']).toBe('春节');
    expect(data.holidays['2026-10-01']).toBe('国庆节');
    expect(data.workdays['2026-02-14']).toBe('春节');
    const years = coveredYears(data);
    expect(years[0]).toBe(2004);
    expect(years).toEqual(expect.arrayContaining([2025, 2026]));
    expect(years).toEqual([...years].sort((a, b) => a - b));
  });

  it('lays an override file over the package: new days, and days moved from one list to the other', () => {
    const file = writeJson('override.json', {
      holidays: { '2027-01-01': '元旦', '2026-02-28': '春节' },
      workdays: { '2027-01-04': "New Year's Day,元旦,1", '2026-02-16': '春节' },
    });
    const data = loadCalendarData(file);
    expect(data.holidays).toMatchObject({ '2027-01-01': '元旦', '2026-02-28': '春节', '2026-02-15': '春节' });
    expect(data.workdays).toMatchObject({ '2027-01-04': '元旦', '2026-02-16': '春节', '2026-02-14': '春节' });
    expect(data.workdays['2026-02-28']).toBeUndefined();
    expect(data.holidays['2026-02-16']).toBeUndefined();
    expect(coveredYears(data)).toContain(2027);

    const calendar = createWorkingCalendar(data);
    expect(['2027-01-01', '2026-02-28'].some(calendar.isWorkingDay)).toBe(false);
    expect(calendar.isWorkingDay('2026-02-16')).toBe(true);
  });

  it('accepts an override with only one of the lists', () => {
    const data = loadCalendarData(writeJson('holidays-only.json', { holidays: { '2027-02-10': '春节' } }));
    expect(data.holidays['2027-02-10']).toBe('春节');
    expect(data.workdays['2026-02-14']).toBe('春节');
  });

  it('names the file and every bad entry', () => {
    const file = writeJson('bad.json', {
      holidays: { '2027-02-30': '春节', '2027/01/01': '元旦', '2027-01-02': 42, '2027-05-01': '劳动节' },
      workdays: { '2027-05-01': '劳动节' },
      holiday: {},
    });
    const message = errorOf(() => loadCalendarData(file));
    expect(message).toContain(`calendar file ${file} has bad entries`);
    for (const problem of [
      '"holiday" is not one of holidays, workdays',
      `holidays."2027-02-30" is not a real 'YYYY-MM-DD' date`,
      `holidays."2027/01/01" is not a real 'YYYY-MM-DD' date`,
      'holidays."2027-01-02" needs a name, not 42',
      '2027-05-01 is both a holiday and a working day',
    ]) {
      expect(message).toContain(problem);
    }
  });

  it('names the file when it is not JSON or not there', () => {
    const notJson = writeJson('not-json.json', '{"holidays": {');
    expect(() => loadCalendarData(notJson)).toThrow(`calendar file ${notJson} cannot be read as JSON`);
    const missing = join(dir, 'missing.json');
    expect(() => loadCalendarData(missing)).toThrow(`calendar file ${missing} cannot be read as JSON: ENOENT`);
    const list = writeJson('list.json', [{ '2027-01-01': '元旦' }]);
    expect(() => loadCalendarData(list)).toThrow(`calendar file ${list} must hold a JSON object`);
  });
});

function errorOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected an error');
}
