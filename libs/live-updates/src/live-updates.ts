import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { setTimeout as sleep } from 'node:timers/promises';
import { filter, map, mergeMap, Observable, ReplaySubject, share, takeUntil } from 'rxjs';
import type { Actor } from '@yixin/domain';
import { DirectoryService } from '@yixin/directory';
import { latestChangePosition, selectChangesAfter, withTimeLeft, type CaseListChange } from '@yixin/cases';
import type { SqlDatabase } from '@yixin/stores';
import { READ_STORE } from '@yixin/stores';
import { jurisdictionOf } from '@yixin/directory';
import { requireInboxHolder, type TimedCaseListRow } from '@yixin/cases';
import { toSupervisionRow, type SupervisionRow } from '@yixin/cases';

/** How often the case list is asked for changes while anyone listens. */
export const CHANGE_POLL_INTERVAL_MS = 1_000;
const CHANGES_PER_READ = 500;

/**
 * What a live stream tells its viewer: a case in their scope as it is now, or that a case left
 * their scope (its task went to someone else). `position` orders the updates; a client that
 * reconnects passes the last one it got to resume after it.
 */
export type LiveCaseUpdate<Row> = { kind: 'case'; position: number; row: Row } | { kind: 'removed'; position: number; caseId: string };

/**
 * The changes of the case list, read from the read store itself, so every API process sees every
 * change whichever process projected it (at scale, API processes run no projections). One poll
 * per process serves all its listeners, and it runs only while someone listens.
 */
@Injectable()
export class CaseListChangeFeed implements OnModuleDestroy {
  private readonly logger = new Logger(CaseListChangeFeed.name);
  private readonly stopping = new ReplaySubject<void>(1);
  private readonly live: Observable<CaseListChange>;

  constructor(@Inject(READ_STORE) private readonly db: SqlDatabase) {
    this.live = this.poll().pipe(takeUntil(this.stopping), share());
  }

  /** Changes from now on; with `after`, first every change after that position (as rows are now), then on. */
  changes(after?: number): Observable<CaseListChange> {
    if (after === undefined) return this.live;
    return new Observable<CaseListChange>((subscriber) => {
      // Listening before catching up, so nothing falls between; what the catch-up read already is not sent twice.
      let caughtUpTo: number | undefined;
      const waiting: CaseListChange[] = [];
      const live = this.live.subscribe({
        next: (change) => {
          if (caughtUpTo === undefined) waiting.push(change);
          else if (change.position > caughtUpTo) subscriber.next(change);
        },
        error: (error: unknown) => subscriber.error(error),
        complete: () => subscriber.complete(),
      });
      this.readAllAfter(after, (change) => subscriber.next(change)).then(
        (last) => {
          caughtUpTo = last;
          for (const change of waiting.splice(0)) if (change.position > last) subscriber.next(change);
        },
        (error: unknown) => subscriber.error(error),
      );
      return () => live.unsubscribe();
    });
  }

  onModuleDestroy(): void {
    // Ends every open stream, so that the HTTP server's close does not wait for their clients.
    this.stopping.next();
  }

  private async readAllAfter(position: number, deliver: (change: CaseListChange) => void): Promise<number> {
    for (;;) {
      const changes = await selectChangesAfter(this.db, position, CHANGES_PER_READ);
      changes.forEach(deliver);
      if (changes.length > 0) position = changes[changes.length - 1].position;
      if (changes.length < CHANGES_PER_READ) return position;
    }
  }

  private poll(): Observable<CaseListChange> {
    return new Observable<CaseListChange>((subscriber) => {
      const stopped = new AbortController();
      void (async () => {
        let cursor: number | undefined;
        while (!stopped.signal.aborted) {
          try {
            if (cursor === undefined) cursor = await latestChangePosition(this.db);
            else cursor = await this.readAllAfter(cursor, (change) => subscriber.next(change));
          } catch (error) {
            this.logger.warn(`reading the changes of the case list failed: ${String(error)}; trying again`);
          }
          await sleep(CHANGE_POLL_INTERVAL_MS, undefined, { signal: stopped.signal, ref: false }).catch(() => undefined);
        }
      })();
      return () => stopped.abort();
    });
  }
}

/** The viewer's inbox as it changes: tasks that arrive, change or leave. */
export class WatchInboxQuery extends Query<Observable<LiveCaseUpdate<TimedCaseListRow>>> {
  constructor(readonly viewer: Actor, readonly after?: number) {
    super();
  }
}

@QueryHandler(WatchInboxQuery)
export class WatchInboxHandler implements IQueryHandler<WatchInboxQuery, Observable<LiveCaseUpdate<TimedCaseListRow>>> {
  constructor(private readonly feed: CaseListChangeFeed) {}

  async execute({ viewer, after }: WatchInboxQuery): Promise<Observable<LiveCaseUpdate<TimedCaseListRow>>> {
    const organisationId = requireInboxHolder(viewer);
    return this.feed.changes(after).pipe(
      mergeMap(({ position, row, previousAssignee }): Array<LiveCaseUpdate<TimedCaseListRow>> => {
        // Every change of its tasks, so that one resolved, returned or closed leaves the inbox too.
        if (row.assigneeOrganisationId === organisationId) return [{ kind: 'case', position, row: withTimeLeft(row, new Date().toISOString()) }];
        return previousAssignee === organisationId ? [{ kind: 'removed', position, caseId: row.caseId }] : [];
      }),
    );
  }
}

/** Every case of a street or district officer's jurisdiction as it changes, with the queues it is in. */
export class WatchSupervisionQuery extends Query<Observable<LiveCaseUpdate<SupervisionRow>>> {
  constructor(readonly viewer: Actor, readonly after?: number) {
    super();
  }
}

@QueryHandler(WatchSupervisionQuery)
export class WatchSupervisionHandler implements IQueryHandler<WatchSupervisionQuery, Observable<LiveCaseUpdate<SupervisionRow>>> {
  constructor(private readonly feed: CaseListChangeFeed, private readonly directory: DirectoryService) {}

  async execute({ viewer, after }: WatchSupervisionQuery): Promise<Observable<LiveCaseUpdate<SupervisionRow>>> {
    const communities = new Set(jurisdictionOf(viewer, this.directory));
    // A case never leaves its community, so never the jurisdiction: a row in no queue any more has left the queues.
    return this.feed.changes(after).pipe(
      filter(({ row }) => communities.has(row.communityId)),
      map(({ position, row }): LiveCaseUpdate<SupervisionRow> => ({ kind: 'case', position, row: toSupervisionRow(row, new Date().toISOString()) })),
    );
  }
}
