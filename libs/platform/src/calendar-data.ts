import { readFileSync } from 'node:fs';
import { isCalendarDate, type CalendarData } from '@yixin/domain';

/** The State Council's yearly arrangement of holidays, as maintained in the chinese-days package. */
const PACKAGED_CALENDAR = 'chinese-days/dist/chinese-days.json';

// chinese-days also lists `inLieuDays`; they are all among its holidays already, so they are accepted and not read.
const CALENDAR_FILE_KEYS = ['holidays', 'workdays', 'inLieuDays'];

/**
 * The holidays and adjusted working days of the chinese-days package, with those of `overrideFile`
 * (a JSON file {holidays?, workdays?}) laid over them, so that operators can add a year that the
 * package does not know yet without a code change.
 */
export function loadCalendarData(overrideFile?: string): CalendarData {
  const packaged = readCalendarFile(require.resolve(PACKAGED_CALENDAR));
  if (overrideFile === undefined) return packaged;
  const override = readCalendarFile(overrideFile);
  const holidays = { ...packaged.holidays };
  const workdays = { ...packaged.workdays };
  for (const [date, name] of Object.entries(override.holidays)) {
    delete workdays[date];
    holidays[date] = name;
  }
  for (const [date, name] of Object.entries(override.workdays)) {
    delete holidays[date];
    workdays[date] = name;
  }
  return { holidays, workdays };
}

/** The years with at least one public holiday in the data, ascending: outside them every weekday would count as a working day. */
export function coveredYears(data: CalendarData): number[] {
  const years = new Set(Object.keys(data.holidays).map((date) => Number(date.slice(0, 4))));
  return [...years].sort((a, b) => a - b);
}

function readCalendarFile(file: string): CalendarData {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`calendar file ${file} cannot be read as JSON: ${(error as Error).message}`);
  }
  if (!isPlainObject(json)) throw new Error(`calendar file ${file} must hold a JSON object {"holidays": {...}, "workdays": {...}}`);

  const problems = Object.keys(json)
    .filter((key) => !CALENDAR_FILE_KEYS.includes(key))
    .map((key) => `"${key}" is not one of holidays, workdays`);
  const holidays = readDays(json.holidays, 'holidays', problems);
  const workdays = readDays(json.workdays, 'workdays', problems);
  for (const date of Object.keys(holidays).filter((date) => date in workdays)) {
    problems.push(`${date} is both a holiday and a working day`);
  }
  if (problems.length > 0) throw new Error(`calendar file ${file} has bad entries: ${problems.join('; ')}`);
  return { holidays, workdays };
}

function readDays(days: unknown, listName: string, problems: string[]): Record<string, string> {
  if (days === undefined) return {};
  if (!isPlainObject(days)) {
    problems.push(`${listName} must be an object of 'YYYY-MM-DD': name`);
    return {};
  }
  const valid: Record<string, string> = {};
  for (const [date, value] of Object.entries(days)) {
    if (!isCalendarDate(date)) problems.push(`${listName}."${date}" is not a real 'YYYY-MM-DD' date`);
    else if (typeof value !== 'string' || value.trim() === '') problems.push(`${listName}."${date}" needs a name, not ${JSON.stringify(value)}`);
    else valid[date] = chineseName(value);
  }
  return valid;
}

/** chinese-days writes "Spring Festival,春节,4" (English, Chinese, a number); plain names such as "春节" are kept as written. */
function chineseName(value: string): string {
  const parts = value.split(',');
  return parts.length === 3 ? parts[1].trim() : value.trim();
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
