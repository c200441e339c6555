import { appendFileSync, closeSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client as TemporalClient, Connection } from '@temporalio/client';
import { Pool } from 'pg';
import { startClusterTopology, type ClusterTopology } from '@yixin/cluster';
import { loadConfig, loadEmbeddedLauncherConfig } from '@yixin/config';
import { DEMO_PASSWORD } from '@yixin/directory';
import { PostgresEventStore } from '@yixin/event-store';
import { JsonLogger } from '@yixin/observability';
import { loadCaseClock } from '@yixin/platform';
import { pickFreePorts } from '@yixin/temporal-tooling';
import { CaseJourneys, commandsIn, type JourneyKind } from './case-journeys';
import { ChaosHttp } from './chaos-http';
import { FAULT_KINDS, FaultScheduler, seededRandom, type Fault, type FaultKind } from './fault-scheduler';
import { judge, type Check, type LivedCase } from './verdict';

export interface ChaosOptions {
  cases: number;
  seed: number;
  /** Cases lived at once. */
  concurrency: number;
  apis: number;
  workers: number;
  /** Pause before each kill, drawn between these bounds. */
  minPauseMs: number;
  maxPauseMs: number;
  /** The cluster's data (PostgreSQL, Temporal, secrets, mail) and its processes' log (`cluster.log`). */
  dataDir: string;
  progress: (line: string) => void;
}

export interface ChaosReport {
  seed: number;
  cases: { asked: number; finished: number; failed: string[] };
  kills: Record<FaultKind, number>;
  faults: Fault[];
  commands: { acknowledged: number; lost: number; duplicated: number; doneUnacknowledged: number; resent: number };
  checks: Check[];
  passed: boolean;
  seconds: number;
}

/** The share of each journey among the cases: most are plain, some are returned, a few go to the council. */
function journeyOf(draw: number): JourneyKind {
  return draw < 0.7 ? 'plain' : draw < 0.9 ? 'returned' : 'council';
}

/**
 * A fault run (`npm run chaos`): the scaled topology on this machine, cases driven through their
 * whole life over HTTP, while a seeded scheduler SIGKILLs an API, a worker, the bridge's or a
 * projection's holder, the Temporal dev server and PostgreSQL, round after round; then the
 * verdict, against the log. The same seed draws the same journeys and the same kills at the same pauses.
 */
