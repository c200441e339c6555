import { createHmac } from 'node:crypto';
import type { YixinConfig } from '@yixin/config';
import type { EventStore } from '@yixin/event-store';
import { startE2eApp, type E2eApp } from '@yixin/testing';
import { eventually, caseLogLength, sampleComplaint, type ApiClient } from '@yixin/testing';

/** At least this many malformed or hostile requests; none may answer 5xx or append an event. */
const MALFORMED_REQUESTS = 10_000;
const BATCH = 250;

interface Operation {
  method: string;
  /** OpenAPI path, e.g. /cases/{caseId}/task/resolve */
  path: string;
  pathParameters: string[];
  queryParameters: Array<{ name: string; schema: Schema }>;
  body?: Schema;
  /** Takes a multipart/form-data upload (a photo). */
  multipart: boolean;
  isPublic: boolean;
}

interface Schema {
  type?: string;
  $ref?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  enum?: unknown[];
  example?: unknown;
  minimum?: number;
  maximum?: number;
  allOf?: Schema[];
}

interface FuzzRequest {
  method: string;
  path: string;
  token?: string;
  /** A raw body and its content type; undefined sends none. */
  body?: { text: string; contentType: string };
  why: string;
}

/** A small seeded generator, so that a failure can be replayed. */
function random(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    int: (below: number) => Math.floor(next() * below),
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)],
    chance: (p: number) => next() < p,
  };
}

/** Text that has broken servers before: injections, encodings, unicode's corners. */
const HOSTILE_TEXT = [
  "'; DROP TABLE events; --",
  '" OR 1=1 --',
  '{"$gt": ""}',
  '<script>alert(1)</script>',
  '../../../../etc/passwd',
  '%00%0d%0a',
  '\u0000',
  '\ud800',
  '\udfff\ud800',
  '\u202e\u2066evil',
  '\u200b\u200c\u200d\ufeff',
  '𠜎𠜱𠝹𠱓😀👨‍👩‍👧‍👦',
  'Ａ'.repeat(3000),
  '${jndi:ldap://x}',
  '{{7*7}}',
  '__proto__',
  'constructor',
  ' ',
  '',
  '\n\t\r',
  '-1e309',
  'NaN',
];

/** encodeURIComponent, except that a lone surrogate is sent as its (invalid) UTF-8 bytes instead of throwing. */
function percentEncode(text: string): string {
  let encoded = '';
  for (const character of text) {
    const code = character.charCodeAt(0);
    const lone = character.length === 1 && code >= 0xd800 && code <= 0xdfff;
    encoded += lone
      ? [0xe0 | (code >> 12), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f)].map((byte) => `%${byte.toString(16).toUpperCase()}`).join('')
      : encodeURIComponent(character);
  }
  return encoded;
}

const WRONG_VALUES: unknown[] = [null, true, false, 0, -1, 1.5, 1e309 /* JSON: null */, 2 ** 53 + 1, '', 'x', [], [1, 2], {}, { nested: { deeper: [] } }];

