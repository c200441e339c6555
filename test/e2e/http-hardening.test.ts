import type { EventStore } from '../../libs/event-store/src';
import { startE2eApp, type E2eApp } from '../support/e2e-app';
import { logLength, sampleComplaint, type ApiClient } from '../support/harness';

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
    const before = await logLength(store);
    const tooLarge = await api.request('POST', '/cases', staff, { ...sampleComplaint(), description: '漏'.repeat(400_000) });
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.body).toEqual({ statusCode: 413, error: 'Payload Too Large', message: 'request entity too large' });
    expect(await logLength(store)).toBe(before);
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
      const before = await logLength(store);
      const refused = await api.request('POST', '/cases', staff, sampleComplaint());
      expect(refused.status).toBe(429);
      expect(refused.body).toMatchObject({ statusCode: 429, error: 'Too Many Requests' });
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(await logLength(store)).toBe(before);

      expect((await api.request('GET', '/cases', staff)).status).toBe(200);
      const hushanComplaint = { ...sampleComplaint(), location: { communityId: 'hushan', compoundId: 'hushan-huayuan', building: '1幢' } };
      expect((await api.request('POST', '/cases', otherStaff, hushanComplaint)).status).toBe(201);
    } finally {
      await stop();
    }
  });
});
