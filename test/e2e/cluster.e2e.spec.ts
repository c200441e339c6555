import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { request } from 'node:http';
import { join } from 'node:path';
import { pickFreePort } from '@yixin/temporal-tooling';
import { ApiClient, childrenOf, commandLineOf, descendantsOf, eventually, isAlive, sampleComplaint, temporaryDirectory } from '@yixin/testing';

const repoRoot = join(__dirname, '..', '..');

/** The launcher's children whose command line names `entry`. */
function childrenRunning(launcher: number, entry: string): number[] {
  return childrenOf(launcher).filter((pid) => commandLineOf(pid).includes(entry));
}
const apisOf = (launcher: number) => childrenRunning(launcher, 'apps/api/src/main');
const workersOf = (launcher: number) => childrenRunning(launcher, 'apps/cluster/src/launched-worker');

/**
 * The status of the liveness probe on a connection of its own: the connections a killed API process
 * held are cut with it (a client tries again on a new one); this asks whether a new one is served.
 */
function liveOnNewConnection(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const sent = request({ host: '127.0.0.1', port, path: '/health/live', agent: false, timeout: 10_000 }, (response) => {
      response.resume();
      response.once('end', () => resolve(response.statusCode!));
    });
    sent.once('error', reject);
    sent.once('timeout', () => sent.destroy(new Error('no answer within 10 s')));
    sent.end();
  });
}

interface Part {
  name: string;
  kind: 'postgres' | 'temporal' | 'api' | 'worker';
  pid: number;
}

interface Launcher {
  process: ChildProcess;
  api: ApiClient;
  /** The parts it printed once running. */
  parts: Part[];
  output(): string;
}

