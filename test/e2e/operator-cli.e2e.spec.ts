import type { INestApplication } from '@nestjs/common';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { YixinConfig } from '@yixin/config';
import { pickFreePort } from '@yixin/temporal-tooling';
import { createApiApp } from '../../apps/api/src/api-app';
import { ApiClient, backendEnvironment, E2E_BACKENDS, sampleComplaint, temporaryDirectory, testConfig } from '@yixin/testing';

const repoRoot = join(__dirname, '..', '..');

interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * A deployment from nothing, as its operator makes it with the real CLI process beside a real API:
 * the directory's organisations, the first administrator (who signs in over HTTP and manages the
 * users), and later a rotation of the personal-data master key. Without Temporal: nothing here
 * needs a case to move on.
 */
describe.each(E2E_BACKENDS)('operator commands on %s', (backend) => {
  let backendServer: Awaited<ReturnType<typeof backendEnvironment>>;
  let config: YixinConfig;
  let app: INestApplication | undefined;
  let api: ApiClient;
  const oldMasterKey = randomBytes(32).toString('base64');
  const newMasterKey = randomBytes(32).toString('base64');
  const adminPassword = 'Xiangyuan-admin-2026';
  const staffPassword = 'Grid-member-2026';

  beforeAll(async () => {
    backendServer = await backendEnvironment(backend);
    config = testConfig(temporaryDirectory(), `127.0.0.1:${await pickFreePort()}`, {
      ...backendServer.env,
      YIXIN_SEED_DEMO_DATA: 'false',
      YIXIN_PII_MASTER_KEY: oldMasterKey,
      RATE_LIMIT_LOGINS_PER_MINUTE: '1000',
    });
  });

  afterAll(async () => {
    await app?.close();
    await backendServer?.stop();
  });

  /** The CLI as an operator runs it: its own process, the store named by the environment, secrets never in its arguments. */
  function runCli(args: string[], options: { env?: NodeJS.ProcessEnv; stdin?: string } = {}): Promise<CliRun> {
    const child = spawn(process.execPath, ['-r', join(repoRoot, 'test/support/register-ts.js'), join(repoRoot, 'apps/cli/src/main.ts'), ...args], {
      cwd: repoRoot,
      env: { ...process.env, YIXIN_DATA_DIR: config.dataDir, ...backendServer.env, YIXIN_SEED_DEMO_DATA: 'false', ...options.env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.stdin.end(options.stdin ?? '');
    return new Promise((resolve, reject) => {
      child.once('error', reject);
      child.once('close', (status) => resolve({ status, stdout, stderr }));
    });
  }

  async function startApi(piiMasterKey: string): Promise<void> {
    app = await createApiApp({ ...config, piiMasterKey: Buffer.from(piiMasterKey, 'base64') }, { logger: false });
    await app.listen(0, '127.0.0.1');
    api = new ApiClient(await app.getUrl());
  }

  async function stopApi(): Promise<void> {
    await app?.close();
    app = undefined;
  }

  const usernamesIn = async (token: string, organisationId = 'xiangyuan') =>
    (await api.request<Array<{ username: string }>>('GET', `/admin/users?organisationId=${organisationId}`, token)).body.map((user) => user.username);

  it('sets up the directory and its first administrators, who sign in and manage their organisation’s users', async () => {
    const organisations = [
      ['--id', 'xiaoshan', '--kind', 'district', '--name', '萧山区住建局'],
      ['--id', 'shushan', '--kind', 'street', '--name', '蜀山街道', '--parent', 'xiaoshan'],
      ['--id', 'property-council', '--kind', 'property_council', '--name', '物业联席会', '--parent', 'shushan'],
      ['--id', 'xiangyuan', '--kind', 'community', '--name', '湘源社区', '--parent', 'shushan'],
      ['--id', 'pc-beichen-aoyuan', '--kind', 'property_company', '--name', '北辰奥园物业服务中心', '--parent', 'property-council'],
      ['--id', 'beichen-aoyuan', '--kind', 'compound', '--name', '北辰奥园', '--parent', 'xiangyuan', '--property-company', 'pc-beichen-aoyuan'],
    ];
    for (const organisation of organisations) expect(await runCli(['create-organisation', ...organisation])).toMatchObject({ status: 0 });
    const misplaced = await runCli(['create-organisation', '--id', 'hushan', '--kind', 'community', '--name', '湖山社区', '--parent', 'xiaoshan']);
    expect(misplaced).toMatchObject({ status: 2, stderr: expect.stringMatching(/the parent of a community is a street; xiaoshan is a district/) });

    // Processes read the directory when they start: the API starts after the organisations are in.
    await startApi(oldMasterKey);
    expect((await api.request('POST', '/auth/login', undefined, { username: 'admin.xiangyuan', password: adminPassword })).status).toBe(401);

    const admin = ['create-admin', '--organisation', 'xiangyuan', '--username', 'admin.xiangyuan', '--display-name', '湘源社区管理员'];
    const created = await runCli(admin, { stdin: `${adminPassword}\n` });
    expect(created.status).toBe(0);
    expect(JSON.parse(created.stdout)).toMatchObject({ username: 'admin.xiangyuan', role: 'community_staff', organisationId: 'xiangyuan', isAdministrator: true });
    expect(created.stdout + created.stderr).not.toContain(adminPassword);

    const refusals: Array<[string[], NodeJS.ProcessEnv, RegExp]> = [
      [['create-admin', '--organisation', 'hushan', '--username', 'admin.hushan'], { YIXIN_ADMIN_PASSWORD: adminPassword }, /organisation hushan not found/],
      [admin, { YIXIN_ADMIN_PASSWORD: 'Another-admin-2026' }, /the username admin.xiangyuan is taken/],
      [['create-admin', '--organisation', 'xiangyuan', '--username', 'weak.admin'], { YIXIN_ADMIN_PASSWORD: 'abcdefghijkl' }, /at least two of letters, digits/],
      [['create-admin', '--organisation', 'xiangyuan', '--username', 'empty.admin'], {}, /no password: set YIXIN_ADMIN_PASSWORD/],
    ];
    for (const [args, env, message] of refusals) {
      expect(await runCli(args, { env })).toMatchObject({ status: 2, stderr: expect.stringMatching(message) });
    }

    // Made while the API runs: sign-in reads the users table, not the directory cached at start.
    const login = await api.request('POST', '/auth/login', undefined, { username: 'admin.xiangyuan', password: adminPassword });
    expect(login.status).toBe(200);
    expect(login.body).toMatchObject({ role: 'community_staff', organisationId: 'xiangyuan', displayName: '湘源社区管理员', isAdministrator: true });
    const adminToken: string = login.body.accessToken;
    const staff = { username: 'grid.xiangyuan', displayName: '湘源网格员', role: 'community_staff', password: staffPassword };
    expect((await api.request('POST', '/admin/users', adminToken, staff)).status).toBe(201);
    await api.login('grid.xiangyuan', staffPassword);
    expect(await usernamesIn(adminToken)).toEqual(['admin.xiangyuan', 'grid.xiangyuan']);

    // The district's administrator manages the organisations under the district: the tree holds.
    expect(await runCli(['create-admin', '--organisation', 'xiaoshan', '--username', 'admin.xiaoshan'], { env: { YIXIN_ADMIN_PASSWORD: adminPassword } })).toMatchObject({
      status: 0,
    });
    const districtAdmin = await api.login('admin.xiaoshan', adminPassword);
    expect(await usernamesIn(districtAdmin)).toEqual(['admin.xiangyuan', 'grid.xiangyuan']);
  });

  it('rotates the personal-data master key: with the new key every resident reads as before, with the old the API does not start', async () => {
    const staff = await api.login('grid.xiangyuan', staffPassword);
    const file = async (resident: { name: string; phone: string }) => {
      const filed = await api.request('POST', '/cases', staff, { ...sampleComplaint(), resident });
      expect(filed.status).toBe(201);
      return filed.body.caseId as string;
    };
    const residentOf = async (caseId: string) => (await api.request('GET', `/cases/${caseId}`, staff)).body.resident;
    const kept = await file({ name: '王阿姨', phone: '13800000000' });
    const erased = await file({ name: '李先生', phone: '13900000000' });
    expect((await api.request('POST', '/privacy/erasure', staff, { phone: '13900000000' })).status).toBe(200);
    expect(await residentOf(kept)).toEqual({ name: '王阿姨', phone: '13800000000', masked: false });

    const rotate = (currentKey: string) => runCli(['rotate-pii-master-key'], { env: { YIXIN_PII_MASTER_KEY: currentKey, YIXIN_NEW_PII_MASTER_KEY: newMasterKey } });
    const wrongKey = await rotate(randomBytes(32).toString('base64'));
    expect(wrongKey).toMatchObject({ status: 2, stderr: expect.stringMatching(/does not open 2 of the 2 wrapped keys.*Nothing was changed/) });

    await stopApi();
    const rotated = await rotate(oldMasterKey);
    expect(rotated.status).toBe(0);
    // The resident's data key and the pseudonym key; the erased key has nothing to rewrap.
    expect(JSON.parse(rotated.stdout)).toEqual({ rewrapped: 2, alreadyUnderNewKey: 0, erased: 1 });

    const withOldKey = await createApiApp({ ...config, piiMasterKey: Buffer.from(oldMasterKey, 'base64') }, { logger: false });
    await expect(withOldKey.init()).rejects.toThrow(/YIXIN_PII_MASTER_KEY does not open the keys in the record store/);
    await withOldKey.close();

    await startApi(newMasterKey);
    const staffAgain = await api.login('grid.xiangyuan', staffPassword);
    expect((await api.request('GET', `/cases/${kept}`, staffAgain)).body.resident).toEqual({ name: '王阿姨', phone: '13800000000', masked: false });
    expect((await api.request('GET', `/cases/${erased}`, staffAgain)).body.resident).toEqual({ erased: true });

    const again = await rotate(oldMasterKey);
    expect(again.status).toBe(0);
    expect(JSON.parse(again.stdout)).toEqual({ rewrapped: 0, alreadyUnderNewKey: 2, erased: 1 });
  });
});
