import { HttpException, Logger, ValidationPipe, type INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import helmet from 'helmet';
import { STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { YIXIN_CONFIG, type YixinConfig } from '@yixin/config';
import { Metrics } from '@yixin/observability';
import { serveConsole } from './console/serve-console';
import { DomainErrorFilter } from './domain-error.filter';
import { StoredAnswerFilter } from './idempotency/idempotency.guard';
import { trackRequests } from './observability/request-tracking';
import { VALIDATION_OPTIONS } from './validation';

/**
 * What every process serving the API sets up, the same way: request tracking, security headers,
 * body limits, validation, errors, documentation.
 */
export function configureHttpApp(app: INestApplication): INestApplication {
  const config = app.get<YixinConfig>(YIXIN_CONFIG);
  limitRequestTimes(app.getHttpServer() as Server, config.httpTimeouts);
  app.use(trackRequests(app.get(Metrics)));
  app.use(securityHeaders());
  // Registered before Nest registers its default parsers, which it then skips.
  const express = app as NestExpressApplication;
  express.useBodyParser('json', { limit: config.httpBodyLimitBytes });
  express.useBodyParser('urlencoded', { limit: config.httpBodyLimitBytes, extended: true });
  app.use(answerBodyErrorsInApiFormat);
  app.use(refuseUnfitBodies);
  app.useGlobalPipes(new ValidationPipe(VALIDATION_OPTIONS));
  app.useGlobalFilters(new DomainErrorFilter(), new StoredAnswerFilter());
  SwaggerModule.setup('docs', app, apiDocument(app), { jsonDocumentUrl: 'docs/openapi.json' });
  serveConsole(app, config.consoleDir, new Logger('Console'));
  return app;
}

/** The OpenAPI document of every route the app serves: at /docs, and the source of the console's API types. */
export function apiDocument(app: INestApplication): OpenAPIObject {
  return SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('yixin 一心')
      .setDescription('One center, two councils: residents’ property complaints from filing to closure')
      .setVersion('0.1.0')
      .addBearerAuth()
      .addApiKey({ type: 'apiKey', in: 'query', name: 'access_token' }, 'access_token')
      .build(),
  );
}

/**
 * Node waits 300 s for a request by default, so a client trickling its body holds a connection and
 * its buffers that long. Set on the server before it listens, wherever it listens.
 */
function limitRequestTimes(server: Server, timeouts: YixinConfig['httpTimeouts']): void {
  server.headersTimeout = timeouts.headersMs;
  server.requestTimeout = timeouts.requestMs;
  server.keepAliveTimeout = timeouts.keepAliveMs;
  // Node looks for connections past these limits every 30 s by default, which would add up to 30 s to
  // each. It reads this when the server starts listening; @types/node knows it only as an option of createServer.
  (server as Server & { connectionsCheckingInterval: number }).connectionsCheckingInterval = Math.min(1_000, timeouts.headersMs);
}

/**
 * Helmet's security headers, worked out once: its policy here is fixed, so they are the same on every
 * response, and setting them in one step costs a fraction of running its dozen middlewares each time.
 */
function securityHeaders(): (request: IncomingMessage, response: ServerResponse, next: () => void) => void {
  const set: Array<[string, string]> = [];
  const removed: string[] = [];
  const recorder = {
    setHeader: (name: string, value: unknown) => set.push([name, String(value)]),
    removeHeader: (name: string) => removed.push(name),
  };
  helmet({
    // Helmet's policy suits the Swagger UI and the console (their scripts are files, not inline).
    // Upgrading requests to https would blank both wherever the API is served over plain HTTP. The
    // console shows photos it fetched with the user's token, and those about to be uploaded, as blobs.
    contentSecurityPolicy: { directives: { upgradeInsecureRequests: null, imgSrc: ["'self'", 'data:', 'blob:'] } },
  })({} as IncomingMessage, recorder as unknown as ServerResponse, () => undefined);
  if (set.length === 0) throw new Error('helmet set no header: its middleware no longer works on a recorded response');
  return (_request, response, next) => {
    for (const [name, value] of set) response.setHeader(name, value);
    for (const name of removed) response.removeHeader(name);
    next();
  };
}

/**
 * The body parsers fail a body that is too large, malformed or in an unknown charset with a client
 * error that Nest would answer as a 500; it becomes the HTTP error it is.
 */
function answerBodyErrorsInApiFormat(error: unknown, _request: unknown, _response: unknown, next: (error: unknown) => void): void {
  const status = (error as { status?: unknown }).status;
  if (error instanceof Error && typeof status === 'number' && status >= 400 && status < 500) {
    next(new HttpException(HttpException.createBody(error.message, STATUS_CODES[status] ?? 'Client Error', status), status));
  } else {
    next(error);
  }
}

const PROTOTYPE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Deeper than any body the API takes (a batch of complaints nests four levels), and shallow enough
 * for what reads a body recursively after this check: class-transformer, class-validator, the
 * canonical JSON of an Idempotency-Key's fingerprint.
 */
export const MAX_BODY_DEPTH = 32;

/**
 * What makes a parsed body unfit to go further, if anything: nesting deeper than MAX_BODY_DEPTH, or
 * a key that names an object's prototype machinery. Walked with a stack of its own rather than by
 * recursion, so that no body is too deep to be looked at.
 */
function bodyProblem(body: unknown): string | undefined {
  const pending: Array<{ value: unknown; path: string; depth: number }> = [{ value: body, path: '', depth: 0 }];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const { value, path, depth } = next;
    if (value === null || typeof value !== 'object') continue;
    if (depth >= MAX_BODY_DEPTH) return `the body nests objects and arrays more than ${MAX_BODY_DEPTH} levels deep`;
    for (const key of Object.keys(value)) {
      if (PROTOTYPE_KEYS.has(key)) return `property ${path}${key} should not exist`;
      pending.push({ value: (value as Record<string, unknown>)[key], path: `${path}${key}.`, depth: depth + 1 });
    }
  }
  return undefined;
}

/**
 * class-validator's whitelist does not see keys such as `constructor` (the instance has one from
 * its prototype), so a body carrying them would pass unnoticed; and a body nested thousands of
 * levels deep would overflow the stack of the first recursive reader. Both are refused before any route.
 */
function refuseUnfitBodies(request: { body?: unknown }, _response: unknown, next: (error?: unknown) => void): void {
  const problem = bodyProblem(request.body);
  next(problem ? new HttpException(HttpException.createBody([problem], 'Bad Request', 400), 400) : undefined);
}