/** `npm run start:cluster` as users run it (apps/cluster/src/main.ts, here from the sources): 2 APIs and 2 workers. */
async function startLauncher(dataDir: string, ports: Record<'http' | 'postgres' | 'temporal' | 'temporalUi' | 'smtp' | 'mailWeb', number>): Promise<Launcher> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    YIXIN_DATA_DIR: dataDir,
    TEMPORAL_PORT: String(ports.temporal),
    TEMPORAL_UI_PORT: String(ports.temporalUi),
    MAIL_CATCHER_SMTP_PORT: String(ports.smtp),
    MAIL_CATCHER_WEB_PORT: String(ports.mailWeb),
    // Residents are told at once whatever the hour of the run.
    YIXIN_QUIET_HOURS: 'off',
    // The test signs the same users in more often than a person would.
    RATE_LIMIT_LOGINS_PER_MINUTE: '1000',
    RATE_LIMIT_LOGINS_PER_USERNAME_PER_MINUTE: '1000',
  };
  for (const own of ['TEMPORAL_ADDRESS', 'SMTP_URL', 'DATABASE_URL']) delete env[own];
  const launched = spawn(
    process.execPath,
    ['-r', join(repoRoot, 'test/support/register-ts.js'), join(repoRoot, 'apps/cluster/src/main.ts'), '--apis', '2', '--workers', '2', '--port', String(ports.http), '--postgres-port', String(ports.postgres)],
    { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  launched.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  launched.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const running = await eventually(
    () => {
      if (launched.exitCode !== null) throw new Error(`the launcher exited with code ${launched.exitCode}:\n${output.slice(-4000)}`);
      const line = output.split('\n').find((one) => one.includes('yixin cluster is running'));
      return line ? (JSON.parse(line) as { parts: Part[] }) : undefined;
    },
    'the launcher to say the cluster is running',
    90_000,
  );
  return { process: launched, api: new ApiClient(`http://127.0.0.1:${ports.http}`), parts: running.parts, output: () => output };
}

describe('npm run start:cluster: PostgreSQL, Temporal, 2 APIs behind one port and 2 workers on one machine', () => {
  const dataDir = temporaryDirectory();
  let ports: Parameters<typeof startLauncher>[1];
  let launched: Launcher;
  let launcher: number;
  let filedBefore: string;

  beforeAll(async () => {
    ports = {
      http: await pickFreePort(),
      postgres: await pickFreePort(),
      temporal: await pickFreePort(),
      temporalUi: await pickFreePort(),
      smtp: await pickFreePort(),
      mailWeb: await pickFreePort(),
    };
    launched = await startLauncher(dataDir, ports);
    launcher = launched.process.pid!;
  }, 120_000);

  afterAll(async () => {
    const running = launched?.process;
    if (running && running.exitCode === null && running.signalCode === null) {
      running.kill('SIGKILL');
      await once(running, 'exit');
    }
  });

  /** Files a complaint through the shared port; resolves once the company has it in its inbox, the case dispatched (awaiting its sign-for). */
  const fileAndSeeDispatched = async (api: ApiClient, timeoutMs = 60_000) => {
    const staff = await api.login('staff.xiangyuan');
    const company = await api.login('pc.beichen-aoyuan');
    const filed = await api.request('POST', '/cases', staff, sampleComplaint());
    expect(filed.status).toBe(201);
    const caseId: string = filed.body.caseId;
    await eventually(async () => {
      const inbox = await api.request('GET', '/tasks/inbox?limit=200', company);
      return inbox.body.items?.some((item: { caseId: string }) => item.caseId === caseId) ? true : undefined;
    }, 'the filed case in the company inbox', timeoutMs);
    expect((await api.request('GET', `/cases/${caseId}`, staff)).body.status).toBe('awaiting_sign_for');
    return caseId;
  };

  it('prints each part and its process; a case filed through the shared port is dispatched to the company', async () => {
    expect(launched.parts.map(({ name, kind }) => ({ name, kind }))).toEqual([
      { name: 'postgres', kind: 'postgres' },
      { name: 'temporal', kind: 'temporal' },
      { name: 'api-1', kind: 'api' },
      { name: 'api-2', kind: 'api' },
      { name: 'worker-1', kind: 'worker' },
      { name: 'worker-2', kind: 'worker' },
    ]);
    expect(launched.parts.every(({ pid }) => isAlive(pid))).toBe(true);
    expect(new Set(apisOf(launcher))).toEqual(new Set(launched.parts.filter(({ kind }) => kind === 'api').map(({ pid }) => pid)));
    expect(new Set(workersOf(launcher))).toEqual(new Set(launched.parts.filter(({ kind }) => kind === 'worker').map(({ pid }) => pid)));
    // The workers are up once their processes run; they then bundle the workflows and connect.
    filedBefore = await fileAndSeeDispatched(launched.api, 150_000);
  }, 200_000);

  it('an API process SIGKILLed: the port goes on serving from the other, and a new one is forked', async () => {
    const [killed, survivor] = apisOf(launcher);
    process.kill(killed, 'SIGKILL');
    const served: number[] = [];
    for (let attempt = 0; attempt < 10; attempt += 1) served.push(await liveOnNewConnection(ports.http));
    expect(served).toEqual(Array(10).fill(200));
    const forked = await eventually(() => apisOf(launcher).find((pid) => pid !== killed && pid !== survivor), 'a new API process', 60_000);
    expect(isAlive(killed)).toBe(false);
    expect(launched.output()).toMatch(new RegExp(`api-\\d \\(pid ${killed}\\) ended; starting it again`));
    expect(apisOf(launcher).sort()).toEqual([survivor, forked].sort());
    await fileAndSeeDispatched(launched.api);
  }, 120_000);

  it('a worker process SIGKILLed is started again, and cases are still dispatched', async () => {
    const [killed] = workersOf(launcher);
    process.kill(killed, 'SIGKILL');
    await eventually(() => (workersOf(launcher).length === 2 && !workersOf(launcher).includes(killed) ? true : undefined), 'a new worker process', 30_000);
    // Said before the new worker is forked, but read from the launcher's pipe a moment after that may show in /proc.
    const startedAgain = new RegExp(`worker-\\d \\(pid ${killed}\\) ended; starting it again`);
    await eventually(() => (startedAgain.test(launched.output()) ? true : undefined), 'the launcher saying it starts the worker again', 10_000);
    await fileAndSeeDispatched(launched.api);
  }, 120_000);

  it('stops every part on Ctrl-C, leaving no process behind', async () => {
    const below = descendantsOf(launcher);
    expect(below.length).toBeGreaterThanOrEqual(7);
    launched.process.kill('SIGINT');
    const [code] = await once(launched.process, 'exit');
    expect(code).toBe(0);
    await eventually(() => (below.some(isAlive) ? undefined : true), 'every part to end', 30_000);
  }, 60_000);

  it('starts again on the same data (the case filed before is there), and a SIGKILLed launcher leaves no process behind', async () => {
    launched = await startLauncher(dataDir, ports);
    launcher = launched.process.pid!;
    const staff = await launched.api.login('staff.xiangyuan');
    expect((await launched.api.request('GET', `/cases/${filedBefore}`, staff)).body.status).toBe('awaiting_sign_for');
    const below = descendantsOf(launcher);
    launched.process.kill('SIGKILL');
    await once(launched.process, 'exit');
    await eventually(() => (below.some(isAlive) ? undefined : true), 'every part to end with the launcher', 30_000);
  }, 150_000);
});
