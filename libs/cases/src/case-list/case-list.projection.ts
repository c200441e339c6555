import {
  evolveCase,
  initialCaseState,
  nextDeadlineOf,
  TASK_RUNNING_STATUSES,
  type Assignee,
  type CaseEvent,
  type CaseState,
  type CouncilKind,
  type CouncilVote,
  type Deadline,
} from '@yixin/domain';
import type { RecordedEvent } from '@yixin/event-store';
import { caseIdOfStream, toCaseEvent } from '@yixin/case-stream';
import type { SqlDatabase } from '@yixin/stores';
import { upsertRow, type Projection } from '@yixin/projections';

/**
 * One row per case: the case lists with their filters and search, each assignee's inbox, the
 * supervisors' queues, the councils' agendas, and the changes that live streams push. Holds no
 * personal data of residents. Rows evolve with the domain's own `evolveCase`, so the list cannot
 * disagree with what the deciders see.
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
  deadlines: Partial<Record<'sign_for' | 'first_reply' | 'resolve', Deadline>>;
  /** The earliest deadline still to be met, if the clock runs. */
  nextDeadline: string | null;
  resolveBy: string | null;
  clockPaused: boolean;
  duplicateOf: string | null;
  /** The council the case is before, or that has just decided it (until its decision is dispatched). */
  councilId: string | null;
  /** What that council was asked, its session and its decision; null when `councilId` is. */
  council: CouncilAgendaItem | null;
  redoCount: number;
  filedAt: string;
  updatedAt: string;
  revision: number;
}

export interface CouncilAgendaItem {
  kind: CouncilKind;
  question: string;
  decideBy: string;
  referredAt: string;
  session: { sessionId: string; scheduledFor: string; members: string[] } | null;
  decision: { text: string; assignee: Assignee; dueBy: string; vote: CouncilVote | null; decidedAt: string } | null;
}

/** A row as stored; the case list's queries (this folder) map it with toCaseListRow. */
export interface StoredCaseRow {
  case_id: string;
  community_id: string;
  compound_id: string;
  building: string;
  category: string;
  urgency: string;
  description: string;
  /** Description and building, normalised for search (see `normaliseForSearch`). */
  search_text: string;
  status: string;
  tier: string;
  assignee_organisation_id: string | null;
  /** Who held the task before it last changed hands, and the global position of that change. */
  previous_assignee_organisation_id: string | null;
  reassigned_position: number | null;
  next_deadline: string | null;
  /**
   * The inbox's order as one indexable key: the next deadline, or after every deadline when the
   * clock stands still; null when no task runs, so that the inbox is a range of case_list_inbox
   * without the rows of its organisation's finished cases.
   */
  inbox_order: string | null;
  resolve_by: string | null;
  council_id: string | null;
  decide_by: string | null;
  /** The latest council referral with its session and decision (CouncilAgendaItem); null if never referred. */
  council_json: string | null;
  filed_at: string;
  updated_at: string;
  revision: number;
  /** Global position of the last event applied: the change feed's cursor (see selectChangesAfter). */
  changed_position: number;
  state_json: string;
}

/** How many ids one `IN (…)` lists at most. */
export const IN_CHUNK = 500;

