import { Inject } from '@nestjs/common';
import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { foldCase, refuse, type Actor, type CaseState } from '@yixin/domain';
import type { EventStore } from '@yixin/event-store';
import { caseStreamId, readCaseStream, toCaseEvent } from '@yixin/case-stream';
import { PersonalDataService } from '@yixin/privacy';
import { EVENT_STORE } from '@yixin/stores';
import { exportEvents, type ExportFormat, type ExportSelection } from './event-export';
import { verifyLog, type LogVerification } from './log-verification';

export interface CaseStateAsOf {
  caseId: string;
  /** The moment or revision asked for. */
  asOf: { at?: string; revision?: number };
  /** Revision of the last event folded (-1: the case did not exist yet). */
  revision: number;
  /** When that event was recorded. */
  recordedAt: string | null;
  state: CaseState;
}

/** The state of a case as it stood at a past moment or revision, folded from its events up to there. */
export class GetCaseStateAsOfQuery extends Query<CaseStateAsOf> {
  constructor(readonly viewer: Actor, readonly caseId: string, readonly asOf: { at?: string; revision?: number }) {
    super();
  }
}

/** Verifies one case's stream, or the whole log. */
export class VerifyLogQuery extends Query<LogVerification> {
  constructor(readonly viewer: Actor, readonly caseId?: string) {
    super();
  }
}

/** The selected events as JSON Lines or CSV lines, streamed. */
export class ExportEventsQuery extends Query<AsyncGenerator<string>> {
  constructor(readonly viewer: Actor, readonly selection: { caseId?: string; from?: string; to?: string }, readonly format: ExportFormat) {
    super();
  }
}

function requireAuditor(viewer: Actor): void {
  if (viewer.role !== 'auditor') refuse('forbidden', 'only auditors replay, verify and export the log');
}

@QueryHandler(GetCaseStateAsOfQuery)
export class GetCaseStateAsOfHandler implements IQueryHandler<GetCaseStateAsOfQuery, CaseStateAsOf> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute({ viewer, caseId, asOf }: GetCaseStateAsOfQuery): Promise<CaseStateAsOf> {
    requireAuditor(viewer);
    const events = await readCaseStream(this.store, caseId);
    if (events.length === 0) refuse('not_found', `case ${caseId} not found`);
    const atMs = asOf.at === undefined ? undefined : Date.parse(asOf.at);
    if (atMs !== undefined && Number.isNaN(atMs)) refuse('invalid', `at must be an ISO-8601 instant, not ${asOf.at}`);
    const upTo = events.filter(
      (event) =>
        (asOf.revision === undefined || event.revision <= asOf.revision) && (atMs === undefined || Date.parse(event.recordedAt) <= atMs),
    );
    const last = upTo[upTo.length - 1];
    return { caseId, asOf, revision: last?.revision ?? -1, recordedAt: last?.recordedAt ?? null, state: foldCase(upTo.map(toCaseEvent)) };
  }
}

@QueryHandler(VerifyLogQuery)
export class VerifyLogHandler implements IQueryHandler<VerifyLogQuery, LogVerification> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute({ viewer, caseId }: VerifyLogQuery): Promise<LogVerification> {
    requireAuditor(viewer);
    return verifyLog(this.store, caseId === undefined ? undefined : caseStreamId(caseId));
  }
}

@QueryHandler(ExportEventsQuery)
export class ExportEventsHandler implements IQueryHandler<ExportEventsQuery, AsyncGenerator<string>> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore, private readonly personalData: PersonalDataService) {}

  async execute({ viewer, selection, format }: ExportEventsQuery): Promise<AsyncGenerator<string>> {
    requireAuditor(viewer);
    const streamSelection: ExportSelection = {
      streamId: selection.caseId === undefined ? undefined : caseStreamId(selection.caseId),
      from: selection.from,
      to: selection.to,
    };
    return exportEvents(this.store, streamSelection, format, (event) => this.personalData.forAuditor(event));
  }
}
