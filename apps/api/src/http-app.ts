import { HttpException, ValidationPipe, type INestApplication, type ValidationPipeOptions } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import helmet from 'helmet';
import { STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import { Metrics, YIXIN_CONFIG, type YixinConfig } from '../../../libs/application/src';
import { DomainErrorFilter } from './domain-error.filter';
import { StoredAnswerFilter } from './idempotency/idempotency.guard';
import { trackRequests } from './observability/request-tracking';

/** How every request body and query is validated (batch filing validates each of its complaints the same way). */
export const VALIDATION_OPTIONS: ValidationPipeOptions = {
  whitelist: true,
  forbidNonWhitelisted: true,
  transform: true,
  stopAtFirstError: false,
};

/**
 * What every process serving the API sets up, the same way: request tracking, security headers,
 * body limits, validation, errors, documentation.
 */
export function configureHttpApp(app: INestApplication): INestApplication {
  const config = app.get<YixinConfig>(YIXIN_CONFIG);
  app.use(trackRequests(app.get(Metrics)));
  app.use(securityHeaders());
  // Registered before Nest registers its default parsers, which it then skips.
  const express = app as NestExpressApplication;
  express.useBodyParser('json', { limit: config.httpBodyLimitBytes });
  express.useBodyParser('urlencoded', { limit: config.httpBodyLimitBytes, extended: true });
  app.use(answerBodyErrorsInApiFormat);
  app.use(refuseObjectPrototypeKeys);
  app.useGlobalPipes(new ValidationPipe(VALIDATION_OPTIONS));
  app.useGlobalFilters(new DomainErrorFilter(), new StoredAnswerFilter());
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('yixin 一心')
      .setDescription('One center, two councils: residents’ property complaints from filing to closure')
      .setVersion('0.1.0')
      .addBearerAuth()
      .addApiKey({ type: 'apiKey', in: 'query', name: 'access_token' }, 'access_token')
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs/openapi.json' });
  return app;
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
    // Helmet's policy suits the Swagger UI (its scripts are files, not inline). Upgrading requests
    // to https would blank the UI wherever the API is served over plain HTTP.
    contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } },
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

/** The path of the first key in `value` that names an object's prototype machinery, if any. */
function prototypeKeyIn(value: unknown, path: string, depth = 0): string | undefined {
  if (value === null || typeof value !== 'object' || depth > 64) return undefined;
  for (const key of Object.keys(value)) {
    if (PROTOTYPE_KEYS.has(key)) return `${path}${key}`;
    const found = prototypeKeyIn((value as Record<string, unknown>)[key], `${path}${key}.`, depth + 1);
    if (found) return found;
  }
  return undefined;
}

/**
 * class-validator's whitelist does not see keys such as `constructor` (the instance has one from
 * its prototype), so a body carrying them would pass unnoticed: they are refused before any route.
 */
function refuseObjectPrototypeKeys(request: { body?: unknown }, _response: unknown, next: (error?: unknown) => void): void {
  const key = prototypeKeyIn(request.body, '');
  next(key ? new HttpException(HttpException.createBody([`property ${key} should not exist`], 'Bad Request', 400), 400) : undefined);
}