export async function runChaos(options: ChaosOptions): Promise<ChaosReport> {
  const startedAt = Date.now();
  const { dataDir, progress } = options;
  mkdirSync(dataDir, { recursive: true });
  const logFile = join(dataDir, 'cluster.log');
  const output = openSync(logFile, 'a');
  const logger = new JsonLogger('warn', (line) => appendFileSync(logFile, line));
  const [httpPort, temporalPort, temporalUiPort, smtpPort, webPort] = await pickFreePorts(5);
  const launcher = { ...loadEmbeddedLauncherConfig({ YIXIN_DATA_DIR: dataDir }), temporalDevServer: { port: temporalPort, uiPort: temporalUiPort }, mailCatcher: { smtpPort, webPort } };
  progress(`starting the cluster (${options.apis} APIs, ${options.workers} workers) in ${dataDir}; its processes log to ${logFile}`);
  const topology: ClusterTopology = await startClusterTopology({
    // Residents' messages at any hour, so that they are sent (and could be sent twice) during the run.
    env: { ...process.env, YIXIN_QUIET_HOURS: 'off', LOG_LEVEL: 'warn' },
    launcher,
    apis: options.apis,
    workers: options.workers,
    httpPort,
    postgresPort: 0,
    logger,
    output,
  });
  const stopping = new AbortController();
  const serverUrl = withPassword(topology.databaseUrl, readFileSync(join(dataDir, 'postgres-password'), 'utf8').trim());
  const pool = connectedPool(serverUrl);
  const connection = await Connection.connect({ address: topology.temporalAddress });
  try {
    const http = new ChaosHttp(topology.apiUrl, stopping.signal);
    const [staff, company, council] = await Promise.all(
      ['staff.xiangyuan', 'pc.beichen-aoyuan', 'council.property'].map((username) => http.signIn(username, DEMO_PASSWORD)),
    );
    const journeys = new CaseJourneys(http, new PostgresEventStore(pool), { staff, company, council }, stopping.signal);
    const drawJourney = seededRandom(options.seed);
    const kinds = Array.from({ length: options.cases }, () => journeyOf(drawJourney()));
    const scheduler = new FaultScheduler(topology.parts, pool, seededRandom(options.seed ^ 0x5bd1e995), options, progress);

    progress(`seed ${options.seed}: ${options.cases} cases, ${options.concurrency} at a time, a kill every ${options.minPauseMs / 1000}–${options.maxPauseMs / 1000} s`);
    let livesOver = false;
    const killing = scheduler.run(() => livesOver, stopping.signal);
    const lived: LivedCase[] = [];
    const failed: string[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: Math.min(options.concurrency, options.cases) }, async () => {
        while (next < options.cases) {
          const index = next++;
          const kind = kinds[index];
          try {
            lived.push({ caseId: await journeys.live(kind, `混沌${options.seed}-${index + 1}幢`), kind });
            if (lived.length % 10 === 0) progress(`${lived.length} of ${options.cases} cases closed; ${scheduler.faults.length} kills so far`);
          } catch (error) {
            failed.push(`case ${index + 1} (${kind}): ${error instanceof Error ? error.message : String(error)}`);
          }
        }
      }),
    );
    livesOver = true;
    progress(`all lives over (${lived.length} closed, ${failed.length} failed); the scheduler ends its round`);
    await killing;
    await Promise.all(topology.parts.map((part) => part.whenUp()));

    progress('judging against the log');
    // The run's connections may have died with PostgreSQL: the judge's are new.
    const judging = connectedPool(serverUrl);
    const workerConfig = loadConfig(topology.workerEnv);
    const verdict = await judge({
      pool: judging,
      serverUrl,
      temporal: new TemporalClient({ connection }),
      acknowledged: journeys.tally.acknowledged,
      cases: lived,
      mailCatcherUrl: topology.mailCatcherUrl,
      notifications: { settings: workerConfig.notifications.settings, calendar: loadCaseClock(workerConfig).calendar },
      faults: scheduler.faults,
    }).finally(() => judging.end());
    const required = lived.reduce((sum, { kind }) => sum + commandsIn(kind), 0);
    const done = journeys.tally.acknowledged.length + journeys.tally.doneUnacknowledged;
    const checks = [
      { name: 'every case lived its whole life', ok: failed.length === 0, detail: failed.length === 0 ? `${lived.length} cases closed` : failed.slice(0, 3).join('; ') },
      {
        name: "every command of the closed cases' journeys was done",
        ok: done === required,
        detail: `${done} done (${journeys.tally.acknowledged.length} acknowledged, ${journeys.tally.doneUnacknowledged} with their answer lost) of ${required}`,
      },
      {
        name: 'every kind of process was killed',
        ok: FAULT_KINDS.every((kind) => scheduler.faults.some((fault) => fault.kind === kind)),
        detail: `${scheduler.faults.length} kills`,
      },
      ...verdict.checks,
    ];
    return {
      seed: options.seed,
      cases: { asked: options.cases, finished: lived.length, failed },
      kills: Object.fromEntries(FAULT_KINDS.map((kind) => [kind, scheduler.faults.filter((fault) => fault.kind === kind).length])) as Record<FaultKind, number>,
      faults: scheduler.faults,
      commands: { ...verdict.commands, doneUnacknowledged: journeys.tally.doneUnacknowledged, resent: journeys.tally.resent },
      checks,
      passed: checks.every((check) => check.ok),
      seconds: Math.round((Date.now() - startedAt) / 1000),
    };
  } finally {
    stopping.abort();
    await connection.close().catch(() => undefined);
    await pool.end().catch(() => undefined);
    await topology.stop();
    closeSync(output);
  }
}

/** A pool that outlives PostgreSQL's restarts: an idle connection cut by one is dropped, not thrown. */
function connectedPool(connectionString: string): Pool {
  const pool = new Pool({ connectionString, max: 6 });
  pool.on('error', () => undefined);
  return pool;
}

function withPassword(databaseUrl: string, password: string): string {
  const url = new URL(databaseUrl);
  url.password = password;
  return url.toString();
}
