import {
  evolveCase,
  initialCaseState,
  TASK_RUNNING_STATUSES,
  type Assignee,
  type CaseEvent,
  type CaseState,
  type CouncilKind,
  type CouncilVote,
  type OpenDeadline,
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
  deadlines: Partial<Record<'sign_for' | 'first_reply' | 'resolve', OpenDeadline>>;
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

interface StoredCaseRow {
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

const IN_CHUNK = 500;

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
        search_text: normaliseForSearch(`${description} ${location.building}`),
        previous_assignee_organisation_id: null,
        reassigned_position: null,
        council_json: null,
        filed_at: filedAt,
      } as StoredCaseRow,
      state,
      event,
      caseEvent,
    );
  }
  if (!row || row.revision >= event.revision) return undefined;
  return withState(row, evolveCase(JSON.parse(row.state_json) as CaseState, caseEvent), event, caseEvent);
}

function withState(row: StoredCaseRow, state: CaseState, event: RecordedEvent, caseEvent: CaseEvent): StoredCaseRow {
  const assignee = state.task?.assigneeOrganisationId ?? null;
  const handedOver = row.assignee_organisation_id != null && row.assignee_organisation_id !== assignee;
  const council = evolveCouncil(row.council_json === null ? null : (JSON.parse(row.council_json) as CouncilAgendaItem), caseEvent);
  const beforeCouncil = (state.status === 'before_council' || state.status === 'council_decided') && state.council !== undefined;
  return {
    ...row,
    status: state.status,
    tier: state.tier,
    assignee_organisation_id: assignee,
    previous_assignee_organisation_id: handedOver ? row.assignee_organisation_id : row.previous_assignee_organisation_id,
    reassigned_position: handedOver ? event.globalPosition : row.reassigned_position,
    next_deadline: nextDeadline(state),
    inbox_order: TASK_RUNNING_STATUSES.includes(state.status) ? (nextDeadline(state) ?? AFTER_EVERY_DEADLINE) : null,
    resolve_by: state.task?.deadlines.resolve?.due ?? null,
    council_id: beforeCouncil ? state.council!.councilId : null,
    decide_by: beforeCouncil ? utc(state.council!.decideBy) : null,
    council_json: council === null ? null : JSON.stringify(council),
    updated_at: event.recordedAt,
    revision: event.revision,
    changed_position: event.globalPosition,
    state_json: JSON.stringify(state),
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

/** Only running clocks have a next deadline: a paused or returned task has none to miss. */
function nextDeadline(state: CaseState): string | null {
  if (!TASK_RUNNING_STATUSES.includes(state.status) || state.paused || !state.task) return null;
  const dues = Object.values(state.task.deadlines).map((open) => Date.parse(open.due));
  return dues.length === 0 ? null : new Date(Math.min(...dues)).toISOString();
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

export interface PageRequest {
  limit: number;
  offset: number;
}

export interface CaseListPage<Row = CaseListRow> {
  /** How many rows match, over all pages. */
  total: number;
  items: Row[];
}

interface SqlCondition {
  sql: string;
  params: unknown[];
}

function isIn(column: string, values: readonly string[]): SqlCondition {
  return values.length === 0 ? { sql: '1 = 0', params: [] } : { sql: `${column} IN (${values.map(() => '?').join(', ')})`, params: [...values] };
}

/** Paused clocks (no next deadline) after every running one. */
const BY_NEXT_DEADLINE = 'CASE WHEN next_deadline IS NULL THEN 1 ELSE 0 END, next_deadline';

async function selectPage(db: SqlDatabase, conditions: SqlCondition[], order: SqlCondition, page: PageRequest): Promise<CaseListPage> {
  const where = conditions.length > 0 ? `WHERE ${conditions.map((condition) => condition.sql).join(' AND ')}` : '';
  const params = conditions.flatMap((condition) => condition.params);
  const [{ total }] = await db.query<{ total: number }>(`SELECT count(*) AS total FROM case_list ${where}`, params);
  const rows = await db.query<StoredCaseRow>(`SELECT * FROM case_list ${where} ORDER BY ${order.sql} LIMIT ? OFFSET ?`, [
    ...params,
    ...order.params,
    page.limit,
    page.offset,
  ]);
  return { total: Number(total), items: rows.map(toCaseListRow) };
}

/** Sorts after any ISO-8601 instant (they begin with a digit). */
const AFTER_EVERY_DEADLINE = '~';

/** Where a row stands in an inbox: its key in the order of case_list_inbox, the case id breaking ties. */
export interface InboxPosition {
  inboxOrder: string;
  filedAt: string;
  caseId: string;
}

export interface InboxPageRequest extends PageRequest {
  /** Only the rows after this one. */
  after?: InboxPosition;
}

export interface InboxPage<Row = CaseListRow> extends CaseListPage<Row> {
  /** Where the next page starts (see decodeInboxCursor); null on the last page. */
  nextCursor: string | null;
}

/**
 * An organisation's running tasks, the nearest deadline first, paused clocks last. The inbox is a
 * range of the index case_list_inbox, and its order is the index's, so a page costs an index walk
 * of its own rows after the cursor, however deep it is (an offset walks every row it skips).
 */
export async function selectInbox(db: SqlDatabase, organisationId: string, page: InboxPageRequest): Promise<InboxPage> {
  const inbox = { sql: 'assignee_organisation_id = ? AND inbox_order IS NOT NULL', params: [organisationId] };
  const { after } = page;
  const afterCursor = after
    ? { sql: `${inbox.sql} AND (inbox_order, filed_at, case_id) > (?, ?, ?)`, params: [...inbox.params, after.inboxOrder, after.filedAt, after.caseId] }
    : inbox;
  const [{ total }] = await db.query<{ total: number }>(`SELECT count(*) AS total FROM case_list WHERE ${inbox.sql}`, inbox.params);
  // One row more than asked tells whether a next page follows.
  const rows = await db.query<StoredCaseRow>(`SELECT * FROM case_list WHERE ${afterCursor.sql} ORDER BY inbox_order, filed_at, case_id LIMIT ? OFFSET ?`, [
    ...afterCursor.params,
    page.limit + 1,
    page.offset,
  ]);
  const last = rows.length > page.limit ? rows[page.limit - 1] : undefined;
  return {
    total: Number(total),
    items: rows.slice(0, page.limit).map(toCaseListRow),
    nextCursor: last ? encodeInboxCursor({ inboxOrder: last.inbox_order!, filedAt: last.filed_at, caseId: last.case_id }) : null,
  };
}

/** An opaque token for a client: base64url of the position as JSON. */
export function encodeInboxCursor(position: InboxPosition): string {
  return Buffer.from(JSON.stringify([position.inboxOrder, position.filedAt, position.caseId])).toString('base64url');
}

const BASE64URL = /^[A-Za-z0-9_-]{1,512}$/;
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
const CASE_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const isInstant = (value: unknown): value is string => typeof value === 'string' && INSTANT.test(value) && !Number.isNaN(Date.parse(value));

/** The position a cursor of encodeInboxCursor holds; undefined for anything else, such as a cursor cut short or edited. */
export function decodeInboxCursor(cursor: string): InboxPosition | undefined {
  if (!BASE64URL.test(cursor)) return undefined;
  const bytes = Buffer.from(cursor, 'base64url');
  // Base64 decoders skip what they cannot read; only the cursor's own spelling is accepted.
  if (bytes.toString('base64url') !== cursor) return undefined;
  let key: unknown;
  try {
    key = JSON.parse(bytes.toString('utf8'));
  } catch {
    return undefined;
  }
  if (!Array.isArray(key) || key.length !== 3) return undefined;
  const [inboxOrder, filedAt, caseId] = key as unknown[];
  if (inboxOrder !== AFTER_EVERY_DEADLINE && !isInstant(inboxOrder)) return undefined;
  if (!isInstant(filedAt) || typeof caseId !== 'string' || !CASE_ID.test(caseId)) return undefined;
  return { inboxOrder, filedAt, caseId };
}

/** What the public may see of a row (see PublicCase): no state, no personal data. */
export interface PublicCaseRow {
  case_id: string;
  community_id: string;
  compound_id: string;
  building: string;
  category: string;
  description: string;
  status: CaseState['status'];
  assignee_organisation_id: string | null;
  resolve_by: string | null;
  filed_at: string;
  updated_at: string;
}

const PUBLIC_COLUMNS = 'case_id, community_id, compound_id, building, category, description, status, assignee_organisation_id, resolve_by, filed_at, updated_at';

export interface PublicCaseFilter {
  /** Filed within [filedFrom, filedTo], ISO-8601 instants in UTC as filed_at holds them. */
  filedFrom: string;
  filedTo: string;
  /** Any of these categories; all when undefined. */
  categories?: readonly string[];
  /** Only closed (true) or only open (false) cases; both when undefined. */
  closed?: boolean;
  limit: number;
}

const CLOSED = "status = 'closed'";
const OPEN = "status <> 'closed'";

/**
 * Cases filed in a window, newest first, the case id breaking ties. Each state (closed or open),
 * and each category when some are asked for, is a range of an index, of which the first `limit`
 * rows are read newest first; then the ranges' rows are merged. A page therefore costs at most
 * its own rows per range, whatever the size of the table and however few rows the filters leave:
 * a filter on the whole table would walk it down to the window's start for a rare category.
 * The literal 'closed' matches the partial indexes' own condition, which a bound parameter would not.
 */
export async function selectPublicCases(db: SqlDatabase, filter: PublicCaseFilter): Promise<PublicCaseRow[]> {
  const states = filter.closed === undefined ? [CLOSED, OPEN] : [filter.closed ? CLOSED : OPEN];
  const categories: ReadonlyArray<string | undefined> = filter.categories ?? [undefined];
  const ranges = categories.flatMap((category) =>
    states.map((state) => ({
      sql: `SELECT ${PUBLIC_COLUMNS} FROM case_list WHERE ${category === undefined ? '' : 'category = ? AND '}${state} AND filed_at >= ? AND filed_at <= ?
            ORDER BY filed_at DESC, case_id DESC LIMIT ?`,
      params: [...(category === undefined ? [] : [category]), filter.filedFrom, filter.filedTo, filter.limit],
    })),
  );
  if (ranges.length === 0) return [];
  if (ranges.length === 1) return db.query<PublicCaseRow>(ranges[0].sql, ranges[0].params);
  const merged = ranges.map((range, index) => `SELECT * FROM (${range.sql}) AS range_${index}`).join(' UNION ALL ');
  return db.query<PublicCaseRow>(`${merged} ORDER BY filed_at DESC, case_id DESC LIMIT ?`, [...ranges.flatMap((range) => range.params), filter.limit]);
}

/** The rows of these cases, those that exist; in no particular order. */
export async function selectPublicCasesById(db: SqlDatabase, caseIds: readonly string[]): Promise<PublicCaseRow[]> {
  const rows: PublicCaseRow[] = [];
  for (let start = 0; start < caseIds.length; start += IN_CHUNK) {
    const chunk = caseIds.slice(start, start + IN_CHUNK);
    rows.push(...(await db.query<PublicCaseRow>(`SELECT ${PUBLIC_COLUMNS} FROM case_list WHERE case_id IN (${chunk.map(() => '?').join(', ')})`, chunk)));
  }
  return rows;
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

/**
 * One word of a search, with what it matches besides the text of the case: the compounds,
 * communities and categories whose names contain it (names live in the directory, so they are
 * matched when searching, never copied into rows where a renaming would leave them stale).
 */
export interface SearchTerm {
  /** Normalised with `normaliseForSearch`. */
  text: string;
  compoundIds: string[];
  communityIds: string[];
  categories: string[];
}

export interface CaseListFilter {
  /** The viewer's scope: only these communities (undefined: all). */
  communityIds?: string[];
  /** The viewer's scope: only these compounds (undefined: all). */
  compoundIds?: string[];
  communityId?: string;
  compoundId?: string;
  status?: string;
  tier?: string;
  category?: string;
  /** Every term must match. */
  search?: SearchTerm[];
  /** Cases whose running clock has a deadline past `now`. */
  overdueAt?: string;
  limit: number;
  offset: number;
}

export function selectCases(db: SqlDatabase, filter: CaseListFilter): Promise<CaseListPage> {
  const conditions: SqlCondition[] = [];
  const equal = (column: string, value: string | undefined) => {
    if (value !== undefined) conditions.push({ sql: `${column} = ?`, params: [value] });
  };
  if (filter.communityIds !== undefined) conditions.push(isIn('community_id', filter.communityIds));
  if (filter.compoundIds !== undefined) conditions.push(isIn('compound_id', filter.compoundIds));
  equal('community_id', filter.communityId);
  equal('compound_id', filter.compoundId);
  equal('status', filter.status);
  equal('tier', filter.tier);
  equal('category', filter.category);
  for (const term of filter.search ?? []) conditions.push(matching(term));
  if (filter.overdueAt !== undefined) conditions.push({ sql: 'next_deadline < ?', params: [filter.overdueAt] });
  return selectPage(db, conditions, { sql: 'filed_at DESC, case_id', params: [] }, filter);
}

/**
 * A substring match, which is what Chinese needs: words are not separated by spaces, and the most
 * common searches (电梯, 漏水) are two characters, too short for a trigram index. LIKE works the
 * same on SQLite and PostgreSQL; it scans the rows the other conditions leave (the viewer's scope).
 */
function matching(term: SearchTerm): SqlCondition {
  const pattern = `%${term.text.replace(/[\\%_]/g, (character) => `\\${character}`)}%`;
  const alternatives = [
    { sql: `search_text LIKE ? ESCAPE '\\'`, params: [pattern] },
    ...(term.compoundIds.length > 0 ? [isIn('compound_id', term.compoundIds)] : []),
    ...(term.communityIds.length > 0 ? [isIn('community_id', term.communityIds)] : []),
    ...(term.categories.length > 0 ? [isIn('category', term.categories)] : []),
  ];
  return { sql: `(${alternatives.map((alternative) => alternative.sql).join(' OR ')})`, params: alternatives.flatMap((alternative) => alternative.params) };
}

export const SUPERVISION_QUEUES = ['overdue', 'escalated', 'disputed'] as const;
export type SupervisionQueue = (typeof SUPERVISION_QUEUES)[number];

const ESCALATED_TIERS = ['street', 'district'];
const DISPUTED_STATUSES = ['returned', 'before_council'];

/**
 * Each queue as a condition on the table, the same condition on a listed row (for rows pushed to
 * a live stream), and its order.
 */
const QUEUES: Record<
  SupervisionQueue,
  { where(now: string): SqlCondition; holds(row: CaseListRow, now: string): boolean; order(officerTier: string): SqlCondition }
> = {
  // Running clocks past a deadline, the longest overdue first.
  overdue: {
    where: (now) => ({ sql: 'next_deadline < ?', params: [now] }),
    holds: (row, now) => row.nextDeadline !== null && row.nextDeadline < now,
    order: () => ({ sql: 'next_deadline, case_id', params: [] }),
  },
  // Open cases handled above the community, the officer's own tier first, then by the nearest deadline.
  escalated: {
    where: () => ({ sql: `${isIn('tier', ESCALATED_TIERS).sql} AND status <> 'closed'`, params: ESCALATED_TIERS }),
    holds: (row) => ESCALATED_TIERS.includes(row.tier) && row.status !== 'closed',
    order: (officerTier) => ({ sql: `CASE WHEN tier = ? THEN 0 ELSE 1 END, ${BY_NEXT_DEADLINE}, filed_at, case_id`, params: [officerTier] }),
  },
  // Returned by the assignee or before a council, the longest waiting first.
  disputed: {
    where: () => isIn('status', DISPUTED_STATUSES),
    holds: (row) => DISPUTED_STATUSES.includes(row.status),
    order: () => ({ sql: 'updated_at, case_id', params: [] }),
  },
};

export function selectSupervisionQueue(
  db: SqlDatabase,
  query: { communityIds: string[]; queue: SupervisionQueue; officerTier: string; now: string } & PageRequest,
): Promise<CaseListPage> {
  const { where, order } = QUEUES[query.queue];
  return selectPage(db, [isIn('community_id', query.communityIds), where(query.now)], order(query.officerTier), query);
}

/** The supervision queues a case is in now. */
export function supervisionQueuesOf(row: CaseListRow, now: string): SupervisionQueue[] {
  return SUPERVISION_QUEUES.filter((queue) => QUEUES[queue].holds(row, now));
}

/** The cases before a council or just decided by it, the nearest decide-by first. */
export function selectCouncilAgenda(db: SqlDatabase, councilId: string, page: PageRequest): Promise<CaseListPage> {
  return selectPage(db, [{ sql: 'council_id = ?', params: [councilId] }], { sql: 'decide_by, case_id', params: [] }, page);
}

/** A row of the case list as it was changed by the event at `position`. */
export interface CaseListChange {
  position: number;
  row: CaseListRow;
  /** The organisation whose task went to someone else (or to no one) since the position read from. */
  previousAssignee: string | null;
}

/**
 * The rows changed after `position`, in the order they changed. Rows are written in the order of
 * the log, each with the position of its last event, so no change is skipped by reading on from
 * the last position seen; a row changed several times meanwhile is read once, as it is now.
 */
export async function selectChangesAfter(db: SqlDatabase, position: number, limit: number): Promise<CaseListChange[]> {
  const rows = await db.query<StoredCaseRow>('SELECT * FROM case_list WHERE changed_position > ? ORDER BY changed_position LIMIT ?', [position, limit]);
  return rows.map((row) => ({
    position: Number(row.changed_position),
    row: toCaseListRow(row),
    previousAssignee: row.reassigned_position !== null && Number(row.reassigned_position) > position ? row.previous_assignee_organisation_id : null,
  }));
}

export async function latestChangePosition(db: SqlDatabase): Promise<number> {
  const [row] = await db.query<{ position: number | null }>('SELECT max(changed_position) AS position FROM case_list');
  return Number(row?.position ?? 0);
}
