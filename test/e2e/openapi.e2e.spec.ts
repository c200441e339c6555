import type { INestApplication } from '@nestjs/common';
import { startE2eApp, type E2eApp } from '@yixin/testing';
import type { ApiClient } from '@yixin/testing';

interface Schema {
  $ref?: string;
  type?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  allOf?: Schema[];
  oneOf?: Schema[];
  anyOf?: Schema[];
  additionalProperties?: boolean | Schema;
}

interface MediaType {
  schema?: Schema;
}

interface Operation {
  summary?: string;
  parameters?: Array<{ name: string; in: string }>;
  requestBody?: { content: Record<string, MediaType> };
  responses: Record<string, { content?: Record<string, MediaType> }>;
  security?: Array<Record<string, string[]>>;
}

interface Document {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema> };
}

const ERROR_SCHEMA = '#/components/schemas/ApiErrorResponse';

/** Served beside the API, not part of it: the documentation itself, and Open311's answer to paths it does not have. */
const NOT_OPERATIONS = [/^GET \/docs/, /^[\w-]+ \/open311\/v2\/\*path$/];

/**
 * Open to every signed-in user: outside one's scope is 404, so no 403 is ever answered (the
 * authorization matrix would see one, and fail on an undocumented status).
 */
const NEVER_FORBIDDEN = ['GET /cases/{caseId}', 'GET /cases/{caseId}/timeline', 'GET /attachments/{hash}', 'POST /auth/logout', 'GET /directory/organisations'];

/** Values that fill any path parameter well enough to reach the guards. */
const PATH_VALUES: Record<string, string> = {
  caseId: '6f1d0c3e-8c4b-4f62-9d0e-2a7b5c9e1f30',
  hash: '0'.repeat(64),
  username: 'nobody.here',
  format: 'json',
  serviceCode: 'elevator',
  serviceRequestId: '6f1d0c3e-8c4b-4f62-9d0e-2a7b5c9e1f30',
};

/**
 * The OpenAPI document at /docs/openapi.json against the routes the API really serves: every route
 * documented, with a summary, its answers and their schemas, its errors in the API's error format,
 * and bearer security exactly where a request without a token is refused with 401.
 */
