import { evolveCase, initialCaseState, type AssigneeKind, type CaseState, type CaseStatus, type TaskDeadlines } from '@yixin/domain';
import type { RecordedEvent } from '@yixin/event-store';
import { caseIdOfStream, toCaseEvent } from '@yixin/case-stream';
import type { SqlDatabase, SqlStatement } from '@yixin/stores';
import { upsertRow, type Projection } from '@yixin/projections';

/**
 * The facts the three rates (三率) are counted from, one row per fact, so that a month's figures
 * are a GROUP BY and re-applying an event changes nothing. What counts, and in which month, is
 * written out in docs/rates.md; in short:
 *
 * - rate_tasks: every task given (TaskDispatched, TaskRedoOrdered), in the month it was given, with
 *   its sign-for limit (as given, moved back by a paused clock, not by an escalation's fresh limits),
 *   when it was signed for, and when it ended unsigned (taken back, returned, closed).
 * - rate_closings: every closing of a case that had a task, withdrawals aside, resolved or not.
 * - rate_cases: each case now, with the resolve deadline of its open, unresolved task: the cases
 *   "due" are found by comparing it with the time of the question.
 * - rate_call_backs: every call-back, with its outcome.
 *
 * Each fact carries the case's community and street (from its ComplaintFiled; the street is null
 * for complaints filed before the jurisdiction was recorded: the directory supplies it) and the
 * organisation that held the case's task then.
 */
/** The columns of every fact of a case (rate_closings, rate_call_backs): where it counts (placeOf) and its month. */
const FACT_COLUMNS = `
      case_id TEXT NOT NULL,
      community_id TEXT NOT NULL,
      street_id TEXT,
      holder_organisation_id TEXT,
      holder_kind TEXT,
      month TEXT NOT NULL,`;

export const ratesProjection: Projection = {
  name: 'rates',
  version: 1,
  tables: ['rate_cases', 'rate_tasks', 'rate_closings', 'rate_call_backs'],
  schema: `
    CREATE TABLE IF NOT EXISTS rate_cases (
      case_id TEXT PRIMARY KEY,
      community_id TEXT NOT NULL,
      street_id TEXT,
      holder_organisation_id TEXT,
      holder_kind TEXT,
      unresolved_due_ms BIGINT,
      revision BIGINT NOT NULL,
      state_json TEXT NOT NULL);
    CREATE INDEX IF NOT EXISTS rate_cases_due ON rate_cases (unresolved_due_ms);
    CREATE TABLE IF NOT EXISTS rate_tasks (
      task_key TEXT PRIMARY KEY,
      case_id TEXT NOT NULL,
      community_id TEXT NOT NULL,
      street_id TEXT,
      assignee_organisation_id TEXT NOT NULL,
      assignee_kind TEXT NOT NULL,
      month TEXT NOT NULL,
      sign_for_due_ms BIGINT NOT NULL,
      signed_for_at_ms BIGINT,
      ended_unsigned_at_ms BIGINT,
      revision BIGINT NOT NULL);
    CREATE INDEX IF NOT EXISTS rate_tasks_month ON rate_tasks (month);
    CREATE TABLE IF NOT EXISTS rate_closings (
      closing_key TEXT PRIMARY KEY,${FACT_COLUMNS}
      resolved INTEGER NOT NULL);
    CREATE INDEX IF NOT EXISTS rate_closings_month ON rate_closings (month);
    CREATE TABLE IF NOT EXISTS rate_call_backs (
      call_back_key TEXT PRIMARY KEY,${FACT_COLUMNS}
      outcome TEXT NOT NULL);
    CREATE INDEX IF NOT EXISTS rate_call_backs_month ON rate_call_backs (month)`,

  async apply(events, db) {
    const caseEvents = events.filter((event) => caseIdOfStream(event.streamId) !== undefined);
    const cases = await loadCases(db, [...new Set(caseEvents.map((event) => caseIdOfStream(event.streamId)!))]);
    const changes: Changes = { facts: [], tasks: new Map(), cases: new Set() };
    for (const event of caseEvents) {
      const caseId = caseIdOfStream(event.streamId)!;
      const before = cases.get(caseId);
      const after = evolveRateCase(before, event, changes);
      if (!after) continue;
      cases.set(caseId, after);
      changes.cases.add(caseId);
      if (after.task && after.task !== before?.task) changes.tasks.set(after.task.key, { task: after.task, rateCase: after });
    }
    return [
      ...changes.facts,
      ...[...changes.tasks.values()].map(({ task, rateCase }) => upsertRow('rate_tasks', 'task_key', 'revision', taskRow(task, rateCase))),
      ...[...changes.cases].map((caseId) => upsertRow('rate_cases', 'case_id', 'revision', caseRow(cases.get(caseId)!))),
    ];
  },
};

