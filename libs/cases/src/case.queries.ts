import { Inject } from '@nestjs/common';
import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { caseNumberOf, foldCase, refuse, type Actor, type CaseLocation, type CaseState, type ComplaintFiled } from '@yixin/domain';
import { readStreamOrEmpty, verifyStreamChain, type ChainVerification, type EventStore, type RecordedEvent } from '@yixin/event-store';
import { evidenceOf } from '@yixin/attachments';
import { DirectoryService } from '@yixin/directory';
import {
  selectCases,
  selectInbox,
  withTimeLeft,
  type CaseListFilter,
  type CaseListPage,
  type CaseListRow,
  type InboxPage,
  type InboxPageRequest,
  type TimeLeft,
} from './case-list';
import { selectTimeline, type TimelineEntry } from './case-timeline.projection';
import type { SqlDatabase } from '@yixin/stores';
import { EVENT_STORE, READ_STORE } from '@yixin/stores';
import { PersonalDataService, type PersonalDataInEvent, type ResidentView } from '@yixin/privacy';
import { caseListScope, mayReadCase } from '@yixin/directory';
import { searchTerms } from './case-search';
import { caseStreamId, notificationStreamId, readCaseStream, toCaseEvent } from '@yixin/case-stream';

export interface CaseView {
  caseId: string;
  /** What the resident is told and types on their page (the last 8 characters of the id). */
  caseNumber: string;
  status: CaseState['status'];
  tier: CaseState['tier'];
  category: ComplaintFiled['data']['category'];
  urgency: ComplaintFiled['data']['urgency'];
  description: string;
  channel: ComplaintFiled['data']['channel'];
  /** The unit only with the resident in full. */
  location: CaseLocation & { unit?: string };
  resident: ResidentView;
  task: CaseState['task'] | null;
  /** The photos its events cite (staff's evidence, progress reports, resolutions): GET /attachments/:hash. */
  evidence: string[];
  redoCount: number;
  filedAt: string;
  revision: number;
  paused: NonNullable<CaseState['paused']> | null;
  lastReturn: NonNullable<CaseState['lastReturn']> | null;
  council: NonNullable<CaseState['council']> | null;
  duplicateOf: string | null;
  escalatedFor: CaseState['escalatedFor'];
  closedReason: NonNullable<CaseState['closedReason']> | null;
}

export interface HistoryEntry {
  revision: number;
  globalPosition: number;
  eventId: string;
  type: string;
  recordedAt: string;
  actor: RecordedEvent['metadata']['actor'];
  tier: string;
  correlationId: string;
  causationId: string;
  schemaVersion: number;
  previousHash: string;
  hash: string;
  data: Record<string, unknown>;
  /** Present when the event holds a resident's personal data: encrypted (and erased since, or not), or in clear and masked in `data`. */
  personalData?: PersonalDataInEvent;
}

export interface CaseHistory {
  caseId: string;
  streamId: string;
  events: HistoryEntry[];
  verification: ChainVerification;
  /** What the case's people were told (sent, failed, suppressed), from the notification stream beside the case's, with its own chain. */
  notifications: { streamId: string; events: HistoryEntry[]; verification: ChainVerification };
}

/** The case as it stands now, read from its stream (never stale). */
export class GetCaseQuery extends Query<CaseView> {
  constructor(readonly viewer: Actor, readonly caseId: string) {
    super();
  }
}

/** Every event of a case with its envelope, and whether the hash chain is intact. Auditors only. */
export class GetCaseHistoryQuery extends Query<CaseHistory> {
  constructor(readonly viewer: Actor, readonly caseId: string) {
    super();
  }
}

/** A case list row with the time its running clock has left as of the query. */
export type TimedCaseListRow = CaseListRow & TimeLeft;

/** The open tasks of a property company or owners' committee, the nearest deadline first. */
export class ListInboxQuery extends Query<InboxPage<TimedCaseListRow>> {
  constructor(readonly viewer: Actor, readonly page: InboxPageRequest, readonly now: string) {
    super();
  }
}

export type CaseListCriteria = Omit<CaseListFilter, 'communityIds' | 'compoundIds' | 'search' | 'overdueAt'> & {
  /** Words that must all be found in the description, the building, or the names of the compound, community or category. */
  q?: string;
  /** Only cases whose running clock is past a deadline. */
  overdue?: boolean;
};

/** Cases visible to the viewer, newest first, filtered, searched and paged. */
export class ListCasesQuery extends Query<CaseListPage<TimedCaseListRow>> {
  constructor(readonly viewer: Actor, readonly criteria: CaseListCriteria, readonly now: string) {
    super();
  }
}

/** A case's timeline from the read model: who did what, when, at which tier. */
export class GetCaseTimelineQuery extends Query<TimelineEntry[]> {
  constructor(readonly viewer: Actor, readonly caseId: string) {
    super();
  }
}

