import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Pool } from 'pg';
import { CaseJourneys } from '../apps/chaos/src/case-journeys';
import { ChaosHttp } from '../apps/chaos/src/chaos-http';
import { startEmbeddedSystem } from '../apps/embedded/src/embedded-system';
import { startClusterTopology, type ClusterTopology } from '@yixin/cluster';
import { embeddedSystemEnv, loadEmbeddedLauncherConfig } from '@yixin/config';
import { DEMO_PASSWORD } from '@yixin/directory';
import { PostgresEventStore, type EventStore } from '@yixin/event-store';
import { JsonLogger } from '@yixin/observability';
import { EVENT_STORE } from '@yixin/stores';
import { pickFreePort, pickFreePorts } from '@yixin/temporal-tooling';
import { cpuSecondsOf, descendantsOf, startTestTemporal, temporaryDirectory } from '@yixin/testing';
import { percentile, round, type Benchmark, type Figure } from './bench-kit';

/**
 * Whole lives (file → dispatch → sign for → resolve → call back, closed) over HTTP, sustained for a
 * fixed time at a fixed number of lives in flight: on the embedded topology (`npm start`: the API and
 * a worker process on SQLite) and on the scaled one (`npm run start:cluster`: PostgreSQL, 2 API
 * processes, 3 workers), one after the other on the same machine, with where the CPU went.
 *
 * Environment: SCALED_LIFE_SECONDS (60; 600 for the ten minutes), SCALED_LIFE_CONCURRENCY
 * (24), SCALED_LIFE_WORKERS (3), SCALED_LIFE_APIS (2).
 */
const settings = {
  seconds: intFromEnv('SCALED_LIFE_SECONDS', 60),
  concurrency: intFromEnv('SCALED_LIFE_CONCURRENCY', 24),
  workers: intFromEnv('SCALED_LIFE_WORKERS', 3),
  apis: intFromEnv('SCALED_LIFE_APIS', 2),
};
const WARMUP_LIVES = 10;

/** A process whose CPU is measured; `tree`: with its descendants. */
interface MeasuredProcess {
  name: string;
  pid: number;
  tree: boolean;
}

function intFromEnv(name: string, fallback: number): number {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer`);
  return value;
}

interface Sustained {
  livesPerSecond: number;
  lives: number;
  p50: number;
  p99: number;
  cpu: Array<{ name: string; cores: number }>;
}

/** CPU seconds of `pid` and, with `withDescendants`, of every live process below it (PostgreSQL's backends, …). */
function cpuSecondsWithin(pid: number, withDescendants: boolean): number {
  const members = withDescendants ? [pid, ...descendantsOf(pid)] : [pid];
  return members.reduce((sum, member) => sum + cpuSecondsOf(member), 0);
}

/** Lives in flight for `seconds`, after a warm-up; the CPU of each named process over the same time. */
async function sustain(baseUrl: string, store: EventStore, processes: MeasuredProcess[]): Promise<Sustained> {
  const stopping = new AbortController();
  const http = new ChaosHttp(baseUrl, stopping.signal);
  const [staff, company, council] = await Promise.all(['staff.xiangyuan', 'pc.beichen-aoyuan', 'council.property'].map((user) => http.signIn(user, DEMO_PASSWORD)));
  const journeys = new CaseJourneys(http, store, { staff, company, council }, stopping.signal);
  let serial = 0;
  const live = () => journeys.live('plain', `压测${process.pid}-${++serial}幢`);
  for (let index = 0; index < WARMUP_LIVES; index += 1) await live();

  const cpuBefore = processes.map(({ pid, tree }) => cpuSecondsWithin(pid, tree));
  const startedAt = performance.now();
  const until = startedAt + settings.seconds * 1000;
  const durations: number[] = [];
  await Promise.all(
    Array.from({ length: settings.concurrency }, async () => {
      while (performance.now() < until) {
        const began = performance.now();
        await live();
        durations.push(performance.now() - began);
      }
    }),
  );
  const elapsed = (performance.now() - startedAt) / 1000;
  durations.sort((a, b) => a - b);
  return {
    livesPerSecond: durations.length / elapsed,
    lives: durations.length,
    p50: percentile(durations, 50),
    p99: percentile(durations, 99),
    cpu: processes.map(({ name, pid, tree }, index) => ({ name, cores: (cpuSecondsWithin(pid, tree) - cpuBefore[index]) / elapsed })),
  };
}

async function embedded(): Promise<Sustained> {
  const temporal = await startTestTemporal();
  const dataDir = temporaryDirectory('yixin-bench-embedded-');
  const port = await pickFreePort();
  const logger = new JsonLogger('warn');
  const launcher = { ...loadEmbeddedLauncherConfig({ YIXIN_DATA_DIR: dataDir }), mailCatcher: undefined };
  const env = { ...embeddedSystemEnv({ ...process.env, YIXIN_QUIET_HOURS: 'off', LOG_LEVEL: 'warn' }, launcher, temporal.address), PORT: String(port) };
  const system = await startEmbeddedSystem(env, logger);
  try {
    await system.api.listen(port, '127.0.0.1');
    return await sustain(`http://127.0.0.1:${port}`, system.api.get<EventStore>(EVENT_STORE), [
      { name: 'API (+ bench client)', pid: process.pid, tree: false },
      { name: 'worker', pid: system.worker.pid!, tree: true },
      { name: 'Temporal', pid: temporal.pid, tree: true },
    ]);
  } finally {
    await system.close();
    await temporal.stop();
  }
}

