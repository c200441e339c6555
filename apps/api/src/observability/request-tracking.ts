import { Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { logContext, type Metrics } from '@yixin/observability';
import type { Actor } from '@yixin/domain';

export const CORRELATION_ID_HEADER = 'X-Correlation-Id';

/** A caller's correlation id is kept only if it is a plain token: it ends up in logs and headers. */
const SANE_CORRELATION_ID = /^[A-Za-z0-9._:-]{1,128}$/;

interface TrackedRequest extends IncomingMessage {
  /** The route template Express matched, e.g. `/cases/:caseId`; absent when no route matched. */
  route?: { path: string };
  actor?: Actor;
}

/**
 * The first middleware of the API: gives the request its correlation id (the caller's, or a new
 * one), answers it in a header, runs the rest of the request inside that log context, and when the
 * response is done logs one line about it and observes its duration.
 */
export function trackRequests(metrics: Metrics): (request: TrackedRequest, response: ServerResponse, next: () => void) => void {
  const logger = new Logger('Http');
  return (request, response, next) => {
    const offered = request.headers['x-correlation-id'];
    const correlationId = typeof offered === 'string' && SANE_CORRELATION_ID.test(offered) ? offered : randomUUID();
    response.setHeader(CORRELATION_ID_HEADER, correlationId);
    const started = performance.now();
    logContext.run({ correlationId }, () => {
      const done = () => {
        const seconds = (performance.now() - started) / 1000;
        const method = request.method ?? 'UNKNOWN';
        const route = request.route?.path ?? 'unmatched';
        const status = response.statusCode;
        metrics.httpRequestDuration.observe({ method, route, status: String(status) }, seconds);
        logger.log({
          message: 'request',
          method,
          route,
          status,
          durationMs: Math.round(seconds * 1000),
          userId: request.actor?.userId,
          ...(response.writableFinished ? {} : { aborted: true }),
        });
      };
      // The response emits 'close' from outside the request's log context.
      response.once('close', () => logContext.run({ correlationId }, done));
      next();
    });
  };
}