@QueryHandler(GetCaseQuery)
export class GetCaseHandler implements IQueryHandler<GetCaseQuery, CaseView> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly directory: DirectoryService,
    private readonly personalData: PersonalDataService,
  ) {}

  async execute({ viewer, caseId }: GetCaseQuery): Promise<CaseView> {
    const events = await readCaseStream(this.store, caseId);
    const caseEvents = events.map(toCaseEvent);
    const state = foldCase(caseEvents);
    if (events.length === 0 || !mayReadCase(viewer, state, this.directory)) refuse('not_found', `case ${caseId} not found`);
    const filed = caseEvents[0] as ComplaintFiled;
    const { resident, unit } = await this.personalData.disclose(viewer, caseId, state, filed.data.personalData);
    return {
      caseId,
      caseNumber: caseNumberOf(caseId),
      status: state.status,
      tier: state.tier,
      category: filed.data.category,
      urgency: filed.data.urgency,
      description: filed.data.description,
      channel: filed.data.channel,
      location: { ...filed.data.location, ...(unit === undefined ? {} : { unit }) },
      resident,
      task: state.task ?? null,
      evidence: evidenceOf(caseEvents),
      redoCount: state.redoCount,
      filedAt: filed.data.filedAt,
      revision: events.length - 1,
      paused: state.paused ?? null,
      lastReturn: state.lastReturn ?? null,
      council: state.council ?? null,
      duplicateOf: state.duplicateOf ?? null,
      escalatedFor: state.escalatedFor,
      closedReason: state.closedReason ?? null,
    };
  }
}

@QueryHandler(GetCaseHistoryQuery)
export class GetCaseHistoryHandler implements IQueryHandler<GetCaseHistoryQuery, CaseHistory> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore, private readonly personalData: PersonalDataService) {}

  async execute({ viewer, caseId }: GetCaseHistoryQuery): Promise<CaseHistory> {
    if (viewer.role !== 'auditor') refuse('forbidden', 'only auditors read the full history of a case');
    const events = await readCaseStream(this.store, caseId);
    if (events.length === 0) refuse('not_found', `case ${caseId} not found`);
    const notificationStream = notificationStreamId(caseId);
    const notifications = await readStreamOrEmpty(this.store, notificationStream);
    return {
      caseId,
      streamId: caseStreamId(caseId),
      verification: verifyStreamChain(events),
      events: await Promise.all(events.map((event) => this.entryOf(event))),
      notifications: { streamId: notificationStream, verification: verifyStreamChain(notifications), events: await Promise.all(notifications.map((event) => this.entryOf(event))) },
    };
  }

  private async entryOf(event: RecordedEvent): Promise<HistoryEntry> {
    return {
      revision: event.revision,
      globalPosition: event.globalPosition,
      eventId: event.id,
      type: event.type,
      recordedAt: event.recordedAt,
      actor: event.metadata.actor,
      tier: event.metadata.tier,
      correlationId: event.metadata.correlationId,
      causationId: event.metadata.causationId,
      schemaVersion: event.schemaVersion,
      previousHash: event.previousHash,
      hash: event.hash,
      ...(await this.personalData.forAuditor(event)),
    };
  }
}

/** Whose inbox a viewer has: its organisation's, if it is one that holds tasks. */
export function requireInboxHolder(viewer: Actor): string {
  if (viewer.role !== 'property_company' && viewer.role !== 'owners_committee') {
    refuse('forbidden', 'only property companies and owners committees have a task inbox');
  }
  return viewer.organisationId;
}

@QueryHandler(ListInboxQuery)
export class ListInboxHandler implements IQueryHandler<ListInboxQuery, InboxPage<TimedCaseListRow>> {
  constructor(@Inject(READ_STORE) private readonly db: SqlDatabase) {}

  /** The viewer's own organisation, whatever the cursor: a cursor is only a position, never a scope. */
  async execute({ viewer, page, now }: ListInboxQuery): Promise<InboxPage<TimedCaseListRow>> {
    const { total, items, nextCursor } = await selectInbox(this.db, requireInboxHolder(viewer), page);
    return { total, items: items.map((row) => withTimeLeft(row, now)), nextCursor };
  }
}

@QueryHandler(ListCasesQuery)
export class ListCasesHandler implements IQueryHandler<ListCasesQuery, CaseListPage<TimedCaseListRow>> {
  constructor(@Inject(READ_STORE) private readonly db: SqlDatabase, private readonly directory: DirectoryService) {}

  async execute({ viewer, criteria, now }: ListCasesQuery): Promise<CaseListPage<TimedCaseListRow>> {
    const { q, overdue, ...filter } = criteria;
    const { total, items } = await selectCases(this.db, {
      ...filter,
      ...caseListScope(viewer, this.directory),
      search: q === undefined ? undefined : searchTerms(q, this.directory),
      overdueAt: overdue ? now : undefined,
    });
    return { total, items: items.map((row) => withTimeLeft(row, now)) };
  }
}

@QueryHandler(GetCaseTimelineQuery)
export class GetCaseTimelineHandler implements IQueryHandler<GetCaseTimelineQuery, TimelineEntry[]> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(READ_STORE) private readonly db: SqlDatabase,
    private readonly directory: DirectoryService,
  ) {}

  async execute({ viewer, caseId }: GetCaseTimelineQuery): Promise<TimelineEntry[]> {
    const state = foldCase((await readCaseStream(this.store, caseId)).map(toCaseEvent));
    if (state.status === 'not_filed' || !mayReadCase(viewer, state, this.directory)) refuse('not_found', `case ${caseId} not found`);
    return selectTimeline(this.db, caseId);
  }
}