interface Changes {
  facts: SqlStatement[];
  /** Tasks to write, the last version of each, with the case they belong to. */
  tasks: Map<string, { task: RateTask; rateCase: RateCase }>;
  cases: Set<string>;
}

/** A task as the response rate sees it. Instants are epoch milliseconds, compared in SQL. */
interface RateTask {
  /** The case and the revision of the event that gave it: a redo keeps the task id but is a task of its own here. */
  key: string;
  assigneeOrganisationId: string;
  assigneeKind: AssigneeKind;
  month: string;
  signForDueMs: number;
  resolveDueMs: number;
  signedForAtMs: number | null;
  endedUnsignedAtMs: number | null;
}

interface RateCase {
  caseId: string;
  communityId: string;
  streetId: string | null;
  /** The domain's own view: status, holder, and the deadlines as the domain moves them. */
  state: CaseState;
  /** The case's current task; none before its first dispatch and after a reopening. */
  task?: RateTask;
  revision: number;
}

/** Statuses in which the task's assignee holds the case; a returned case waits for the community, a council's for the council. */
const HELD_STATUSES: readonly CaseStatus[] = ['awaiting_sign_for', 'in_progress', 'resolved', 'awaiting_redo'];

/** Statuses in which the task is still to be resolved: past its deadline the case counts as due. */
const UNRESOLVED_STATUSES: readonly CaseStatus[] = ['awaiting_sign_for', 'in_progress', 'returned'];

/** Closings that follow the assignee's resolution, the resident satisfied or not to be reached. */
const RESOLVED_CLOSINGS = ['resident_satisfied', 'resident_unreachable'];

