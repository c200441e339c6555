import { HttpStatus } from '@nestjs/common';
import { isISO8601 } from 'class-validator';
import type { PublicCaseSearch } from '@yixin/open311';
import { Open311Error } from './open311-errors';
import { isServiceCode } from './service-catalog';

/** GeoReport v2's defaults for `GET requests`: the last 90 days, at most 1000 requests. */
const DEFAULT_WINDOW_DAYS = 90;
const MAX_SERVICE_REQUESTS = 1000;

/** W3C date-times: GeoReport requires the time zone. */
const W3C_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/** Named requests (`service_request_id`, which overrides every other parameter, as the spec says), or a search. */
export type ServiceRequestSelection = { caseIds: string[] } | { search: PublicCaseSearch };

/** The query of `GET requests`; an Open311Error (400) listing every problem. Unknown parameters are ignored. */
export function readServiceRequestSelection(query: Record<string, unknown>, now: Date): ServiceRequestSelection {
  // Every parameter may be comma-separated, or repeated (which the query parser gives as an array).
  const values = (name: string): string[] =>
    [query[name] ?? []]
      .flat()
      .flatMap((value) => String(value).split(','))
      .map((value) => value.trim())
      .filter((value) => value !== '');

  const caseIds = values('service_request_id');
  if (caseIds.length > MAX_SERVICE_REQUESTS) {
    throw new Open311Error(HttpStatus.BAD_REQUEST, [`service_request_id names more than ${MAX_SERVICE_REQUESTS} requests`]);
  }
  if (caseIds.length > 0) return { caseIds };

  const problems: string[] = [];
  const codes = values('service_code');
  const categories = codes.filter(isServiceCode);
  for (const code of codes.filter((code) => !isServiceCode(code))) problems.push(`service_code ${code} is not a service here (see services.json)`);
  const statuses = new Set(values('status'));
  for (const status of [...statuses].filter((status) => status !== 'open' && status !== 'closed')) {
    problems.push(`status ${status} is neither open nor closed`);
  }
  const instant = (name: string): number | undefined => {
    const given = values(name);
    if (given.length === 0) return undefined;
    if (given.length === 1 && W3C_DATE_TIME.test(given[0]) && isISO8601(given[0], { strict: true })) return Date.parse(given[0]);
    problems.push(`${name} must be one W3C date-time with a time zone, such as 2026-11-01T00:00:00+08:00 (in a URL, + is written %2B)`);
    return undefined;
  };
  const start = instant('start_date');
  const end = instant('end_date');
  if (start !== undefined && end !== undefined && start > end) problems.push('start_date is after end_date');
  if (problems.length > 0) throw new Open311Error(HttpStatus.BAD_REQUEST, problems);

  const filedTo = end ?? now.getTime();
  const filedFrom = start ?? filedTo - DEFAULT_WINDOW_DAYS * 24 * 3_600_000;
  return {
    search: {
      filedFrom: new Date(filedFrom).toISOString(),
      filedTo: new Date(filedTo).toISOString(),
      categories: categories.length > 0 ? categories : undefined,
      closed: statuses.size === 1 ? statuses.has('closed') : undefined,
      limit: MAX_SERVICE_REQUESTS,
    },
  };
}
