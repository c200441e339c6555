import { connect } from 'node:net';
import type { EventStore } from '@yixin/event-store';
import { startE2eApp, type E2eApp } from '@yixin/testing';
import { caseLogLength, sampleComplaint, type ApiClient } from '@yixin/testing';

// The API process on its own over real HTTP, on SQLite; no Temporal is needed to serve these requests.

describe('security headers, documentation and body limits', () => {
  let e2e: E2eApp;
  let api: ApiClient;
  let store: EventStore;
  let staff: string;

  beforeAll(async () => {
    e2e = await startE2eApp({ process: 'api', users: { staff: 'staff.xiangyuan' } });
    ({ api, store } = e2e);
    staff = e2e.tokens.staff;
  });

  afterAll(() => e2e?.stop());

  it('sends helmet’s security headers, without upgrading requests to https', async () => {
    const { status, headers } = await api.request('GET', '/health/live');
    expect(status).toBe(200);
    const policy = headers.get('content-security-policy') ?? '';
    expect(policy).toContain("default-src 'self'");
    expect(policy).toContain("script-src 'self'");
    expect(policy).toContain("frame-ancestors 'self'");
    expect(policy).not.toContain('upgrade-insecure-requests');
    expect(headers.get('x-content-type-options')).toBe('nosniff');
    expect(headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(headers.get('strict-transport-security')).toMatch(/^max-age=\d+/);
    expect(headers.get('referrer-policy')).toBe('no-referrer');
    expect(headers.has('x-powered-by')).toBe(false);
  });

  it('serves the Swagger UI within that policy: every script is a file of its own origin, and each loads', async () => {
    const page = await api.request<string>('GET', '/docs');
    expect(page.status).toBe(200);
    const policy = page.headers.get('content-security-policy') ?? '';
    expect(policy).toContain("script-src 'self'");
    // The page's own <style> block
    expect(policy).toMatch(/style-src [^;]*'unsafe-inline'/);
    const scripts = [...page.body.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attributes, inline] of scripts) {
      expect(inline.trim()).toBe('');
      const source = /src="([^"]+)"/.exec(attributes)?.[1];
      expect(source).toBeDefined();
      expect(source).not.toMatch(/^(https?:)?\/\//);
      const script = await fetch(new URL(source!, `${api.baseUrl}/docs`));
      expect(script.status).toBe(200);
      expect(script.headers.get('content-type')).toMatch(/javascript/);
    }
    const openApi = await api.request('GET', '/docs/openapi.json');
    expect(openApi.status).toBe(200);
    expect(Object.keys(openApi.body.paths)).toEqual(expect.arrayContaining(['/cases', '/health', '/health/live', '/metrics']));
  });

  it('answers a body over 1 MB with 413 in the API’s error format, and appends nothing', async () => {
    const before = await caseLogLength(store);
    const tooLarge = await api.request('POST', '/cases', staff, { ...sampleComplaint(), description: '漏'.repeat(400_000) });
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.body).toEqual({ statusCode: 413, error: 'Payload Too Large', message: 'request entity too large' });
    expect(await caseLogLength(store)).toBe(before);
  });

  it('reads a body above Express’s default 100 kB but within the limit, and validates it', async () => {
    const large = await api.request('POST', '/cases', staff, { ...sampleComplaint(), description: 'x'.repeat(200_000) });
    expect(large.status).toBe(400);
    expect(large.body.message).toEqual([expect.stringMatching(/^description/)]);
  });

  it('answers malformed JSON with 400 in the API’s error format', async () => {
    const malformed = await api.request('POST', '/cases', staff, '{"resident":');
    expect(malformed.status).toBe(400);
    expect(malformed.body).toMatchObject({ statusCode: 400, error: 'Bad Request', message: expect.any(String) });
  });
});

describe('rate limits', () => {
  it('limits logins per client address, answering 429 with Retry-After in the API’s error format', async () => {
    const { api, stop } = await startE2eApp({ process: 'api', env: { RATE_LIMIT_LOGINS_PER_MINUTE: '3' } });
    try {
      const attempt = (password: string) => api.request('POST', '/auth/login', undefined, { username: 'staff.xiangyuan', password });
      expect((await attempt('wrong')).status).toBe(401);
      expect((await attempt('wrong')).status).toBe(401);
      expect((await attempt('yixin-demo')).status).toBe(200);
      const refused = await attempt('yixin-demo');
      expect(refused.status).toBe(429);
      expect(refused.body).toEqual({ statusCode: 429, error: 'Too Many Requests', message: expect.stringMatching(/^rate limit of 3 per minute exceeded/) });
      const retryAfter = Number(refused.headers.get('retry-after'));
      expect(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60).toBe(true);
    } finally {
      await stop();
    }
  });

  it('limits writes per authenticated user across write endpoints; reads and other users go on', async () => {
    const { api, store, stop } = await startE2eApp({ process: 'api', env: { RATE_LIMIT_WRITES_PER_MINUTE: '2' } });
    try {
      const [staff, otherStaff] = await Promise.all(['staff.xiangyuan', 'staff.hushan'].map((user) => api.login(user)));
      expect((await api.request('POST', '/cases', staff, sampleComplaint())).status).toBe(201);
      expect((await api.request('POST', `/cases/${'0'.repeat(8)}-0000-4000-8000-${'0'.repeat(12)}/call-back`, staff, { outcome: 'satisfied', rating: 5 })).status).toBe(404);
      const before = await caseLogLength(store);
      const refused = await api.request('POST', '/cases', staff, sampleComplaint());
      expect(refused.status).toBe(429);
      expect(refused.body).toMatchObject({ statusCode: 429, error: 'Too Many Requests' });
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(await caseLogLength(store)).toBe(before);

      expect((await api.request('GET', '/cases', staff)).status).toBe(200);
      const hushanComplaint = { ...sampleComplaint(), location: { communityId: 'hushan', compoundId: 'hushan-huayuan', building: '1幢' } };
      expect((await api.request('POST', '/cases', otherStaff, hushanComplaint)).status).toBe(201);
    } finally {
      await stop();
    }
  });
});

