import { BadRequestException, UnauthorizedException, type MessageEvent } from '@nestjs/common';
import { Observable } from 'rxjs';
import type { LiveCaseUpdate } from '@yixin/live-updates';
import { TOKEN_RECHECK_INTERVAL_MS, TokenNoLongerStandsError } from '../auth/token-standing';

/** Proxies and load balancers close a connection that stays silent for long; a comment every 15 s keeps it open. */
export const HEARTBEAT_INTERVAL_MS = 15_000;

/**
 * Live updates as server-sent events: `event: case` with the row, or `event: removed` with the
 * case id, each with `id` = its position, which a reconnecting EventSource sends back as
 * Last-Event-ID to resume after it. Ends when the updates end (the server shutting down), and when
 * the token that opened it no longer stands, with `event: unauthorized` and the API's 401 body: a
 * reconnecting EventSource is then refused with 401 and stops.
 */
export function toServerSentEvents<Row>(updates: Observable<LiveCaseUpdate<Row>>, tokenStillStands: () => Promise<boolean>): Observable<MessageEvent> {
  return new Observable<MessageEvent>((subscriber) => {
    // Nest sends the headers with the first message: this one tells the client at once that the stream is open.
    subscriber.next({ comment: 'connected' });
    const heartbeat = setInterval(() => subscriber.next({ comment: 'heartbeat' }), HEARTBEAT_INTERVAL_MS);
    let checking = false;
    const recheck = setInterval(() => {
      if (checking) return;
      checking = true;
      tokenStillStands().then(
        (stands) => {
          checking = false;
          if (stands || subscriber.closed) return;
          const refusal = new UnauthorizedException(new TokenNoLongerStandsError().message);
          subscriber.next({ type: 'unauthorized', data: refusal.getResponse() as object });
          subscriber.complete();
        },
        // Unable to tell whether the token stands, the stream ends rather than go on delivering.
        (error: unknown) => subscriber.error(error),
      );
    }, TOKEN_RECHECK_INTERVAL_MS);
    const subscription = updates.subscribe({
      next: (update) =>
        subscriber.next(
          update.kind === 'case'
            ? { type: 'case', id: String(update.position), data: update.row as object }
            : { type: 'removed', id: String(update.position), data: { caseId: update.caseId } },
        ),
      error: (error: unknown) => subscriber.error(error),
      complete: () => subscriber.complete(),
    });
    return () => {
      clearInterval(heartbeat);
      clearInterval(recheck);
      subscription.unsubscribe();
    };
  });
}

/** The Last-Event-ID a reconnecting EventSource sends: the position to resume after. */
export function resumePosition(lastEventId: string | undefined): number | undefined {
  if (lastEventId === undefined || lastEventId === '') return undefined;
  if (!/^\d{1,15}$/.test(lastEventId)) throw new BadRequestException(['Last-Event-ID must be the id of an event of this stream']);
  return Number(lastEventId);
}
