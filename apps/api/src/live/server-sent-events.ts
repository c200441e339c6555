import { BadRequestException, type MessageEvent } from '@nestjs/common';
import { Observable } from 'rxjs';
import type { LiveCaseUpdate } from '../../../../libs/application/src';

/** Proxies and load balancers close a connection that stays silent for long; a comment every 15 s keeps it open. */
export const HEARTBEAT_INTERVAL_MS = 15_000;

/**
 * Live updates as server-sent events: `event: case` with the row, or `event: removed` with the
 * case id, each with `id` = its position, which a reconnecting EventSource sends back as
 * Last-Event-ID to resume after it. Ends when the updates end (the server shutting down).
 */
export function toServerSentEvents<Row>(updates: Observable<LiveCaseUpdate<Row>>): Observable<MessageEvent> {
  return new Observable<MessageEvent>((subscriber) => {
    // Nest sends the headers with the first message: this one tells the client at once that the stream is open.
    subscriber.next({ comment: 'connected' });
    const heartbeat = setInterval(() => subscriber.next({ comment: 'heartbeat' }), HEARTBEAT_INTERVAL_MS);
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
