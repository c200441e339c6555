import { createHmac } from 'node:crypto';
import { YIXIN_CONFIG, type YixinConfig } from '@yixin/config';
import { startE2eApp, type E2eApp } from '@yixin/testing';
import type { ApiClient } from '@yixin/testing';

// The API process on its own over real HTTP, on SQLite: what someone guessing passwords or forging tokens tries.

const LOGINS_PER_USERNAME = 5;

describe('signing in', () => {
  let e2e: E2eApp;
  let api: ApiClient;

  beforeAll(async () => {
    e2e = await startE2eApp({
      process: 'api',
      env: { RATE_LIMIT_LOGINS_PER_MINUTE: '1000', RATE_LIMIT_LOGINS_PER_USERNAME_PER_MINUTE: String(LOGINS_PER_USERNAME) },
      users: { staff: 'staff.xiangyuan', administrator: 'admin.xiangyuan' },
    });
    ({ api } = e2e);
  });

  afterAll(() => e2e?.stop());

  const attempt = (username: string, password: string) => api.request('POST', '/auth/login', undefined, { username, password });

  it('refuses a token without an expiry, even signed with the real secret', async () => {
    const { secret } = e2e.app.get<YixinConfig>(YIXIN_CONFIG).jwt;
    const claims = JSON.parse(Buffer.from(e2e.tokens.staff.split('.')[1], 'base64url').toString('utf8')) as Record<string, unknown>;
    expect(claims.exp).toEqual(expect.any(Number));
    const { exp: _, ...withoutExpiry } = claims;
    const forged = signHs256(withoutExpiry, secret!);
    expect((await api.request('GET', '/cases', signHs256(claims, secret!))).status).toBe(200);

    const refused = await api.request('GET', '/cases', forged);
    expect({ status: refused.status, body: refused.body }).toEqual({
      status: 401,
      body: { statusCode: 401, error: 'Unauthorized', message: 'the bearer token has no expiry' },
    });
  });

  it('limits attempts per username, beside those per address, and alike for a user who does not exist', async () => {
    for (const username of ['pc.beichen-aoyuan', 'nobody.at-all']) {
      for (let i = 0; i < LOGINS_PER_USERNAME; i++) expect((await attempt(username, `guess-${i}`)).status).toBe(401);
      // The right password too: the guesser cannot tell whether one of the guesses was right.
      const refused = await attempt(username, 'yixin-demo');
      expect({ status: refused.status, body: refused.body }).toEqual({
        status: 429,
        body: { statusCode: 429, error: 'Too Many Requests', message: expect.stringMatching(/^too many login attempts for this username; retry in \d+ s$/) },
      });
      const retryAfter = Number(refused.headers.get('retry-after'));
      expect(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60).toBe(true);
    }
    // The address is not refused: other users sign in from it.
    expect((await attempt('oc.beichen-aoyuan', 'yixin-demo')).status).toBe(200);
  });

  it('tells an administrator that a username is taken, and nothing of whose it is: the same answer for a name in their organisation as in another', async () => {
    const create = (username: string) =>
      api.request('POST', '/admin/users', e2e.tokens.administrator, { username, displayName: '新同事', role: 'community_staff', password: 'Colleague-2026-pass' });
    const [own, foreign] = await Promise.all([create('staff.xiangyuan'), create('pc.beichen-aoyuan')]);
    expect({ status: own.status, body: own.body }).toEqual({ status: 409, body: { statusCode: 409, error: 'conflict', message: 'the username staff.xiangyuan is taken' } });
    expect({ status: foreign.status, body: foreign.body }).toEqual({ status: 409, body: { ...own.body, message: 'the username pc.beichen-aoyuan is taken' } });
    // Everything else about another organisation's user is out of reach: as if it did not exist.
    const renamed = await api.request('PATCH', '/admin/users/pc.beichen-aoyuan', e2e.tokens.administrator, { displayName: '改名' });
    const nobody = await api.request('PATCH', '/admin/users/nobody.at-all', e2e.tokens.administrator, { displayName: '改名' });
    expect({ status: renamed.status, message: renamed.body.message }).toEqual({ status: 404, message: nobody.body.message.replace('nobody.at-all', 'pc.beichen-aoyuan') });
  });
});

function signHs256(claims: Record<string, unknown>, secret: string): string {
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const unsigned = `${encode({ alg: 'HS256', typ: 'JWT' })}.${encode(claims)}`;
  return `${unsigned}.${createHmac('sha256', secret).update(unsigned).digest('base64url')}`;
}
