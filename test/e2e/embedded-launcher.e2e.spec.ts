import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pickFreePort, type TemporalDevServer } from '@yixin/temporal-tooling';
import { ApiClient, childrenOf, commandLineOf, eventually, isAlive, sampleComplaint, startTestTemporal, temporaryDirectory, testEnvironment } from '@yixin/testing';

const repoRoot = join(__dirname, '..', '..');

/** Field `field` (numbered from 1, as in proc(5)) of /proc/<path>/stat. */
function statField(path: string, field: number): number {
  const stat = readFileSync(`/proc/${path}/stat`, 'utf8');
  // The command name may hold spaces and parentheses: field 3 starts after its last ')'.
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[field - 3]);
}

const nicenessOf = (pid: number) => statField(String(pid), 19);
const SCHED_IDLE = 5;
/** The scheduling policy of each thread of the process. */
const policiesOf = (pid: number) => readdirSync(`/proc/${pid}/task`).map((thread) => statField(`${pid}/task/${thread}`, 41));

/** The launcher's worker process, among its children (the mail catcher is another). */
function workerOf(launcher: number): number[] {
  return childrenOf(launcher).filter((pid) => commandLineOf(pid).includes('apps/worker/src/main'));
}

interface Launcher {
  process: ChildProcess;
  api: ApiClient;
  /** The mail catcher's web page. */
  mailCatcher: string;
  /** Everything it printed so far. */
  output(): string;
}

/**
 * `npm start` as users run it (apps/embedded/src/main.ts, here from the sources): the API in the
 * launcher's process and the worker in a child process, on one SQLite file, beside a Temporal
 * server (the test's, through TEMPORAL_ADDRESS).
 */
async function startLauncher(temporalAddress: string): Promise<Launcher> {
  const [port, mailSmtpPort, mailWebPort] = [await pickFreePort(), await pickFreePort(), await pickFreePort()];
  const launched = spawn(process.execPath, ['-r', join(repoRoot, 'test/support/register-ts.js'), join(repoRoot, 'apps/embedded/src/main.ts')], {
    cwd: repoRoot,
    env: {
      ...process.env,
      ...testEnvironment(temporaryDirectory(), temporalAddress, { PORT: String(port), MAIL_CATCHER_SMTP_PORT: String(mailSmtpPort), MAIL_CATCHER_WEB_PORT: String(mailWebPort) }),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  launched.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  launched.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  await eventually(() => (output.includes('yixin is running') ? true : undefined), 'the launcher to say it is running', 60_000);
  return { process: launched, api: new ApiClient(`http://127.0.0.1:${port}`), mailCatcher: `http://127.0.0.1:${mailWebPort}`, output: () => output };
}

describe('the embedded launcher of npm start', () => {
  let temporal: TemporalDevServer;
  let launcher: ChildProcess;
  let api: ApiClient;
  let launched: Launcher;

  beforeAll(async () => {
    temporal = await startTestTemporal();
    launched = await startLauncher(temporal.address);
    ({ process: launcher, api } = launched);
  }, 90_000);

  afterAll(async () => {
    if (launcher.exitCode === null) {
      launcher.kill('SIGKILL');
      await once(launcher, 'exit');
    }
    await temporal?.stop();
  });

  const fileAndSeeInInbox = async () => {
    const staff = await api.login('staff.xiangyuan');
    const company = await api.login('pc.beichen-aoyuan');
    const filed = await api.request('POST', '/cases', staff, sampleComplaint());
    expect(filed.status).toBe(201);
    await eventually(async () => {
      const inbox = await api.request('GET', '/tasks/inbox?limit=200', company);
      return inbox.body.items.some((item: { caseId: string }) => item.caseId === filed.body.caseId) ? true : undefined;
    }, 'the filed case in the company inbox', 60_000);
  };

  it('runs the worker in a child process, below the API’s CPU priority: a filed case reaches the company inbox', async () => {
    const [worker, ...others] = workerOf(launcher.pid!);
    expect(others).toEqual([]);
    expect(childrenOf(launcher.pid!)).toHaveLength(2);
    expect(nicenessOf(worker)).toBe(Math.min(19, nicenessOf(launcher.pid!) + 10));
    expect(new Set(policiesOf(worker))).toEqual(new Set([SCHED_IDLE]));
    expect(policiesOf(launcher.pid!)).not.toContain(SCHED_IDLE);
    await fileAndSeeInInbox();
  }, 90_000);

  it('tells a resident filed by staff: a receipt in the outbox whose link opens their case; and the company by mail to the mail catcher', async () => {
    const staff = await api.login('staff.xiangyuan');
    const filed = await api.request('POST', '/cases', staff, sampleComplaint());
    const caseId: string = filed.body.caseId;
    const administrator = await api.login('admin.district');
    const receipt = await eventually(async () => {
      const outbox = await api.request('GET', '/admin/outbox?channel=sms&limit=100', administrator);
      return (outbox.body.items as Array<{ deliveryKey: string; template: string; text: string }>).find((message) => message.deliveryKey.startsWith(`${caseId}/`) && message.template === 'resident_receipt');
    }, 'the receipt in the outbox', 60_000);
    const link = /https?:\/\/\S+\/r\/([0-9a-f]{8})\/([0-9]{6})/.exec(receipt.text)!;
    expect(link).not.toBeNull();
    const [, caseNumber, checkCode] = link;
    expect((await fetch(link[0])).status).toBe(200);
    const seen = await api.request('POST', '/resident/case', undefined, { caseNumber, checkCode });
    expect(seen.status).toBe(200);
    expect(launched.output()).toContain(launched.mailCatcher);
    const mail = await eventually(async () => {
      const caught = (await (await fetch(`${launched.mailCatcher}/email`)).json()) as Array<{ subject: string; to: Array<{ address: string }> }>;
      return caught.find((one) => one.subject === `新工单：案件${caseNumber}`);
    }, 'the company’s mail in the mail catcher', 60_000);
    expect(mail.to).toEqual([expect.objectContaining({ address: 'pc-beichen-aoyuan@demo.yixin.local' })]);
  }, 120_000);

  it('starts the worker again when it dies, and the system goes on', async () => {
    const [worker] = workerOf(launcher.pid!);
    process.kill(worker, 'SIGKILL');
    const restarted = await eventually(() => workerOf(launcher.pid!).find((pid) => pid !== worker), 'a new worker process', 30_000);
    expect(isAlive(worker)).toBe(false);
    expect(launched.output()).toMatch(/the worker process exited \(SIGKILL\)/);
    expect(isAlive(restarted)).toBe(true);
    await fileAndSeeInInbox();
  }, 120_000);

  it('stops the worker, the mail catcher and itself on Ctrl-C', async () => {
    const children = childrenOf(launcher.pid!);
    launcher.kill('SIGINT');
    const [code] = await once(launcher, 'exit');
    expect(code).toBe(0);
    await eventually(() => (children.some(isAlive) ? undefined : true), 'the worker and the mail catcher to end', 30_000);
  }, 60_000);

  it('a worker whose API process was killed stops too: it writes the log only through that process', async () => {
    const other = await startLauncher(temporal.address);
    const children = childrenOf(other.process.pid!);
    other.process.kill('SIGKILL');
    await once(other.process, 'exit');
    await eventually(() => (children.some(isAlive) ? undefined : true), 'the orphaned worker and mail catcher to end', 30_000);
  }, 120_000);
});