describe('the OpenAPI document', () => {
  let e2e: E2eApp;
  let app: INestApplication;
  let api: ApiClient;
  let document: Document;
  let operations: Array<{ key: string; method: string; path: string; operation: Operation }>;

  beforeAll(async () => {
    // No Temporal: the document and the guards need none (readiness answers 503, which is documented).
    e2e = await startE2eApp({ process: 'api' });
    ({ app, api } = e2e);
    document = (await api.request<Document>('GET', '/docs/openapi.json')).body;
    operations = Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, operation]) => ({ key: `${method.toUpperCase()} ${path}`, method: method.toUpperCase(), path, operation })),
    );
  });

  afterAll(() => e2e?.stop());

  const resolve = (schema: Schema): Schema => (schema.$ref ? resolve(document.components.schemas[schema.$ref.split('/').pop()!]) : schema);

  /** Operations whose documentation lacks what `check` looks for, with what it found missing. */
  function failing(check: (operation: Operation, key: string) => string | undefined): string[] {
    return operations.flatMap(({ key, operation }) => {
      const problem = check(operation, key);
      return problem ? [`${key}: ${problem}`] : [];
    });
  }

  it('documents every route the API serves', () => {
    const express = app.getHttpAdapter().getInstance() as { router: { stack: Array<{ route?: { path: string; methods: Record<string, boolean> } }> } };
    const served = express.router.stack.flatMap(({ route }) =>
      route ? Object.keys(route.methods).map((method) => `${method.toUpperCase()} ${route.path.replace(/:(\w+)/g, '{$1}')}`) : [],
    );
    const documented = new Set(operations.map(({ key }) => key));
    expect(served.filter((route) => !NOT_OPERATIONS.some((pattern) => pattern.test(route)) && !documented.has(route))).toEqual([]);
    expect(operations.length).toBeGreaterThan(40);
  });

  it('gives every operation a summary', () => {
    expect(failing((operation) => (operation.summary?.trim() ? undefined : 'no summary'))).toEqual([]);
  });

  it('gives every operation a successful answer with a schema, a documented other format, or no content', () => {
    expect(
      failing((operation) => {
        const successes = Object.entries(operation.responses).filter(([status]) => /^2\d\d$/.test(status));
        if (successes.length === 0) return 'no 2xx answer';
        for (const [status, response] of successes) {
          if (status === '204') continue;
          const media = Object.entries(response.content ?? {});
          if (media.length === 0) return `${status} has no content`;
          const withoutSchema = media.filter(([, { schema }]) => !schema?.$ref && !schema?.type).map(([type]) => type);
          if (withoutSchema.length > 0) return `${status} ${withoutSchema.join(', ')} without a schema`;
        }
        return undefined;
      }),
    ).toEqual([]);
  });

  it('documents the errors of every authenticated operation in the API’s error format', () => {
    expect(
      failing((operation, key) => {
        if (!operation.security?.length) return undefined;
        const required = ['401'];
        if (!NEVER_FORBIDDEN.includes(key)) required.push('403');
        if (operation.requestBody || (operation.parameters ?? []).some((parameter) => parameter.in !== 'header')) required.push('400');
        const missing = required.filter((status) => operation.responses[status] === undefined);
        if (missing.length > 0) return `no ${missing.join(', ')}`;
        const errors = Object.entries(operation.responses).filter(([status]) => /^4\d\d$/.test(status));
        const otherFormat = errors.filter(([, response]) => response.content?.['application/json']?.schema?.$ref !== ERROR_SCHEMA).map(([status]) => status);
        return otherFormat.length > 0 ? `${otherFormat.join(', ')} not in the error format` : undefined;
      }),
    ).toEqual([]);
  });

  it('asks for a bearer token exactly where the API refuses a request without one (or with a forged one) with 401', async () => {
    const forged = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1c2VyLWF1ZGl0b3IiLCJyb2xlIjoiYXVkaXRvciJ9.c2lnbmF0dXJl';
    const mismatches: string[] = [];
    for (const { key, method, path, operation } of operations) {
      const url = path.replace(/\{(\w+)\}/g, (_, name: string) => PATH_VALUES[name] ?? 'x');
      const documented = operation.security?.some((requirement) => 'bearer' in requirement) ?? false;
      for (const token of [undefined, forged]) {
        const { status } = await api.request(method, url, token);
        if ((status === 401) !== documented) mismatches.push(`${key} ${token ? 'with a forged token' : 'without a token'}: ${status}, documented ${documented ? 'secured' : 'public'}`);
      }
    }
    expect(mismatches).toEqual([]);
  });

  it('names only properties that exist as required in request bodies, and every reference resolves', () => {
    const problems: string[] = [];
    const visit = (schema: Schema, where: string, seen: Set<Schema>): void => {
      if (schema.$ref) {
        const target = document.components.schemas[schema.$ref.split('/').pop()!];
        if (!target) return void problems.push(`${where}: ${schema.$ref} does not resolve`);
        return visit(target, `${where} → ${schema.$ref}`, seen);
      }
      if (seen.has(schema)) return;
      seen.add(schema);
      const missing = (schema.required ?? []).filter((name) => !(name in (schema.properties ?? {})));
      if (missing.length > 0) problems.push(`${where}: required ${missing.join(', ')} not among its properties`);
      for (const [name, property] of Object.entries(schema.properties ?? {})) visit(property, `${where}.${name}`, seen);
      for (const part of [...(schema.allOf ?? []), ...(schema.oneOf ?? []), ...(schema.anyOf ?? []), ...(schema.items ? [schema.items] : [])]) visit(part, where, seen);
      if (typeof schema.additionalProperties === 'object') visit(schema.additionalProperties, where, seen);
    };
    for (const { key, operation } of operations) {
      for (const [type, { schema }] of Object.entries(operation.requestBody?.content ?? {})) {
        if (!schema) problems.push(`${key} ${type}: a request body without a schema`);
        else visit(schema, `${key} ${type}`, new Set());
      }
      for (const [status, response] of Object.entries(operation.responses)) {
        for (const { schema } of Object.values(response.content ?? {})) if (schema) visit(schema, `${key} ${status}`, new Set());
      }
    }
    expect(problems).toEqual([]);
    expect(resolve({ $ref: ERROR_SCHEMA }).required).toEqual(['statusCode', 'error', 'message']);
  });
});
