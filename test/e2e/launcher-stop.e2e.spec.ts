import { spawn, type ChildProcess } from 'node:child_process';
import { randomInt, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { pickFreePort } from '@yixin/temporal-tooling';
import { ApiClient, eventually, sampleComplaint, temporaryDirectory } from '@yixin/testing';

/**
 * `npm start` (apps/embedded/src/main.ts, from the sources) with its own Temporal dev server, stopped
 * at each moment of its start by SIGINT to its process group (Ctrl-C in a terminal), SIGTERM to the
 * launcher alone (`kill`, a supervisor) and SIGKILL; then started again on the same data.
 *
 * Every process of a launch is found by a marker in its environment, which the launcher's children
 * inherit: a process that left the launcher's process group, or was reparented when the launcher
 * died, is still found.
 */

const repoRoot = join(__dirname, '..', '..');
/** What the issue asks: every process of the launch gone within 10 s of the signal. */
const STOP_BOUND_MS = 10_000;
/** How many times each moment is tried per signal; more to hunt a rare window. */
const ROUNDS = Number(process.env.YIXIN_STOP_TEST_ROUNDS ?? 1);
const LAUNCH_MARKER = 'YIXIN_TEST_LAUNCH';

interface MarkedProcess {
  pid: number;
  command: string;
}

/** The live processes whose environment holds LAUNCH_MARKER=`marker` (a zombie's environment reads empty). */
function processesOf(marker: string): MarkedProcess[] {
  const needle = `${LAUNCH_MARKER}=${marker}`;
  const found: MarkedProcess[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (!readFileSync(`/proc/${entry}/environ`, 'utf8').split('\0').includes(needle)) continue;
      found.push({ pid: Number(entry), command: readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').join(' ').trim() });
    } catch {
      // Gone meanwhile, or not ours to read.
    }
  }
  return found;
}

interface LaunchPorts {
  api: number;
  temporal: number;
  temporalUi: number;
  mailSmtp: number;
  mailWeb: number;
}

class Launch {
  readonly marker = randomUUID();
  readonly process: ChildProcess;
  readonly api: ApiClient;
  private printed = '';

  constructor(dataDir: string, ports: LaunchPorts) {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      YIXIN_DATA_DIR: dataDir,
      PORT: String(ports.api),
      TEMPORAL_PORT: String(ports.temporal),
      TEMPORAL_UI_PORT: String(ports.temporalUi),
      MAIL_CATCHER_SMTP_PORT: String(ports.mailSmtp),
      MAIL_CATCHER_WEB_PORT: String(ports.mailWeb),
      SQLITE_SYNCHRONOUS: 'NORMAL',
      [LAUNCH_MARKER]: this.marker,
    };
    delete env.TEMPORAL_ADDRESS;
    // Detached: a process group of its own, to be signalled as a terminal signals its foreground group.
    this.process = spawn(process.execPath, ['-r', join(repoRoot, 'test/support/register-ts.js'), join(repoRoot, 'apps/embedded/src/main.ts')], {
      cwd: repoRoot,
      env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.process.stdout!.on('data', (chunk: Buffer) => (this.printed += chunk.toString()));
    this.process.stderr!.on('data', (chunk: Buffer) => (this.printed += chunk.toString()));
    this.api = new ApiClient(`http://127.0.0.1:${ports.api}`);
  }

  output(): string {
    return this.printed;
  }

  async prints(text: string, timeoutMs = 120_000): Promise<void> {
    await eventually(() => (this.printed.includes(text) ? true : undefined), `the launch to print “${text}”`, timeoutMs);
  }

  /** Waits until every process of the launch has gone, at most `timeoutMs`; returns those left. */
  async processesLeftAfter(timeoutMs: number): Promise<MarkedProcess[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const left = processesOf(this.marker);
      if (left.length === 0 || Date.now() > deadline) return left;
      await sleep(50);
    }
  }

  /** Only processes of this launch: the test's own. */
  killWhatIsLeft(): void {
    for (const { pid } of processesOf(this.marker)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
  }
}

interface Moment {
  name: string;
  reached(launch: Launch): Promise<void>;
}

const ONCE_THE_WORKER_POLLS: Moment = {
  // With a console's live updates open: the API's close must not wait for them.
  name: 'once the worker polls',
  reached: async (launch) => {
    await launch.prints('worker polling task queue');
    const token = await launch.api.login('pc.beichen-aoyuan');
    const stream = await fetch(`${launch.api.baseUrl}/tasks/inbox/stream`, { headers: { authorization: `Bearer ${token}` } });
    expect(stream.status).toBe(200);
    void stream.body?.getReader().read().catch(() => undefined);
  },
};

const MOMENTS: Moment[] = [
  {
    // While the dev server starts, or the API is being created, depending on the delay.
    name: 'before the API answers',
    reached: async (launch) => {
      await eventually(() => (processesOf(launch.marker).some(({ command }) => command.includes('start-dev')) ? true : undefined), 'the Temporal dev server to start', 120_000);
      await sleep(randomInt(0, 1500));
    },
  },
  {
    // The worker then is still loading its code and connecting.
    name: 'right after the API answers',
    reached: async (launch) => {
      await launch.prints('yixin is running');
      expect((await launch.api.request('GET', '/health')).status).toBe(200);
      expect((await launch.api.request('GET', '/docs/openapi.json')).status).toBe(200);
    },
  },
  {
    name: 'while the worker bundles',
    reached: async (launch) => {
      await launch.prints('bundling the workflow code');
      await sleep(randomInt(0, 2000));
    },
  },
  ONCE_THE_WORKER_POLLS,
];

describe('stopping npm start, at any moment of its start', () => {
  const dataDir = temporaryDirectory('yixin-launcher-stop-');
  let ports: LaunchPorts;
  const launches: Launch[] = [];
  const report: string[] = [];

  beforeAll(async () => {
    ports = { api: await pickFreePort(), temporal: await pickFreePort(), temporalUi: await pickFreePort(), mailSmtp: await pickFreePort(), mailWeb: await pickFreePort() };
  });

  afterAll(() => {
    for (const launch of launches) launch.killWhatIsLeft();
    rmSync(dataDir, { recursive: true, force: true });
    console.log(`stops of npm start (${ROUNDS} round(s) of each moment):\n${report.join('\n')}`);
  });

  /** Starts the launcher on the test's data directory and ports: every launch after the first is a restart on the same data. */
  const launch = () => {
    const started = new Launch(dataDir, ports);
    launches.push(started);
    return started;
  };

  /** Everything of `started` gone within STOP_BOUND_MS, counted from the signal just sent, or the test fails naming what is left. */
  const expectNothingLeft = async (started: Launch, what: string) => {
    const signalledAt = Date.now();
    const left = await started.processesLeftAfter(STOP_BOUND_MS);
    const stoppedInMs = Date.now() - signalledAt;
    const forced = [...started.output().matchAll(/the (worker process|Temporal dev server) had not stopped|(requests still open)/g)].map((match) =>
      match[1] ? `${match[1]} killed` : 'open requests cut',
    );
    report.push(`${what}: ${left.length === 0 ? `all gone in ${stoppedInMs} ms` : `${left.length} left`}${forced.length ? ` (${forced.join(', ')})` : ''}`);
    if (left.length > 0) {
      throw new Error(`${what}: still running ${STOP_BOUND_MS} ms after the signal:\n${left.map(({ pid, command }) => `${pid} ${command}`).join('\n')}\nlast output:\n${started.output().slice(-3000)}`);
    }
  };

  const stopsInOrder = async (signal: 'SIGINT' | 'SIGTERM', target: 'group' | 'launcher', moments: Moment[]) => {
    for (let round = 0; round < ROUNDS; round++) {
      for (const moment of moments) {
        const started = launch();
        await moment.reached(started);
        const exited = once(started.process, 'exit');
        process.kill(target === 'group' ? -started.process.pid! : started.process.pid!, signal);
        await expectNothingLeft(started, `${signal} to the ${target} ${moment.name}`);
        const [code] = await exited;
        expect(code).toBe(0);
        // What the issue saw: the worker still talking to a dev server that had stopped before it.
        expect(started.output()).not.toMatch(/Connection refused|not reachable yet/);
      }
    }
  };

  it('SIGINT to the process group (Ctrl-C): stops in order, nothing left within 10 s, whatever the moment', async () => {
    await stopsInOrder('SIGINT', 'group', MOMENTS);
  }, ROUNDS * 4 * 100_000);

  it('SIGTERM to the launcher alone: the same (once the worker polls: in the next test)', async () => {
    await stopsInOrder('SIGTERM', 'launcher', MOMENTS.filter((moment) => moment !== ONCE_THE_WORKER_POLLS));
  }, ROUNDS * 3 * 100_000);

  it('SIGKILL of the launcher leaves nothing; the next start on the same data answers /health, the case filed before goes on, and SIGTERM once its worker polls stops it in order', async () => {
    const killed = launch();
    await killed.prints('worker polling task queue');
    const filed = await killed.api.request('POST', '/cases', await killed.api.login('staff.xiangyuan'), sampleComplaint());
    expect(filed.status).toBe(201);
    process.kill(killed.process.pid!, 'SIGKILL');
    await expectNothingLeft(killed, 'SIGKILL to the launcher once the worker polls');

    const restarted = launch();
    await restarted.prints('yixin is running');
    expect((await restarted.api.request('GET', '/health')).status).toBe(200);
    await ONCE_THE_WORKER_POLLS.reached(restarted);
    const company = await restarted.api.login('pc.beichen-aoyuan');
    await eventually(async () => {
      const inbox = await restarted.api.request<{ items: Array<{ caseId: string }> }>('GET', '/tasks/inbox?limit=200', company);
      return inbox.body.items.some((task) => task.caseId === filed.body.caseId) ? true : undefined;
    }, 'the case filed before the SIGKILL in the company inbox', 120_000);
    const signed = await restarted.api.request('POST', `/cases/${filed.body.caseId}/task/sign-for`, company);
    expect({ status: signed.status, caseStatus: signed.body.status }).toEqual({ status: 200, caseStatus: 'in_progress' });
    const exited = once(restarted.process, 'exit');
    process.kill(restarted.process.pid!, 'SIGTERM');
    await expectNothingLeft(restarted, `SIGTERM to the launcher ${ONCE_THE_WORKER_POLLS.name}, started again after a SIGKILL`);
    expect((await exited)[0]).toBe(0);
    expect(restarted.output()).not.toMatch(/Connection refused|not reachable yet/);
  }, 300_000);

  it('a second Ctrl-C stops at once', async () => {
    const started = launch();
    await started.prints('yixin is running');
    const exited = once(started.process, 'exit');
    process.kill(-started.process.pid!, 'SIGINT');
    await started.prints('stopping the worker');
    process.kill(-started.process.pid!, 'SIGINT');
    await expectNothingLeft(started, 'SIGINT twice to the group right after the API answers');
    expect((await exited)[0]).toBe(130);
    expect(started.output()).toMatch(/SIGINT while stopping: killing the worker and Temporal/);
  }, 120_000);
});