describe('a fuzz of malformed and hostile requests', () => {
  let e2e: E2eApp;
  let config: YixinConfig;
  let api: ApiClient;
  let baseUrl: string;
  let store: EventStore;
  let operations: Operation[];
  let schemas: Record<string, Schema>;
  let tokens: Record<string, string>;
  let caseId: string;

  beforeAll(async () => {
    e2e = await startE2eApp({
      env: { RATE_LIMIT_WRITES_PER_MINUTE: '100000000', RATE_LIMIT_LOGINS_PER_MINUTE: '100000000' },
      users: ['staff.xiangyuan', 'pc.beichen-aoyuan', 'oc.beichen-aoyuan', 'council.property', 'street.officer', 'district.officer', 'auditor'],
    });
    ({ config, api, store, tokens } = e2e);
    baseUrl = api.baseUrl;
    caseId = (await api.request('POST', '/cases', tokens['staff.xiangyuan'], sampleComplaint())).body.caseId;
    await eventually(async () => ((await api.request('GET', `/cases/${caseId}`, tokens['staff.xiangyuan'])).body.status === 'awaiting_sign_for' ? true : undefined), 'the dispatch');

    const document = (await api.request('GET', '/docs/openapi.json')).body;
    schemas = document.components?.schemas ?? {};
    operations = Object.entries(document.paths as Record<string, Record<string, any>>).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, operation]) => ({
        method: method.toUpperCase(),
        path,
        pathParameters: (operation.parameters ?? []).filter((p: any) => p.in === 'path').map((p: any) => p.name),
        queryParameters: (operation.parameters ?? []).filter((p: any) => p.in === 'query').map((p: any) => ({ name: p.name, schema: p.schema ?? {} })),
        body: operation.requestBody?.content?.['application/json']?.schema,
        multipart: operation.requestBody?.content?.['multipart/form-data'] !== undefined,
        isPublic: !(operation.security?.length > 0),
      })),
    );
  });

  afterAll(() => e2e?.stop());

  const resolve = (schema: Schema): Schema => {
    if (schema.$ref) return resolve(schemas[schema.$ref.split('/').pop()!]);
    if (schema.allOf) return schema.allOf.map(resolve).reduce((merged, part) => ({ ...merged, ...part, properties: { ...merged.properties, ...part.properties } }), {});
    return schema;
  };

  /** A plausible value for a schema: its example, its first enum value, or something of its type. */
  const plausible = (raw: Schema): unknown => {
    const schema = resolve(raw);
    if (schema.example !== undefined) return schema.example;
    if (schema.enum) return schema.enum[0];
    switch (schema.type) {
      case 'object':
        return Object.fromEntries(Object.entries(schema.properties ?? {}).map(([name, property]) => [name, plausible(property)]));
      case 'array':
        return [plausible(schema.items ?? {})];
      case 'integer':
      case 'number':
        return schema.minimum ?? 1;
      case 'boolean':
        return true;
      default:
        return 'text';
    }
  };

  /** A forged or broken credential: none of them may pass. */
  function forgedToken(rng: ReturnType<typeof random>, valid: string): { token?: string; why: string } {
    const [header, payload] = valid.split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const sign = (data: string, secret: string) => createHmac('sha256', secret).update(data).digest('base64url');
    const variants: Array<() => { token?: string; why: string }> = [
      () => ({ why: 'no token' }),
      () => ({ token: 'not-a-jwt', why: 'garbage token' }),
      () => ({ token: `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ ...claims, role: 'auditor' })}.`, why: 'alg none' }),
      () => {
        const role = claims.role === 'auditor' ? 'district_officer' : 'auditor';
        return { token: `${header}.${b64({ ...claims, role })}.${valid.split('.')[2]}`, why: 'tampered claims' };
      },
      () => {
        const data = `${header}.${b64(claims)}`;
        return { token: `${data}.${sign(data, 'another-secret')}`, why: 'signed with another secret' };
      },
      () => {
        const data = `${header}.${b64({ ...claims, exp: Math.floor(Date.now() / 1000) - 60 })}`;
        return { token: `${data}.${sign(data, config.jwt.secret!)}`, why: 'expired' };
      },
      () => ({ token: valid.slice(0, -3), why: 'truncated signature' }),
      () => ({ token: `${valid}${valid}`, why: 'doubled' }),
    ];
    return rng.pick(variants)();
  }

  /** A path with its parameters filled, sometimes with junk. */
  function pathOf(operation: Operation, rng: ReturnType<typeof random>, junk: boolean): string {
    return operation.path.replace(/\{(\w+)\}/g, (_, name: string) => {
      if (!junk) return name === 'caseId' ? caseId : 'x';
      return percentEncode(rng.pick([caseId.toUpperCase() + 'x', '00000000-0000-0000-0000-000000000000', '../../etc/passwd', '%00', 'a'.repeat(2000), '😀', "1' OR '1'='1", '-1']));
    });
  }

  /** A body that must fail validation, with why. */
  function malformedBody(operation: Operation, rng: ReturnType<typeof random>): { text: string; contentType: string; why: string } {
    const json = (value: unknown, why: string) => ({ text: JSON.stringify(value), contentType: 'application/json', why });
    const schema = resolve(operation.body!);
    const valid = plausible(schema) as Record<string, unknown>;
    const required = schema.required ?? [];
    const properties = Object.keys(schema.properties ?? {});
    const variants: Array<() => { text: string; contentType: string; why: string }> = [
      () => ({ text: '{"resident": {', contentType: 'application/json', why: 'truncated JSON' }),
      () => ({ text: '\ufeff{}garbage', contentType: 'application/json', why: 'trailing garbage' }),
      () => ({ text: rng.pick(HOSTILE_TEXT), contentType: 'text/plain', why: 'text/plain body' }),
      () => json(rng.pick([[], 'string', 42, null, true]), 'not an object'),
      () => json({ ...valid, [rng.pick(['__proto__', 'constructor', '$where', 'isAdmin', 'caseId'])]: { polluted: true } }, 'unknown property'),
      () => {
        if (required.length === 0) return json({ ...valid, unexpected: rng.pick(HOSTILE_TEXT) }, 'unknown property');
        const { [rng.pick(required)]: _removed, ...rest } = valid;
        return json(rest, 'required property missing');
      },
      () => {
        if (properties.length === 0) return json({ unexpected: 1 }, 'unknown property');
        const property = rng.pick(properties);
        const wrong = rng.pick(WRONG_VALUES.filter((value) => typeof value !== typeof valid[property] || Array.isArray(value)));
        // Free text accepts any string, so the hostile text rides along with an invalid sibling.
        return json({ ...valid, [property]: wrong, unexpectedToo: rng.pick(HOSTILE_TEXT) }, `wrong type for ${property}`);
      },
      () => ({ text: `${'{"nested":'.repeat(10_000)}{}${'}'.repeat(10_000)}`, contentType: 'application/json', why: 'objects nested 10,000 deep' }),
      () => ({ text: `${'['.repeat(100_000)}${']'.repeat(100_000)}`, contentType: 'application/json', why: 'arrays nested 100,000 deep' }),
      () => json({ ...valid, [rng.pick(properties.length > 0 ? properties : ['nested'])]: JSON.parse(`${'{"a":'.repeat(40)}1${'}'.repeat(40)}`) }, 'a property nested 40 deep'),
      () => json({ ...valid, padding: 'x'.repeat(1_100_000 + rng.int(100_000)) }, 'too large'),
    ];
    return rng.pick(variants)();
  }

  /** A query string that must fail validation. */
  function malformedQuery(operation: Operation, rng: ReturnType<typeof random>): string {
    const bad = operation.queryParameters.map(({ name, schema }) => {
      const resolved = resolve(schema);
      const value = resolved.enum ? rng.pick(HOSTILE_TEXT.filter(Boolean)) : resolved.type === 'integer' || resolved.type === 'number' ? rng.pick(['-5', '1e999', 'abc', '99999999999', '1e20', '9007199254740993', '0x10', '1.5']) : rng.pick(HOSTILE_TEXT);
      return `${encodeURIComponent(name)}=${percentEncode(value)}`;
    });
    return [...bad, `unknownParameter=${percentEncode(rng.pick(HOSTILE_TEXT))}`].join('&');
  }

  /** A multipart upload that must be refused: no photo, or a photo with more than it may carry. */
  function hostileMultipart(rng: ReturnType<typeof random>): { text: string; contentType: string; why: string } {
    const boundary = `fuzz${rng.int(1e9)}`;
    const part = (name: string, value: string, file?: { filename: string; type: string }) =>
      `--${boundary}\r\nContent-Disposition: form-data; name="${name}"${file ? `; filename="${file.filename}"` : ''}\r\n` +
      `${file ? `Content-Type: ${file.type}\r\n` : ''}\r\n${value}\r\n`;
    const notAnImage = () => part('file', rng.pick(HOSTILE_TEXT.filter(Boolean)), { filename: rng.pick(['photo.png', '../../x.png', '%00.jpg']), type: 'image/png' });
    const variants: Array<() => { parts: string; why: string }> = [
      () => ({ parts: Array.from({ length: 1 + rng.int(40) }, (_, index) => part(`field${index}`, 'x'.repeat(rng.int(16_384)))).join('') + notAnImage(), why: 'text fields before the file' }),
      () => ({ parts: notAnImage() + part('note', rng.pick(HOSTILE_TEXT)), why: 'a text field after the file' }),
      () => ({ parts: notAnImage() + notAnImage(), why: 'two files' }),
      () => ({ parts: part(rng.pick(['photo', 'file[]', 'a[b][c][d]', '__proto__']), 'x', { filename: 'p.png', type: 'image/png' }), why: 'the file in another field' }),
      () => ({ parts: notAnImage(), why: 'a file that is no image' }),
      () => ({ parts: part('file', '', { filename: 'empty.png', type: 'image/png' }), why: 'an empty file' }),
    ];
    const { parts, why } = rng.pick(variants)();
    const truncated = rng.chance(0.1);
    return { text: truncated ? parts : `${parts}--${boundary}--\r\n`, contentType: `multipart/form-data; boundary=${boundary}`, why: truncated ? `${why}, never closed` : why };
  }

  function nextRequest(rng: ReturnType<typeof random>): FuzzRequest {
    const operation = rng.pick(operations);
    const anyToken = tokens[rng.pick(Object.keys(tokens))];
    const writes = operation.method !== 'GET';
    const broken = forgedToken(rng, anyToken);
    if (operation.multipart && rng.chance(0.75)) {
      const body = hostileMultipart(rng);
      return { method: operation.method, path: pathOf(operation, rng, rng.chance(0.2)), token: rng.chance(0.9) ? anyToken : broken.token, body, why: body.why };
    }
    // A write with a valid token and valid path could be legitimate: every write sent with a real
    // token carries a malformed body (or a junk path), so that none may append.
    if (writes && !operation.isPublic) {
      if (!operation.body || rng.chance(0.25)) {
        if (operation.pathParameters.length > 0 && rng.chance(0.5)) {
          return { method: operation.method, path: pathOf(operation, rng, true), token: anyToken, why: 'junk path parameter' };
        }
        return { method: operation.method, path: pathOf(operation, rng, false), token: broken.token, why: broken.why };
      }
      const body = malformedBody(operation, rng);
      return { method: operation.method, path: pathOf(operation, rng, rng.chance(0.2)), token: anyToken, body, why: body.why };
    }
    if (writes) {
      // Public writes (login, Open311 filing): bodies that must fail.
      const body = operation.body ? malformedBody(operation, rng) : { text: 'api_key=wrong&service_code=' + percentEncode(rng.pick(HOSTILE_TEXT)), contentType: 'application/x-www-form-urlencoded', why: 'bad form' };
      return { method: operation.method, path: pathOf(operation, rng, false), body, why: body.why };
    }
    const query = operation.queryParameters.length > 0 && rng.chance(0.6) ? `?${malformedQuery(operation, rng)}` : '';
    const token = rng.chance(0.5) ? broken.token : anyToken;
    return { method: 'GET', path: pathOf(operation, rng, rng.chance(0.5)) + query, token, why: rng.chance(0.5) ? 'junk read' : broken.why };
  }

  async function send(request: FuzzRequest): Promise<number> {
    const response = await fetch(baseUrl + request.path, {
      method: request.method,
      headers: {
        ...(request.token ? { authorization: `Bearer ${request.token}` } : {}),
        ...(request.body ? { 'content-type': request.body.contentType } : {}),
      },
      body: request.body?.text,
    });
    // A live stream (server-sent events) would never end: its status is the answer.
    if (response.headers.get('content-type')?.startsWith('text/event-stream')) await response.body?.cancel();
    else await response.arrayBuffer();
    return response.status;
  }

  it('refuses a malformed request to every operation with a 4xx that names the problem', async () => {
    const rng = random(7);
    const staff = tokens['staff.xiangyuan'];
    const before = await caseLogLength(store);
    const answers: string[] = [];
    for (const operation of operations) {
      const token = operation.isPublic ? undefined : staff;
      const request: FuzzRequest = operation.body
        ? { method: operation.method, path: pathOf(operation, rng, false), token, body: { text: '{"unexpected": true}', contentType: 'application/json' }, why: 'unknown property' }
        : operation.pathParameters.length > 0
          ? { method: operation.method, path: operation.path.replace(/\{(\w+)\}/g, 'not-an-id'), token, why: 'malformed path parameter' }
          : operation.queryParameters.length > 0
            ? { method: operation.method, path: `${operation.path}?${malformedQuery(operation, rng)}`, token, why: 'malformed query' }
            : { method: operation.method, path: operation.path, token: 'forged.token.value', why: 'forged token' };
      const status = await send(request);
      answers.push(`${status} ${operation.method} ${operation.path} (${request.why})`);
    }
    // Operations that take no input at all answer a forged token with 401; public ones may answer 200.
    const wrong = answers.filter((answer) => !/^4\d\d /.test(answer) && !/^200 GET \/(health|metrics|docs|open311|auth\/demo-users)/.test(answer));
    expect(wrong).toEqual([]);
    expect(await caseLogLength(store)).toBe(before);
  });

  // Ten thousand requests take about a minute on two idle cores; the limit only guards against a hang.
  it(`answers ${MALFORMED_REQUESTS} malformed or hostile requests with 4xx, never 5xx, and appends nothing`, async () => {
    expect(operations.length).toBeGreaterThan(20);
    const rng = random(20261129);
    const before = await caseLogLength(store);
    const serverErrors: string[] = [];
    const statuses = new Map<number, number>();
    for (let sent = 0; sent < MALFORMED_REQUESTS; sent += BATCH) {
      const batch = Array.from({ length: BATCH }, () => nextRequest(rng));
      const answers = await Promise.all(batch.map(send));
      const accepted: string[] = [];
      answers.forEach((status, index) => {
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
        const { method, path, why, body } = batch[index];
        const described = `${status} ${method} ${path.slice(0, 120)} (${why}) ${body?.text.slice(0, 200) ?? ''}`;
        // /health's 503 is its answer, not a failure: a dependency took over 3 s to answer while the fuzz loads the machine.
        const healthAnswer = status === 503 && path.startsWith('/health');
        if (status >= 500 && !healthAnswer) serverErrors.push(described);
        if (status < 400 && method !== 'GET') accepted.push(described);
      });
      expect({ appended: (await caseLogLength(store)) - before, accepted }).toEqual({ appended: 0, accepted: [] });
    }
    console.log(
      `fuzz: ${MALFORMED_REQUESTS} requests over ${operations.length} operations: ` +
        [...statuses.entries()].sort(([a], [b]) => a - b).map(([status, count]) => `${status} ×${count}`).join(', '),
    );
    expect(serverErrors).toEqual([]);
    // Every answer is a refusal: nothing malformed was taken for a good request.
    expect([...statuses.keys()].filter((status) => status < 400)).toEqual(statuses.has(200) ? [200] : []);
    const reads = statuses.get(200) ?? 0;
    expect(reads).toBeLessThan(MALFORMED_REQUESTS / 4);
  }, 600_000);

  it('stores hostile text in valid requests exactly as sent, and answers it back unharmed', async () => {
    const staff = tokens['staff.xiangyuan'];
    for (const text of HOSTILE_TEXT.filter((candidate) => /\S/.test(candidate) && candidate.length <= 2000 && !/[\ud800-\udfff]/.test(candidate.replace(/[\ud800-\udbff][\udc00-\udfff]/g, '')))) {
      const complaint = { ...sampleComplaint(), description: text };
      const filed = await api.request('POST', '/cases', staff, complaint);
      expect(filed.status).toBe(201);
      const read = await api.request('GET', `/cases/${filed.body.caseId}`, staff);
      expect(read.status).toBe(200);
      expect(read.body.description).toBe(text);
    }
  });
});
