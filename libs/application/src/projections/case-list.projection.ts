import { evolveCase, initialCaseState, TASK_RUNNING_STATUSES, type CaseState, type OpenDeadline } from '../../../domain/src';
import type { RecordedEvent } from '../../../event-store/src';
import { caseIdOfStream, toCaseEvent } from '../cases/case-stream';
import type { SqlDatabase } from '../read-store/sql-database';
import { upsertRow, type Projection } from './projection';

/**
 * One row per case: the case lists with their filters and, through the assignee, each property
 * company's inbox. Holds no personal data of residents. Rows evolve with the domain's own
 * `evolveCase`, so the list cannot disagree with what the deciders see.
 */
export interface CaseListRow {
  caseId: string;
  communityId: string;
  compoundId: string;
  building: string;
  category: string;
  urgency: string;
  description: string;
  status: CaseState['status'];
  tier: string;
  assigneeOrganisationId: string | null;
  taskId: string | null;
  /** The task's deadlines still to be met, with their reminders. */
  deadlines: Partial<Record<'sign_for' | 'first_reply' | 'resolve', OpenDeadline>>;
  /** The earliest deadline still to be met, if the clock runs. */
  nextDeadline: string | null;
  resolveBy: string | null;
  clockPaused: boolean;
  duplicateOf: string | null;
  councilId: string | null;
  redoCount: number;
  filedAt: string;
  updatedAt: string;
  revision: number;
}

interface StoredCaseRow {
  case_id: string;
  community_id: string;
  compound_id: string;
  building: string;
  category: string;
  urgency: string;
  description: string;
  status: string;
  tier: string;
  assignee_organisation_id: string | null;
  next_deadline: string | null;
  resolve_by: string | null;
  filed_at: string;
  updated_at: string;
  revision: number;
  state_json: string;
}

const IN_CHUNK = 500;

export const caseListProjection: Projection = {
  name: 'case_list',
  version: 2,
  tables: ['case_list'],
  schema: `
    CREATE TABLE IF NOT EXISTS case_list (
      case_id TEXT PRIMARY KEY,
      community_id TEXT NOT NULL,
      compound_id TEXT NOT NULL,
      building TEXT NOT NULL,
      category TEXT NOT NULL,
      urgency TEXT NOT NULL,
      description TEXT NOT NULL,
      status TEXT NOT NULL,
      tier TEXT NOT NULL,
      assignee_organisation_id TEXT,
      next_deadline TEXT,
      resolve_by TEXT,
      filed_at TEXT NOT NULL,
      updated_at TEXT NOT NULL,
      revision BIGINT NOT NULL,
      state_json TEXT NOT NULL);
    CREATE INDEX IF NOT EXISTS case_list_inbox ON case_list (assignee_organisation_id, status, filed_at);
    CREATE INDEX IF NOT EXISTS case_list_community ON case_list (community_id, filed_at);
    CREATE INDEX IF NOT EXISTS case_list_filed ON case_list (filed_at);
    CREATE INDEX IF NOT EXISTS case_list_place ON case_list (compound_id, building, category, status)`,

  async apply(events, db) {
    const caseEvents = events.filter((event) => caseIdOfStream(event.streamId) !== undefined);
    const rows = await loadRows(db, [...new Set(caseEvents.map((event) => caseIdOfStream(event.streamId)!))]);
    const changed = new Set<string>();
    for (const event of caseEvents) {
      const caseId = caseIdOfStream(event.streamId)!;
      const row = evolveRow(rows.get(caseId), event);
      if (row) {
        rows.set(caseId, row);
        changed.add(caseId);
      }
    }
    return [...changed].map((caseId) => upsertRow('case_list', 'case_id', 'revision', rows.get(caseId)! as unknown as Record<string, unknown>));
  },
};

function evolveRow(row: StoredCaseRow | undefined, event: RecordedEvent): StoredCaseRow | undefined {
  const caseEvent = toCaseEvent(event);
  if (caseEvent.type === 'ComplaintFiled') {
    if (row) return undefined;
    const state = evolveCase(initialCaseState, caseEvent);
    const { caseId, location, category, urgency, description, filedAt } = caseEvent.data;
    return withState(
      {
        case_id: caseId,
        community_id: location.communityId,
        compound_id: location.compoundId,
        building: location.building,
        category,
        urgency,
        description,
        filed_at: filedAt,
      } as StoredCaseRow,
      state,
      event,
    );
  }
  if (!row || row.revision >= event.revision) return undefined;
  return withState(row, evolveCase(JSON.parse(row.state_json) as CaseState, caseEvent), event);
}

function withState(row: StoredCaseRow, state: CaseState, event: RecordedEvent): StoredCaseRow {
  return {
    ...row,
    status: state.status,
    tier: state.tier,
    assignee_organisation_id: state.task?.assigneeOrganisationId ?? null,
    next_deadline: nextDeadline(state),
    resolve_by: state.task?.deadlines.resolve?.due ?? null,
    updated_at: event.recordedAt,
    revision: event.revision,
    state_json: JSON.stringify(state),
  };
}