describe('inputs sized to hurt the server', () => {
  let e2e: E2eApp;
  let api: ApiClient;
  let store: EventStore;

  beforeAll(async () => {
    e2e = await startE2eApp({
      process: 'api',
      env: { HTTP_HEADERS_TIMEOUT_MS: '1000', HTTP_REQUEST_TIMEOUT_MS: '1500' },
      users: { staff: 'staff.xiangyuan', company: 'pc.beichen-aoyuan', street: 'street.officer', council: 'council.property', auditor: 'auditor' },
    });
    ({ api, store } = e2e);
  });

  afterAll(() => e2e?.stop());

  it('answers an offset no store can bind (1e20) with 400 on every list, not 500', async () => {
    const { staff, company, street, council, auditor } = e2e.tokens;
    const lists: Array<[string, string]> = [
      ['/cases?offset=1e20', staff],
      ['/tasks/inbox?offset=1e20', company],
      ['/supervision?queue=overdue&offset=1e20', street],
      ['/councils/agenda?offset=1e20', council],
    ];
    for (const [path, token] of lists) {
      const answer = await api.request('GET', path, token);
      expect({ path, status: answer.status, body: answer.body }).toEqual({
        path,
        status: 400,
        body: { statusCode: 400, error: 'Bad Request', message: ['offset must not be greater than 10000000'] },
      });
    }
    expect((await api.request('GET', '/cases?offset=10000000', staff)).status).toBe(200);
    const caseId = (await api.request('POST', '/cases', staff, sampleComplaint())).body.caseId;
    const revision = await api.request('GET', `/audit/cases/${caseId}/state?revision=1e20`, auditor);
    expect(revision.status).toBe(400);
    expect(revision.body.message).toEqual([`revision must not be greater than ${Number.MAX_SAFE_INTEGER}`]);
  });

  it('refuses a body nested 10,000 levels deep with 400 before anything walks it, signed in or not, and appends nothing', async () => {
    const deep = (levels: number) => `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`;
    const before = await caseLogLength(store);
    const message = ['the body nests objects and arrays more than 32 levels deep'];
    const login = await api.request('POST', '/auth/login', undefined, deep(10_000));
    expect(login.body).toEqual({ statusCode: 400, error: 'Bad Request', message });
    const arrays = await api.request('POST', '/auth/login', undefined, `${'['.repeat(100_000)}${']'.repeat(100_000)}`);
    expect([arrays.status, arrays.body.message]).toEqual([400, message]);
    const filing = await api.request('POST', '/cases', e2e.tokens.staff, deep(10_000), { 'idempotency-key': 'deep-body' });
    expect(filing.body).toEqual({ statusCode: 400, error: 'Bad Request', message });
    // Within the limit, a body is validated as usual.
    const shallow = await api.request('POST', '/auth/login', undefined, deep(31));
    expect(shallow.status).toBe(400);
    expect(shallow.body.message).not.toEqual(message);
    expect(await caseLogLength(store)).toBe(before);
  });

  /** Sends the request line and headers, then the body a byte every 100 ms; what the server answers, and when it hung up. */
  function trickle(headers: string, body: string): Promise<{ answer: string; closedAfterMs: number }> {
    const { hostname, port } = new URL(api.baseUrl);
    return new Promise((resolve, reject) => {
      const startedAt = Date.now();
      let answer = '';
      const socket = connect(Number(port), hostname, () => {
        socket.write(headers);
        let sent = 0;
        const drip = setInterval(() => (sent < body.length ? socket.write(body[sent++]) : clearInterval(drip)), 100);
        socket.on('close', () => {
          clearInterval(drip);
          resolve({ answer, closedAfterMs: Date.now() - startedAt });
        });
      });
      socket.on('data', (chunk) => (answer += chunk.toString()));
      socket.on('error', reject);
    });
  }

  it('cuts off a body sent slowly once HTTP_REQUEST_TIMEOUT_MS has passed, and headers sent slowly after HTTP_HEADERS_TIMEOUT_MS', async () => {
    const body = JSON.stringify({ username: 'staff.xiangyuan', password: 'yixin-demo' });
    const slowBody = await trickle(`POST /auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`, body);
    expect(slowBody.answer).toMatch(/^HTTP\/1\.1 408 /);
    // 1.5 s, found within the server's 1 s check; the body would have taken 5 s.
    expect(slowBody.closedAfterMs).toBeLessThan(4_000);
    const slowHeaders = await trickle('GET /health/live HTTP/1.1\r\n', 'Host: x\r\nX-Padding: '.padEnd(100, 'x'));
    expect(slowHeaders.answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(slowHeaders.closedAfterMs).toBeLessThan(4_000);
  });
});
