import type { Database } from 'better-sqlite3';
import { evolveCase, initialCaseState, type CaseState } from '../../../domain/src';
import type { RecordedEvent } from '../../../event-store/src';
import { caseIdOfStream, toCaseEvent } from '../cases/case-stream';

/**
 * One row per case: the community's case list and, through the assignee column, each property
 * company's inbox. Holds no personal data of residents. Built from the log by evolving the
 * domain's own case state, so it cannot disagree with what the deciders see.
 */
export const CASE_LIST_PROJECTION = 'case_list';

export interface CaseListRow {
  caseId: string;
  communityId: string;
  compoundId: string;
  building: string;
  category: string;
  description: string;
  status: CaseState['status'];
  tier: string;
  assigneeOrganisationId: string | null;
  taskId: string | null;
  signForBy: string | null;
  resolveBy: string | null;
  signForRemindersSent: number;
  redoCount: number;
  filedAt: string;
  updatedAt: string;
  revision: number;
}

interface StoredRow {
  case_id: string;
  community_id: string;
  compound_id: string;
  building: string;
  category: string;
  description: string;
  filed_at: string;
  updated_at: string;
  revision: number;
  state_json: string;
}

export function createCaseListSchema(db: Database): void {
  db.exec(`
    CREATE TABLE IF NOT EXISTS case_list (
      case_id TEXT PRIMARY KEY,
      community_id TEXT NOT NULL,
      compound_id TEXT NOT NULL,
      building TEXT NOT NULL,
      category TEXT NOT NULL,
      description TEXT NOT NULL,
      status TEXT NOT NULL,
      assignee_organisation_id TEXT,
      filed_at TEXT NOT NULL,
      updated_at TEXT NOT NULL,
      revision INTEGER NOT NULL,
      state_json TEXT NOT NULL);
    CREATE INDEX IF NOT EXISTS case_list_by_assignee ON case_list (assignee_organisation_id, status);
    CREATE INDEX IF NOT EXISTS case_list_by_community ON case_list (community_id, filed_at);
  `);
}

/** Applies one event of the log; callers wrap it with the checkpoint in one transaction. */
export function projectCaseListEvent(db: Database, event: RecordedEvent): void {
  const caseId = caseIdOfStream(event.streamId);
  if (!caseId) return;
  const caseEvent = toCaseEvent(event);
  if (caseEvent.type === 'ComplaintFiled') {
    const state = evolveCase(initialCaseState, caseEvent);
    const { location, category, description, filedAt } = caseEvent.data;
    db.prepare(
      `INSERT INTO case_list (case_id, community_id, compound_id, building, category, description, status,
         assignee_organisation_id, filed_at, updated_at, revision, state_json)
       VALUES (?, ?, ?, ?, ?, ?, ?, NULL, ?, ?, ?, ?)
       ON CONFLICT (case_id) DO NOTHING`,
    ).run(caseId, location.communityId, location.compoundId, location.building, category, description, state.status,
      filedAt, event.recordedAt, event.revision, JSON.stringify(state));
    return;
  }
  const row = db.prepare('SELECT state_json, revision FROM case_list WHERE case_id = ?').get(caseId) as
    | Pick<StoredRow, 'state_json' | 'revision'>
    | undefined;
  if (!row || row.revision >= event.revision) return;
  const state = evolveCase(JSON.parse(row.state_json) as CaseState, caseEvent);
  db.prepare(
    `UPDATE case_list SET status = ?, assignee_organisation_id = ?, updated_at = ?, revision = ?, state_json = ?
     WHERE case_id = ?`,
  ).run(state.status, state.task?.assigneeOrganisationId ?? null, event.recordedAt, event.revision, JSON.stringify(state), caseId);
}

export function toCaseListRow(row: StoredRow): CaseListRow {
  const state = JSON.parse(row.state_json) as CaseState;
  return {
    caseId: row.case_id,
    communityId: row.community_id,
    compoundId: row.compound_id,
    building: row.building,
    category: row.category,
    description: row.description,
    status: state.status,
    tier: state.tier,
    assigneeOrganisationId: state.task?.assigneeOrganisationId ?? null,
    taskId: state.task?.taskId ?? null,
    signForBy: state.task?.signForBy ?? null,
    resolveBy: state.task?.resolveBy ?? null,
    signForRemindersSent: state.task?.signForRemindersSent ?? 0,
    redoCount: state.redoCount,
    filedAt: row.filed_at,
    updatedAt: row.updated_at,
    revision: row.revision,
  };
}

const OPEN_TASK_STATUSES: CaseState['status'][] = ['awaiting_sign_for', 'in_progress'];

export function selectInbox(db: Database, organisationId: string): CaseListRow[] {
  const placeholders = OPEN_TASK_STATUSES.map(() => '?').join(', ');
  const rows = db
    .prepare(
      `SELECT * FROM case_list WHERE assignee_organisation_id = ? AND status IN (${placeholders}) ORDER BY filed_at`,
    )
    .all(organisationId, ...OPEN_TASK_STATUSES) as StoredRow[];
  return rows.map(toCaseListRow);
}

export function selectCases(db: Database, filter: { communityId?: string; limit: number; offset: number }): CaseListRow[] {
  const rows = (
    filter.communityId
      ? db.prepare('SELECT * FROM case_list WHERE community_id = ? ORDER BY filed_at DESC LIMIT ? OFFSET ?').all(filter.communityId, filter.limit, filter.offset)
      : db.prepare('SELECT * FROM case_list ORDER BY filed_at DESC LIMIT ? OFFSET ?').all(filter.limit, filter.offset)
  ) as StoredRow[];
  return rows.map(toCaseListRow);
}
