import { JwtService } from '@nestjs/jwt';
import { startE2eApp, type E2eApp } from '@yixin/testing';
import { E2E_BACKENDS, type ApiClient } from '@yixin/testing';

/** Administrators manage their organisation's users; tokens expire, sign out, and stop with their user. Over real HTTP, without Temporal. */
describe.each(E2E_BACKENDS)('user administration and tokens on %s', (backend) => {
  let e2e: E2eApp;
  let api: ApiClient;
  let communityAdmin: string;
  let companyAdmin: string;
  let districtAdmin: string;
  let staff: string;
  const password = 'Grid-member-2026';
  let users = 0;

  beforeAll(async () => {
    e2e = await startE2eApp({
      process: 'api',
      backend,
      // This suite signs in far more often than a person would.
      env: { RATE_LIMIT_LOGINS_PER_MINUTE: '1000' },
      users: { communityAdmin: 'admin.xiangyuan', companyAdmin: 'admin.pc.beichen-aoyuan', districtAdmin: 'admin.district', staff: 'staff.xiangyuan' },
    });
    api = e2e.api;
    ({ communityAdmin, companyAdmin, districtAdmin, staff } = e2e.tokens);
  });

  afterAll(() => e2e?.stop());

  /** A new grid member (网格员) of 湘源社区, created by its administrator. */
  async function newStaffMember(fields: Record<string, unknown> = {}): Promise<{ username: string; userId: string }> {
    const username = `grid${++users}.xiangyuan`;
    const created = await api.request('POST', '/admin/users', communityAdmin, { username, displayName: `网格员${users}`, role: 'community_staff', password, ...fields });
    expect(created.status).toBe(201);
    return created.body;
  }

  const payloadOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8'));

  it('lets a community’s administrator create a user, who signs in and works as the community’s staff', async () => {
    const created = await api.request('POST', '/admin/users', communityAdmin, {
      username: 'grid.xiangyuan',
      displayName: '湘源网格员',
      role: 'community_staff',
      password,
    });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      username: 'grid.xiangyuan',
      userId: expect.stringMatching(/^user-/),
      displayName: '湘源网格员',
      role: 'community_staff',
      organisationId: 'xiangyuan',
      isAdministrator: false,
      disabled: false,
    });

    const login = await api.request('POST', '/auth/login', undefined, { username: 'grid.xiangyuan', password });
    expect(login.status).toBe(200);
    expect(login.body).toMatchObject({ role: 'community_staff', organisationId: 'xiangyuan', isAdministrator: false });
    expect((await api.request('GET', '/cases', login.body.accessToken)).status).toBe(200);

    const listed = await api.request('GET', '/admin/users', communityAdmin);
    expect(listed.status).toBe(200);
    expect(listed.body.map((user: { username: string }) => user.username)).toEqual(expect.arrayContaining(['admin.xiangyuan', 'grid.xiangyuan', 'staff.xiangyuan']));
    expect(listed.body.every((user: Record<string, unknown>) => user.organisationId === 'xiangyuan' && Object.keys(user).length === 7)).toBe(true);
  });

  it('keeps an administrator to their own organisation: another’s users are not found, its list and new users are forbidden', async () => {
    const own = await api.request('GET', '/admin/users', companyAdmin);
    expect(own.body.map((user: { username: string }) => user.username)).toEqual(['admin.pc.beichen-aoyuan', 'pc.beichen-aoyuan']);
    const { username } = await newStaffMember();

    expect((await api.request('PATCH', `/admin/users/${username}`, companyAdmin, { disabled: true })).status).toBe(404);
    expect((await api.request('POST', `/admin/users/${username}/password`, companyAdmin, { password: 'Taken-over-2026' })).status).toBe(404);
    expect((await api.request('GET', '/admin/users?organisationId=xiangyuan', companyAdmin)).status).toBe(403);
    const foreignCreate = await api.request('POST', '/admin/users', companyAdmin, {
      username: 'intruder.xiangyuan',
      displayName: '冒充者',
      role: 'community_staff',
      password,
      organisationId: 'xiangyuan',
    });
    expect(foreignCreate.status).toBe(403);
    expect(foreignCreate.body.message).toMatch(/you administer the users of pc-beichen-aoyuan only/);
    expect((await api.request('POST', '/auth/login', undefined, { username, password })).status).toBe(200);
  });

  it('refuses users who are no administrators with 403', async () => {
    expect((await api.request('GET', '/admin/users', staff)).status).toBe(403);
    expect((await api.request('POST', '/admin/users', staff, { username: 'self.made', displayName: 'x', role: 'community_staff', password })).status).toBe(403);
    const patch = await api.request('PATCH', '/admin/users/staff.xiangyuan', staff, { displayName: '我自己' });
    expect(patch.status).toBe(403);
    expect(patch.body.message).toMatch(/for administrators of an organisation/);
    expect((await api.request('GET', '/admin/users')).status).toBe(401);
  });

  it('checks what an administrator asks: the role fits the organisation, the username is free, the password is not weak', async () => {
    const base = { displayName: '新用户', role: 'community_staff', password };
    const wrongRole = await api.request('POST', '/admin/users', communityAdmin, { ...base, username: 'pc.in.community', role: 'property_company' });
    expect(wrongRole.status).toBe(400);
    expect(wrongRole.body.message).toMatch(/a user of xiangyuan has the role community_staff, not property_company/);
    expect((await api.request('POST', '/admin/users', communityAdmin, { ...base, username: 'staff.xiangyuan' })).status).toBe(409);
    const weak = await api.request('POST', '/admin/users', communityAdmin, { ...base, username: 'weak.one', password: 'abcdefghij' });
    expect(weak.status).toBe(400);
    expect(weak.body.message).toMatch(/at least two of letters, digits and other characters/);
    expect((await api.request('POST', '/admin/users', communityAdmin, { ...base, username: 'short.one', password: 'ab-12' })).body.message).toMatch(/at least 10 characters/);
    expect((await api.request('POST', '/admin/users', communityAdmin, { ...base, username: 'Bad Name!' })).status).toBe(400);
    expect((await api.request('POST', '/admin/users', communityAdmin, { ...base, username: 'system.one', role: 'system' })).status).toBe(400);
    expect((await api.request('PATCH', '/admin/users/staff.xiangyuan', communityAdmin, {})).status).toBe(400);
  });

  it('lets the district’s administrator manage the users of any organisation under the district', async () => {
    const company = await api.request('GET', '/admin/users?organisationId=pc-wocheng-yinxiang', districtAdmin);
    expect(company.status).toBe(200);
    expect(company.body.map((user: { username: string }) => user.username)).toEqual(['pc.wocheng-yinxiang']);
    const created = await api.request('POST', '/admin/users', districtAdmin, {
      username: 'admin.hushan',
      displayName: '湖山社区管理员',
      role: 'community_staff',
      password,
      organisationId: 'hushan',
      isAdministrator: true,
    });
    expect(created.status).toBe(201);
    const hushanAdmin = await api.login('admin.hushan', password);
    expect((await api.request('GET', '/admin/users', hushanAdmin)).body.map((user: { username: string }) => user.username)).toEqual(['admin.hushan', 'staff.hushan']);
    const center = await api.request('POST', '/admin/users', districtAdmin, { username: 'center.one', displayName: '中心', role: 'community_staff', password, organisationId: 'shushan-center' });
    expect(center.status).toBe(400);
    expect(center.body.message).toMatch(/a center has no users of its own/);
    expect((await api.request('GET', '/admin/users?organisationId=nowhere', districtAdmin)).status).toBe(404);
  });

  it('refuses a disabled user at sign-in and their live tokens at once; enabled again, they sign in anew', async () => {
    const { username } = await newStaffMember();
    const token = await api.login(username, password);
    expect((await api.request('GET', '/cases', token)).status).toBe(200);

    const disabled = await api.request('PATCH', `/admin/users/${username}`, communityAdmin, { disabled: true });
    expect(disabled.status).toBe(200);
    expect(disabled.body).toMatchObject({ username, disabled: true });
    const refused = await api.request('GET', '/cases', token);
    expect(refused.status).toBe(401);
    expect(refused.body.message).toMatch(/revoked/);
    const login = await api.request('POST', '/auth/login', undefined, { username, password });
    expect(login.status).toBe(401);
    expect(login.body.message).toMatch(/disabled/);
    // Whoever does not know the password is not told that the account exists.
    expect((await api.request('POST', '/auth/login', undefined, { username, password: 'wrong-password-1' })).body.message).toBe('unknown user or wrong password');

    expect((await api.request('PATCH', `/admin/users/${username}`, communityAdmin, { disabled: false })).status).toBe(200);
    const again = await api.login(username, password);
    expect((await api.request('GET', '/cases', again)).status).toBe(200);
    expect((await api.request('GET', '/cases', token)).status).toBe(401);
  });

  it('signs a user out everywhere when an administrator resets their password or takes their administration', async () => {
    const { username } = await newStaffMember({ isAdministrator: true });
    const token = await api.login(username, password);
    expect((await api.request('GET', '/admin/users', token)).status).toBe(200);

    expect((await api.request('PATCH', `/admin/users/${username}`, communityAdmin, { isAdministrator: false })).status).toBe(200);
    expect((await api.request('GET', '/admin/users', token)).status).toBe(401);
    const plain = await api.login(username, password);
    expect((await api.request('GET', '/admin/users', plain)).status).toBe(403);

    expect((await api.request('POST', `/admin/users/${username}/password`, communityAdmin, { password: 'New-password-2026' })).status).toBe(204);
    expect((await api.request('GET', '/cases', plain)).status).toBe(401);
    expect((await api.request('POST', '/auth/login', undefined, { username, password })).status).toBe(401);
    expect((await api.request('GET', '/cases', await api.login(username, 'New-password-2026'))).status).toBe(200);
  });

  it('does not let administrators disable themselves or drop their own administration', async () => {
    const self = await api.request('PATCH', '/admin/users/admin.xiangyuan', communityAdmin, { disabled: true });
    expect(self.status).toBe(409);
    expect((await api.request('PATCH', '/admin/users/admin.xiangyuan', communityAdmin, { isAdministrator: false })).status).toBe(409);
    expect((await api.request('GET', '/admin/users', communityAdmin)).status).toBe(200);
  });

  it('signs out the token of the request only; the same user’s other token goes on working', async () => {
    const [first, second] = [await api.login('staff.hushan'), await api.login('staff.hushan')];
    expect((await api.request('POST', '/auth/logout', first)).status).toBe(204);
    const afterLogout = await api.request('GET', '/cases', first);
    expect(afterLogout.status).toBe(401);
    expect(afterLogout.body.message).toMatch(/revoked/);
    expect((await api.request('POST', '/auth/logout', first)).status).toBe(401);
    expect((await api.request('GET', '/cases', second)).status).toBe(200);

    const { jti, exp } = payloadOf(first);
    const [revoked] = await e2e.recordStore.query<{ expires_at: number }>('SELECT expires_at FROM revoked_tokens WHERE jti = ?', [jti]);
    expect(Number(revoked.expires_at)).toBe(exp * 1000);
  });

  it('issues tokens with an id, that expire after JWT_EXPIRES_IN_SECONDS; tokens without an id are refused', async () => {
    const login = await api.request('POST', '/auth/login', undefined, { username: 'staff.xiushui', password: 'yixin-demo' });
    const claims = payloadOf(login.body.accessToken);
    expect(claims).toMatchObject({ sub: 'user-staff-xiushui', role: 'community_staff', org: 'xiushui', adm: false, gen: 0 });
    expect(claims.jti).toMatch(/^[0-9a-f-]{36}$/);
    expect(claims.exp - claims.iat).toBe(login.body.expiresInSeconds);
    expect(login.body.expiresInSeconds).toBe(8 * 3600);

    const withoutId = await e2e.app.get(JwtService).signAsync({ sub: 'user-staff-xiushui', role: 'community_staff', org: 'xiushui' });
    const refused = await api.request('GET', '/cases', withoutId);
    expect(refused.status).toBe(401);
    expect(refused.body.message).toMatch(/sign in again/);
  });
});