function evolveRateCase(rateCase: RateCase | undefined, event: RecordedEvent, changes: Changes): RateCase | undefined {
  const caseEvent = toCaseEvent(event);
  if (caseEvent.type === 'ComplaintFiled') {
    if (rateCase) return undefined;
    const { caseId, location, jurisdiction } = caseEvent.data;
    return { caseId, communityId: location.communityId, streetId: jurisdiction?.streetId ?? null, state: evolveCase(initialCaseState, caseEvent), revision: event.revision };
  }
  if (!rateCase || rateCase.revision >= event.revision) return undefined;
  const before = rateCase.state;
  const state = evolveCase(before, caseEvent);
  const task = rateCase.task;
  const next = (current: RateTask | undefined): RateCase => ({ ...rateCase, state, task: current, revision: event.revision });
  const given = (deadlines: TaskDeadlines, at: string): RateTask => ({
    key: `${rateCase.caseId}/${event.revision}`,
    assigneeOrganisationId: state.task!.assigneeOrganisationId,
    assigneeKind: state.task!.assigneeKind,
    month: chinaMonthOf(at),
    signForDueMs: Date.parse(deadlines.sign_for.due),
    resolveDueMs: Date.parse(deadlines.resolve.due),
    signedForAtMs: null,
    endedUnsignedAtMs: null,
  });
  const fact = (table: string, keyColumn: string, row: Record<string, unknown>) =>
    changes.facts.push(insertOnce(table, keyColumn, { [keyColumn]: `${rateCase.caseId}/${event.revision}`, ...placeOf(rateCase, before), ...row }));

  switch (caseEvent.type) {
    case 'TaskDispatched': {
      const { dispatchedAt, deadlines } = caseEvent.data;
      const dispatched = next(given(deadlines, dispatchedAt));
      // The task it replaces is written here: apply only sees the case's current task.
      const replaced = endedUnsigned(task, dispatchedAt);
      if (replaced && replaced !== task) changes.tasks.set(replaced.key, { task: replaced, rateCase: dispatched });
      return dispatched;
    }
    case 'TaskRedoOrdered':
      return next(given(caseEvent.data.deadlines, caseEvent.data.orderedAt));
    case 'TaskSignedFor':
      return next(task && { ...task, signedForAtMs: Date.parse(caseEvent.data.signedForAt) });
    case 'TaskReturned':
      return next(endedUnsigned(task, caseEvent.data.returnedAt));
    case 'ReturnRejected':
      // The task is the assignee's again, under its original limit.
      return next(task && task.signedForAtMs === null ? { ...task, endedUnsignedAtMs: null } : task);
    case 'ClockResumed': {
      const current = before.task?.deadlines;
      const moved = caseEvent.data.deadlines;
      return next(
        task && {
          ...task,
          signForDueMs: task.signForDueMs + shift(current?.sign_for?.due, moved.sign_for?.due),
          resolveDueMs: task.resolveDueMs + shift(current?.resolve?.due, moved.resolve?.due),
        },
      );
    }
    case 'DeadlineExtended':
      return next(task && { ...task, resolveDueMs: task.resolveDueMs + shift(before.task?.deadlines.resolve?.due, caseEvent.data.resolve.due) });
    case 'CaseLinkedAsDuplicate':
      return next(endedUnsigned(task, caseEvent.data.linkedAt));
    case 'CaseReferredToCouncil':
      return next(endedUnsigned(task, caseEvent.data.referredAt));
    case 'CallBackRecorded':
      fact('rate_call_backs', 'call_back_key', { month: chinaMonthOf(caseEvent.data.calledBackAt), outcome: caseEvent.data.outcome });
      return next(task);
    case 'CaseClosed': {
      const { reason, closedAt } = caseEvent.data;
      if (task && reason !== 'withdrawn') {
        fact('rate_closings', 'closing_key', { month: chinaMonthOf(closedAt), resolved: RESOLVED_CLOSINGS.includes(reason) ? 1 : 0 });
      }
      return next(endedUnsigned(task, closedAt));
    }
    case 'CaseReopened':
      return next(undefined);
    default:
      return next(task);
  }
}

/** The task, ended at `instant` if it was still waiting to be signed for; the same object when nothing changes. */
function endedUnsigned(task: RateTask | undefined, instant: string): RateTask | undefined {
  if (!task || task.signedForAtMs !== null || task.endedUnsignedAtMs !== null) return task;
  return { ...task, endedUnsignedAtMs: Date.parse(instant) };
}

/**
 * How far the domain moved one of its deadlines (a paused clock, an extension): the limit counted
 * here moves as far, even when the domain's deadline had been renewed by an escalation meanwhile.
 */
function shift(from: string | undefined, to: string | undefined): number {
  return from === undefined || to === undefined ? 0 : Date.parse(to) - Date.parse(from);
}

/** Where a fact of the case counts: its community and street, and the organisation holding its task. */
function placeOf(rateCase: RateCase, state: CaseState) {
  const holder = holderOf(state);
  return {
    case_id: rateCase.caseId,
    community_id: rateCase.communityId,
    street_id: rateCase.streetId,
    holder_organisation_id: holder?.organisationId ?? null,
    holder_kind: holder?.kind ?? null,
  };
}

function holderOf(state: CaseState): { organisationId: string; kind: AssigneeKind } | undefined {
  const task = state.task;
  return task && HELD_STATUSES.includes(state.status) ? { organisationId: task.assigneeOrganisationId, kind: task.assigneeKind } : undefined;
}