async function loadRows(db: SqlDatabase, caseIds: string[]): Promise<Map<string, StoredCaseRow>> {
  const rows = new Map<string, StoredCaseRow>();
  for (let start = 0; start < caseIds.length; start += IN_CHUNK) {
    const chunk = caseIds.slice(start, start + IN_CHUNK);
    const found = await db.query<StoredCaseRow>(
      `SELECT * FROM case_list WHERE case_id IN (${chunk.map(() => '?').join(', ')})`,
      chunk,
    );
    for (const row of found) rows.set(row.case_id, row);
  }
  return rows;
}

/** Only running clocks have a next deadline: a paused or returned task has none to miss. */
function nextDeadline(state: CaseState): string | null {
  if (!TASK_RUNNING_STATUSES.includes(state.status) || state.paused || !state.task) return null;
  const dues = Object.values(state.task.deadlines).map((open) => open.due);
  return dues.length === 0 ? null : dues.reduce((earliest, due) => (Date.parse(due) < Date.parse(earliest) ? due : earliest));
}

function toCaseListRow(row: StoredCaseRow): CaseListRow {
  const state = JSON.parse(row.state_json) as CaseState;
  return {
    caseId: row.case_id,
    communityId: row.community_id,
    compoundId: row.compound_id,
    building: row.building,
    category: row.category,
    urgency: row.urgency,
    description: row.description,
    status: state.status,
    tier: state.tier,
    assigneeOrganisationId: state.task?.assigneeOrganisationId ?? null,
    taskId: state.task?.taskId ?? null,
    deadlines: state.task?.deadlines ?? {},
    nextDeadline: row.next_deadline,
    resolveBy: row.resolve_by,
    clockPaused: state.paused !== undefined,
    duplicateOf: state.duplicateOf ?? null,
    councilId: state.status === 'before_council' ? (state.council?.councilId ?? null) : null,
    redoCount: state.redoCount,
    filedAt: row.filed_at,
    updatedAt: row.updated_at,
    revision: Number(row.revision),
  };
}

export async function selectInbox(db: SqlDatabase, organisationId: string): Promise<CaseListRow[]> {
  const rows = await db.query<StoredCaseRow>(
    `SELECT * FROM case_list WHERE assignee_organisation_id = ? AND status IN (${TASK_RUNNING_STATUSES.map(() => '?').join(', ')})
     ORDER BY filed_at`,
    [organisationId, ...TASK_RUNNING_STATUSES],
  );
  return rows.map(toCaseListRow);
}

/** Statuses of a case that no longer takes duplicates: closed, or itself a duplicate. */
const NOT_OPEN_FOR_DUPLICATES = ['closed', 'duplicate'];

/** The oldest open case at the same place (compound and building) and of the same category, if any. */
export async function findOpenCaseAtPlace(
  db: SqlDatabase,
  place: { compoundId: string; building: string; category: string },
): Promise<string | undefined> {
  const [row] = await db.query<{ case_id: string }>(
    `SELECT case_id FROM case_list WHERE compound_id = ? AND building = ? AND category = ? AND status NOT IN (?, ?)
     ORDER BY filed_at LIMIT 1`,
    [place.compoundId, place.building, place.category, ...NOT_OPEN_FOR_DUPLICATES],
  );
  return row?.case_id;
}

export interface CaseListFilter {
  /** The viewer's scope: only these communities (undefined: all). */
  communityIds?: string[];
  communityId?: string;
  compoundId?: string;
  status?: string;
  tier?: string;
  category?: string;
  /** Cases whose running clock has a deadline past `now`. */
  overdueAt?: string;
  limit: number;
  offset: number;
}

export interface CaseListPage {
  total: number;
  items: CaseListRow[];
}

export async function selectCases(db: SqlDatabase, filter: CaseListFilter): Promise<CaseListPage> {
  const conditions: string[] = [];
  const params: unknown[] = [];
  const equal = (column: string, value: string | undefined) => {
    if (value === undefined) return;
    conditions.push(`${column} = ?`);
    params.push(value);
  };
  if (filter.communityIds !== undefined) {
    conditions.push(filter.communityIds.length === 0 ? '1 = 0' : `community_id IN (${filter.communityIds.map(() => '?').join(', ')})`);
    params.push(...filter.communityIds);
  }
  equal('community_id', filter.communityId);
  equal('compound_id', filter.compoundId);
  equal('status', filter.status);
  equal('tier', filter.tier);
  equal('category', filter.category);
  if (filter.overdueAt !== undefined) {
    conditions.push('next_deadline < ?');
    params.push(filter.overdueAt);
  }
  const where = conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '';
  const [{ total }] = await db.query<{ total: number }>(`SELECT count(*) AS total FROM case_list ${where}`, params);
  const rows = await db.query<StoredCaseRow>(`SELECT * FROM case_list ${where} ORDER BY filed_at DESC, case_id LIMIT ? OFFSET ?`, [
    ...params,
    filter.limit,
    filter.offset,
  ]);
  return { total: Number(total), items: rows.map(toCaseListRow) };
}