export const caseListProjection: Projection = {
  name: 'case_list',
  version: 5,
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
      search_text TEXT NOT NULL,
      status TEXT NOT NULL,
      tier TEXT NOT NULL,
      assignee_organisation_id TEXT,
      previous_assignee_organisation_id TEXT,
      reassigned_position BIGINT,
      next_deadline TEXT,
      inbox_order TEXT,
      resolve_by TEXT,
      council_id TEXT,
      decide_by TEXT,
      council_json TEXT,
      filed_at TEXT NOT NULL,
      updated_at TEXT NOT NULL,
      revision BIGINT NOT NULL,
      changed_position BIGINT NOT NULL,
      state_json TEXT NOT NULL);
    CREATE INDEX IF NOT EXISTS case_list_inbox ON case_list (assignee_organisation_id, inbox_order, filed_at, case_id);
    CREATE INDEX IF NOT EXISTS case_list_assignee ON case_list (assignee_organisation_id, status);
    CREATE INDEX IF NOT EXISTS case_list_community ON case_list (community_id, filed_at);
    CREATE INDEX IF NOT EXISTS case_list_compound ON case_list (compound_id, filed_at);
    CREATE INDEX IF NOT EXISTS case_list_filed ON case_list (filed_at);
    -- filed_at last: the duplicate lookup's ORDER BY filed_at then walks this index, not all of the compound's cases.
    CREATE INDEX IF NOT EXISTS case_list_place ON case_list (compound_id, building, category, filed_at);
    CREATE INDEX IF NOT EXISTS case_list_next_deadline ON case_list (next_deadline);
    CREATE INDEX IF NOT EXISTS case_list_tier ON case_list (tier, filed_at);
    CREATE INDEX IF NOT EXISTS case_list_status ON case_list (status, filed_at);
    CREATE INDEX IF NOT EXISTS case_list_council ON case_list (council_id, decide_by);
    CREATE INDEX IF NOT EXISTS case_list_changes ON case_list (changed_position);
    -- The public search's ranges, newest first (see selectPublicCases); closed cases of every category are a range of case_list_status.
    CREATE INDEX IF NOT EXISTS case_list_public_open ON case_list (filed_at, case_id) WHERE status <> 'closed';
    CREATE INDEX IF NOT EXISTS case_list_public_closed_category ON case_list (category, filed_at, case_id) WHERE status = 'closed';
    CREATE INDEX IF NOT EXISTS case_list_public_open_category ON case_list (category, filed_at, case_id) WHERE status <> 'closed'`,

  async apply(events, db) {
    const caseEvents = events.filter((event) => caseIdOfStream(event.streamId) !== undefined);
    const stored = await loadRows(db, [...new Set(caseEvents.map((event) => caseIdOfStream(event.streamId)!))]);
    const changed = new Map<string, CaseRowInProgress>();
    for (const event of caseEvents) {
      const caseId = caseIdOfStream(event.streamId)!;
      const evolved = evolveRow(changed.get(caseId) ?? inProgress(stored.get(caseId)), event);
      if (evolved) changed.set(caseId, evolved);
    }
    return [...changed.values()].map(({ row, state, council }) =>
      upsertRow('case_list', 'case_id', 'revision', {
        ...row,
        council_json: council === null ? null : JSON.stringify(council),
        state_json: JSON.stringify(state),
      } as unknown as Record<string, unknown>),
    );
  },
};

/**
 * A row while a batch is applied. Its state and council are kept as objects, parsed once and
 * written as JSON once per batch (the row's own `state_json` and `council_json` are stale until
 * then): a case has several events in a batch, and a JSON round trip for each was a good part of
 * a rebuild.
 */
interface CaseRowInProgress {
  row: StoredCaseRow;
  state: CaseState;
  council: CouncilAgendaItem | null;
}

function inProgress(row: StoredCaseRow | undefined): CaseRowInProgress | undefined {
  return (
    row && {
      row,
      state: JSON.parse(row.state_json) as CaseState,
      council: row.council_json === null ? null : (JSON.parse(row.council_json) as CouncilAgendaItem),
    }
  );
}

function evolveRow(current: CaseRowInProgress | undefined, event: RecordedEvent): CaseRowInProgress | undefined {
  const caseEvent = toCaseEvent(event);
  if (caseEvent.type === 'ComplaintFiled') {
    if (current) return undefined;
    const state = evolveCase(initialCaseState, caseEvent);
    const { caseId, location, category, urgency, description, filedAt } = caseEvent.data;
    const row = {
      case_id: caseId,
      community_id: location.communityId,
      compound_id: location.compoundId,
      building: location.building,
      category,
      urgency,
      description,
      search_text: normaliseForSearch(`${description} ${location.building}`),
      previous_assignee_organisation_id: null,
      reassigned_position: null,
      council_json: null,
      filed_at: filedAt,
    } as StoredCaseRow;
    return withState({ row, state, council: null }, state, event, caseEvent);
  }
  if (!current || current.row.revision >= event.revision) return undefined;
  return withState(current, evolveCase(current.state, caseEvent), event, caseEvent);
}

function withState({ row, council: councilBefore }: CaseRowInProgress, state: CaseState, event: RecordedEvent, caseEvent: CaseEvent): CaseRowInProgress {
  const assignee = state.task?.assigneeOrganisationId ?? null;
  const handedOver = row.assignee_organisation_id != null && row.assignee_organisation_id !== assignee;
  const beforeCouncil = (state.status === 'before_council' || state.status === 'council_decided') && state.council !== undefined;
  // Only running clocks have a next deadline (nextDeadlineOf, libs/domain): a paused or returned task has none to miss.
  const nextDeadline = nextDeadlineOf(state) ?? null;
  return {
    row: {
      ...row,
      status: state.status,
      tier: state.tier,
      assignee_organisation_id: assignee,
      previous_assignee_organisation_id: handedOver ? row.assignee_organisation_id : row.previous_assignee_organisation_id,
      reassigned_position: handedOver ? event.globalPosition : row.reassigned_position,
      next_deadline: nextDeadline,
      inbox_order: TASK_RUNNING_STATUSES.includes(state.status) ? (nextDeadline ?? AFTER_EVERY_DEADLINE) : null,
      resolve_by: state.task?.deadlines.resolve?.due ?? null,
      council_id: beforeCouncil ? state.council!.councilId : null,
      decide_by: beforeCouncil ? utc(state.council!.decideBy) : null,
      updated_at: event.recordedAt,
      revision: event.revision,
      changed_position: event.globalPosition,
    },
    state,
    council: evolveCouncil(councilBefore, caseEvent),
  };
}

/** The case state keeps what the deciders need of a council; the agenda also shows when the session sits and how the vote went. */
function evolveCouncil(council: CouncilAgendaItem | null, event: CaseEvent): CouncilAgendaItem | null {
  switch (event.type) {
    case 'CaseReferredToCouncil': {
      const { council: kind, question, decideBy, referredAt } = event.data;
      return { kind, question, decideBy, referredAt, session: null, decision: null };
    }
    case 'CouncilSessionConvened': {
      const { sessionId, scheduledFor, members } = event.data;
      return council && { ...council, session: { sessionId, scheduledFor, members } };
    }
    case 'CouncilDecisionRecorded': {
      const { decision, assignee, dueBy, vote, decidedAt } = event.data;
      return council && { ...council, decision: { text: decision, assignee, dueBy, vote: vote ?? null, decidedAt } };
    }
    case 'CaseReopened':
      return null;
    default:
      return council;
  }
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

/** Instants that SQL compares and orders as text are stored in UTC: a council's `dueBy` may come with an offset. */
function utc(instant: string): string {
  return new Date(instant).toISOString();
}

/**
 * Text as search compares it: NFKC folds full-width letters and digits (３幢) into their usual
 * forms, lower case makes Latin letters match either way; Chinese is unchanged.
 */
export function normaliseForSearch(text: string): string {
  return text.normalize('NFKC').toLowerCase();
}

export function toCaseListRow(row: StoredCaseRow): CaseListRow {
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
    councilId: row.council_id,
    council: row.council_id !== null && row.council_json !== null ? (JSON.parse(row.council_json) as CouncilAgendaItem) : null,
    redoCount: state.redoCount,
    filedAt: row.filed_at,
    updatedAt: row.updated_at,
    revision: Number(row.revision),
  };
}

/** How long the running clock has until its next deadline: computed when asked, not stored. */
export interface TimeLeft {
  /** Negative once overdue; null when no clock runs (no task, paused, waiting on someone else). */
  timeLeftMs: number | null;
  overdue: boolean;
}

export function withTimeLeft<Row extends CaseListRow>(row: Row, now: string): Row & TimeLeft {
  const timeLeftMs = row.nextDeadline === null ? null : Date.parse(row.nextDeadline) - Date.parse(now);
  return { ...row, timeLeftMs, overdue: timeLeftMs !== null && timeLeftMs < 0 };
}

/** Sorts after any ISO-8601 instant (they begin with a digit). */
export const AFTER_EVERY_DEADLINE = '~';