/** A fact is written once: a second worker, or the same event applied again, adds nothing. */
function insertOnce(table: string, keyColumn: string, row: Record<string, unknown>): SqlStatement {
  const columns = Object.keys(row);
  return {
    sql: `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')}) ON CONFLICT (${keyColumn}) DO NOTHING`,
    params: columns.map((column) => row[column]),
  };
}

function taskRow(task: RateTask, rateCase: RateCase): Record<string, unknown> {
  return {
    task_key: task.key,
    case_id: rateCase.caseId,
    community_id: rateCase.communityId,
    street_id: rateCase.streetId,
    assignee_organisation_id: task.assigneeOrganisationId,
    assignee_kind: task.assigneeKind,
    month: task.month,
    sign_for_due_ms: task.signForDueMs,
    signed_for_at_ms: task.signedForAtMs,
    ended_unsigned_at_ms: task.endedUnsignedAtMs,
    revision: rateCase.revision,
  };
}

interface StoredRateCase {
  case_id: string;
  state_json: string;
}

function caseRow(rateCase: RateCase): Record<string, unknown> {
  const { state, task } = rateCase;
  const unresolved = task !== undefined && UNRESOLVED_STATUSES.includes(state.status) && !state.paused;
  return {
    ...placeOf(rateCase, state),
    unresolved_due_ms: unresolved ? task.resolveDueMs : null,
    revision: rateCase.revision,
    state_json: JSON.stringify(rateCase),
  };
}

const IN_CHUNK = 500;

async function loadCases(db: SqlDatabase, caseIds: string[]): Promise<Map<string, RateCase>> {
  const cases = new Map<string, RateCase>();
  for (let start = 0; start < caseIds.length; start += IN_CHUNK) {
    const chunk = caseIds.slice(start, start + IN_CHUNK);
    const rows = await db.query<StoredRateCase>(
      `SELECT case_id, state_json FROM rate_cases WHERE case_id IN (${chunk.map(() => '?').join(', ')})`,
      chunk,
    );
    for (const row of rows) cases.set(row.case_id, JSON.parse(row.state_json) as RateCase);
  }
  return cases;
}

const CHINA_OFFSET_MS = 8 * 3_600_000;

/** The month (YYYY-MM) of an instant in China time (UTC+8 all year). */
export function chinaMonthOf(instant: string): string {
  return new Date(Date.parse(instant) + CHINA_OFFSET_MS).toISOString().slice(0, 7);
}

/** The first instant of a month in China time and the first of the next, in epoch milliseconds. */
export function chinaMonthBounds(month: string): { startMs: number; endMs: number } {
  const [year, monthNumber] = month.split('-').map(Number);
  return { startMs: Date.UTC(year, monthNumber - 1, 1) - CHINA_OFFSET_MS, endMs: Date.UTC(year, monthNumber, 1) - CHINA_OFFSET_MS };
}

/** One month's counts at one place: a community and street, and the organisation holding the task (null: nobody). */
export interface RateFacts {
  communityId: string;
  /** Null for complaints filed before the jurisdiction was recorded: the directory knows the community's street. */
  streetId: string | null;
  holderOrganisationId: string | null;
  holderKind: AssigneeKind | null;
  tasksAssigned: number;
  tasksSignedForInTime: number;
  casesClosed: number;
  casesOpenPastDeadline: number;
  casesResolved: number;
  callBacksSatisfied: number;
  callBacksNotSatisfied: number;
  callBacksUnreachable: number;
}

type Counter = Exclude<keyof RateFacts, 'communityId' | 'streetId' | 'holderOrganisationId' | 'holderKind'>;

interface PlaceRow {
  community_id: string;
  street_id: string | null;
  holder_organisation_id: string | null;
  holder_kind: AssigneeKind | null;
}

const PLACE = 'community_id, street_id, holder_organisation_id, holder_kind';

/**
 * The counts of `month` (YYYY-MM, China time) as they stand at `nowMs`: a task is counted once it is
 * signed for or its sign-for limit has passed, an open case once its resolve deadline has passed.
 */