async function scaled(): Promise<Sustained> {
  const dataDir = temporaryDirectory('yixin-bench-cluster-');
  const [httpPort, temporalPort, uiPort] = await pickFreePorts(3);
  const launcher = { ...loadEmbeddedLauncherConfig({ YIXIN_DATA_DIR: dataDir }), temporalDevServer: { port: temporalPort, uiPort }, mailCatcher: undefined };
  const topology: ClusterTopology = await startClusterTopology({
    env: { ...process.env, YIXIN_QUIET_HOURS: 'off', LOG_LEVEL: 'warn', SMTP_URL: undefined },
    launcher,
    apis: settings.apis,
    workers: settings.workers,
    httpPort,
    postgresPort: 0,
    logger: new JsonLogger('warn'),
  });
  const url = new URL(topology.databaseUrl);
  url.password = readFileSync(join(dataDir, 'postgres-password'), 'utf8').trim();
  const pool = new Pool({ connectionString: url.toString(), max: 8 });
  try {
    return await sustain(
      topology.apiUrl,
      new PostgresEventStore(pool),
      [{ name: 'bench client (+ cluster primary)', pid: process.pid, tree: false }, ...topology.parts.map((part) => ({ name: part.name, pid: part.pid!, tree: true }))],
    );
  } finally {
    await pool.end();
    await topology.stop();
  }
}

function describe(sustained: Sustained): string {
  const cpu = sustained.cpu.map(({ name, cores }) => `${name} ${round(cores, 2)}`).join(', ');
  return `${sustained.lives} lives in ${settings.seconds} s, ${settings.concurrency} in flight; life p50 ${round(sustained.p50, 0)} ms, p99 ${round(sustained.p99, 0)} ms; CPU in cores: ${cpu}`;
}

export const scaledWholeLife: Benchmark = {
  title: 'Whole lives on the scaled topology (PostgreSQL, 2 APIs, 3 workers) and the embedded one',
  async run(): Promise<Figure[]> {
    const ours = await embedded();
    const cluster = await scaled();
    const perDay = (perSecond: number) => Math.round(perSecond * 86_400);
    return [
      {
        name: `whole lives sustained on the scaled topology (${settings.apis} APIs, ${settings.workers} workers, PostgreSQL)`,
        value: round(cluster.livesPerSecond, 2),
        unit: 'cases/s',
        baseline: { name: 'the embedded topology (npm start: SQLite, one worker)', value: round(ours.livesPerSecond, 2) },
        note: `scaled: ${describe(cluster)}; a day of it: ${perDay(cluster.livesPerSecond).toLocaleString('en')} cases. Embedded: ${describe(ours)}; a day: ${perDay(ours.livesPerSecond).toLocaleString('en')} cases.`,
      },
    ];
  },
};