export async function selectRateFacts(db: SqlDatabase, month: string, nowMs: number): Promise<RateFacts[]> {
  const { startMs, endMs } = chinaMonthBounds(month);
  const [tasks, closings, openPastDeadline, callBacks] = await Promise.all([
    db.query<PlaceRow & Record<'tasks_assigned' | 'tasks_signed_for_in_time', number>>(
      `SELECT community_id, street_id, assignee_organisation_id AS holder_organisation_id, assignee_kind AS holder_kind,
         SUM(CASE WHEN signed_for_at_ms IS NOT NULL
                    OR (sign_for_due_ms < ? AND (ended_unsigned_at_ms IS NULL OR ended_unsigned_at_ms > sign_for_due_ms))
             THEN 1 ELSE 0 END) AS tasks_assigned,
         SUM(CASE WHEN signed_for_at_ms <= sign_for_due_ms THEN 1 ELSE 0 END) AS tasks_signed_for_in_time
       FROM rate_tasks WHERE month = ?
       GROUP BY community_id, street_id, assignee_organisation_id, assignee_kind`,
      [nowMs, month],
    ),
    db.query<PlaceRow & Record<'cases_closed' | 'cases_resolved', number>>(
      `SELECT ${PLACE}, COUNT(*) AS cases_closed, SUM(resolved) AS cases_resolved
       FROM rate_closings WHERE month = ? GROUP BY ${PLACE}`,
      [month],
    ),
    db.query<PlaceRow & Record<'cases_open_past_deadline', number>>(
      `SELECT ${PLACE}, COUNT(*) AS cases_open_past_deadline
       FROM rate_cases WHERE unresolved_due_ms >= ? AND unresolved_due_ms < ? GROUP BY ${PLACE}`,
      [startMs, Math.min(endMs, nowMs)],
    ),
    db.query<PlaceRow & Record<'call_backs_satisfied' | 'call_backs_not_satisfied' | 'call_backs_unreachable', number>>(
      `SELECT ${PLACE},
         SUM(CASE WHEN outcome = 'satisfied' THEN 1 ELSE 0 END) AS call_backs_satisfied,
         SUM(CASE WHEN outcome = 'not_satisfied' THEN 1 ELSE 0 END) AS call_backs_not_satisfied,
         SUM(CASE WHEN outcome = 'unreachable' THEN 1 ELSE 0 END) AS call_backs_unreachable
       FROM rate_call_backs WHERE month = ? GROUP BY ${PLACE}`,
      [month],
    ),
  ]);
  const places = new Map<string, RateFacts>();
  const add = (row: PlaceRow, counts: Partial<Record<Counter, number>>) => {
    const key = JSON.stringify([row.community_id, row.street_id, row.holder_organisation_id, row.holder_kind]);
    const facts = places.get(key) ?? {
      communityId: row.community_id,
      streetId: row.street_id,
      holderOrganisationId: row.holder_organisation_id,
      holderKind: row.holder_kind,
      tasksAssigned: 0,
      tasksSignedForInTime: 0,
      casesClosed: 0,
      casesOpenPastDeadline: 0,
      casesResolved: 0,
      callBacksSatisfied: 0,
      callBacksNotSatisfied: 0,
      callBacksUnreachable: 0,
    };
    for (const [counter, value] of Object.entries(counts) as Array<[Counter, number]>) facts[counter] += Number(value);
    places.set(key, facts);
  };
  for (const row of tasks) add(row, { tasksAssigned: row.tasks_assigned, tasksSignedForInTime: row.tasks_signed_for_in_time });
  for (const row of closings) add(row, { casesClosed: row.cases_closed, casesResolved: row.cases_resolved });
  for (const row of openPastDeadline) add(row, { casesOpenPastDeadline: row.cases_open_past_deadline });
  for (const row of callBacks) {
    add(row, {
      callBacksSatisfied: row.call_backs_satisfied,
      callBacksNotSatisfied: row.call_backs_not_satisfied,
      callBacksUnreachable: row.call_backs_unreachable,
    });
  }
  return [...places.values()];
}
