import { fork } from 'node:child_process';
import { openSync, readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { join } from 'node:path';
import autocannon from 'autocannon';
import Database from 'better-sqlite3';
import { runAsBackOffice } from '../apps/embedded/src/back-office-priority';
import type { SqliteSynchronousMode } from '@yixin/event-store';
import { ApiClient, sampleComplaint, startTestTemporal, temporaryDirectory } from '@yixin/testing';
import { percentile, round, type Benchmark, type Figure } from './bench-kit';
import type { FilingServerEnvironment } from './filing-server';
import { describeLoad, measureMachineLoad, type MachineLoad } from './machine-load';

/** Short development runs: HTTP_FILING_SECONDS=5 npm run bench http-filing. */
const SECONDS = Number(process.env.HTTP_FILING_SECONDS ?? 20);
/** Where the servers write V8 CPU profiles of their main thread (node --cpu-prof), when set. */
const CPU_PROFILE_DIR = process.env.HTTP_FILING_CPU_PROFILE_DIR;
const WARM_UP_SECONDS = 3;
const CONNECTIONS = 10;
const FIXED_RATE = 200;
/** loadConfig's default, what `npm start` runs with; the baseline's file gets the same. */
const SYNCHRONOUS = (process.env.HTTP_FILING_SYNCHRONOUS ?? 'FULL') as SqliteSynchronousMode;
/** The default 600 writes per minute per user would refuse all but the first 600 filings of each minute. */
const WRITES_PER_MINUTE = 10_000_000;
const DRAIN_TIMEOUT_MS = 900_000;

interface FilingServer {
  url: string;
  pid: number;
  /** Ours: the worker process beside the API. */
  workerPid?: number;
  stop(): Promise<void>;
}

interface LoadRun {
  requestsPerSecond: number;
  p50: number;
  p99: number;
  succeeded: number;
  failures: string;
  load: MachineLoad;
}

/** The options `npm start` gives node for the API's process (package.json), which every server here runs with too. */
function npmStartNodeOptions(): string[] {
  const { scripts } = JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as { scripts: { start: string } };
  const options = /\bnode ((?:--\S+ )*)dist\/apps\/embedded\/src\/main\.js/.exec(scripts.start)?.[1];
  if (options === undefined) throw new Error(`npm start no longer runs node dist/apps/embedded/src/main.js: ${scripts.start}`);
  return options.split(' ').filter(Boolean);
}

/**
 * Runs `bench/filing-server.ts kind` in a process of its own and waits until it listens. Its
 * standard output, where a deployed API writes its log, goes to a file of the data directory.
 */
async function startFilingServer(kind: 'ours' | 'api' | 'bare', env: FilingServerEnvironment): Promise<FilingServer> {
  const child = fork(join(__dirname, 'filing-server.ts'), [kind], {
    stdio: ['ignore', openSync(join(env.FILING_SERVER_DATA_DIR, `${kind}.log`), 'a'), 'inherit', 'ipc'],
    execArgv: [...npmStartNodeOptions(), '-r', require.resolve('../test/support/register-ts.js'), ...(CPU_PROFILE_DIR ? ['--cpu-prof', '--cpu-prof-dir', CPU_PROFILE_DIR] : [])],
    env: { ...process.env, ...env },
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const { url, workerPid } = await Promise.race([
    new Promise<{ url: string; workerPid?: number }>((resolve) => child.once('message', resolve)),
    exited.then(() => Promise.reject(new Error(`the ${kind} filing server exited before listening`))),
  ]);
  return {
    url,
    pid: child.pid!,
    workerPid,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/**
 * POST /cases from `connections` connections for `seconds`, as fast as the server answers, each
 * request a complaint about a building of its own (the same place twice would be linked as a
 * duplicate instead of dispatched). Latencies are autocannon's per-response times of the 2xx answers.
 */
async function fileUnderLoad(server: FilingServer, token: string, seconds: number, named: () => Record<string, number | undefined> = () => ({})): Promise<LoadRun> {
  const latencies: number[] = [];
  const meter = measureMachineLoad(() => ({ server: server.pid, worker: server.workerPid, ...named() }));
  const instance = autocannon({
    url: server.url,
    connections: CONNECTIONS,
    duration: seconds,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    requests: [{ method: 'POST', path: '/cases', setupRequest: (request) => ({ ...request, body: JSON.stringify(sampleComplaint()) }) }],
  });
  instance.on('response', (_client, statusCode, _bytes, responseTimeMs) => {
    if (statusCode >= 200 && statusCode < 300) latencies.push(responseTimeMs);
  });
  const result = await instance;
  const load = meter.stop();
  latencies.sort((a, b) => a - b);
  const refused = Object.entries(result.statusCodeStats).filter(([status]) => !status.startsWith('2'));
  return {
    requestsPerSecond: Math.round(result['2xx'] / result.duration),
    p50: round(percentile(latencies, 50)),
    p99: round(percentile(latencies, 99)),
    succeeded: result['2xx'],
    failures: `${result.errors} errors (${result.timeouts} timeouts), ${result.non2xx} non-2xx${refused.length ? ` (${refused.map(([status, { count }]) => `${count}× ${status}`).join(', ')})` : ''}`,
    load,
  };
}

/**
 * POST /cases at a steady `rate`: one request every 1000/rate ms whether or not the earlier ones
 * were answered (an open model, as residents' complaints arrive), each latency counted from the
 * instant the request was due, so that a slow answer neither delays later requests nor hides.
 * autocannon cannot do this: with `overallRate` each connection sends its share of a second back to
 * back at the start of the second, which measures bursts at full speed.
 */
async function fileAtSteadyRate(server: FilingServer, token: string, seconds: number, rate: number, named: () => Record<string, number | undefined> = () => ({})): Promise<LoadRun> {
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  const url = new URL('/cases', server.url);
  const latencies: number[] = [];
  const statuses = new Map<number, number>();
  let errors = 0;
  const post = (due: number) =>
    new Promise<void>((resolve) => {
      const body = JSON.stringify(sampleComplaint());
      const outgoing = request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), authorization: `Bearer ${token}` } }, (response) => {
        response.resume();
        response.once('end', () => {
          const status = response.statusCode ?? 0;
          statuses.set(status, (statuses.get(status) ?? 0) + 1);
          if (status >= 200 && status < 300) latencies.push(performance.now() - due);
          resolve();
        });
      });
      outgoing.once('error', () => {
        errors++;
        resolve();
      });
      outgoing.end(body);
    });
  const meter = measureMachineLoad(() => ({ server: server.pid, worker: server.workerPid, ...named() }));
  const started = performance.now();
  const answered: Promise<void>[] = [];
  for (let sent = 0; sent < seconds * rate; sent++) {
    const due = started + (sent * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    answered.push(post(due));
  }
  await Promise.all(answered);
  const load = meter.stop();
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const refused = [...statuses].filter(([status]) => status < 200 || status >= 300);
  return {
    requestsPerSecond: Math.round(latencies.length / seconds),
    p50: round(percentile(latencies, 50)),
    p99: round(percentile(latencies, 99)),
    succeeded: latencies.length,
    failures: `${errors} errors, ${refused.reduce((sum, [, count]) => sum + count, 0)} non-2xx${refused.length ? ` (${refused.map(([status, count]) => `${count}× ${status}`).join(', ')})` : ''}`,
    load,
  };
}

/** The JSON bytes of the average ComplaintFiled row, to show both servers store rows of the same size. */
function complaintRowBytes(sqliteFile: string): number {
  const db = new Database(sqliteFile, { readonly: true });
  try {
    const { bytes } = db.prepare("SELECT avg(length(CAST(data AS BLOB)) + length(CAST(metadata AS BLOB))) AS bytes FROM events WHERE type = 'ComplaintFiled'").get() as { bytes: number };
    return Math.round(bytes);
  } finally {
    db.close();
  }
}

/**
 * Filings the API accepted whose task the workflow has not dispatched yet: the bridge, the case
 * workflows and their activities run behind the API, in the worker process.
 */
function undispatchedFilings(db: Database.Database): number {
  const count = (type: string) => (db.prepare('SELECT count(*) AS count FROM events WHERE type = ?').get(type) as { count: number }).count;
  return count('ComplaintFiled') - count('TaskDispatched');
}

/** Waits for the worker to catch up with the API: milliseconds until every accepted filing is dispatched. */
async function drain(sqliteFile: string): Promise<{ backlog: number; ms: number }> {
  const db = new Database(sqliteFile, { readonly: true });
  try {
    const backlog = undispatchedFilings(db);
    const started = performance.now();
    while (undispatchedFilings(db) > 0) {
      if (performance.now() - started > DRAIN_TIMEOUT_MS) throw new Error(`${undispatchedFilings(db)} filings still undispatched after ${DRAIN_TIMEOUT_MS} ms`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return { backlog, ms: performance.now() - started };
  } finally {
    db.close();
  }
}

/** The bare endpoint at full speed (after a warm-up), then at the fixed rate unless `maxOnly`, on a file of its own. */
async function measureBare(dataDir: string, fileName: string): Promise<{ max: LoadRun; fixed: LoadRun; rowBytes: number }>;
async function measureBare(dataDir: string, fileName: string, maxOnly: true): Promise<{ max: LoadRun }>;
async function measureBare(dataDir: string, fileName: string, maxOnly = false): Promise<{ max: LoadRun; fixed?: LoadRun; rowBytes?: number }> {
  const sqliteFile = join(dataDir, fileName);
  const server = await startFilingServer('bare', { FILING_SERVER_DATA_DIR: dataDir, FILING_SERVER_SQLITE_FILE: sqliteFile, FILING_SERVER_SYNCHRONOUS: SYNCHRONOUS });
  try {
    // The bare endpoint checks no token: any will do.
    const token = 'unchecked';
    await fileUnderLoad(server, token, WARM_UP_SECONDS);
    const max = await fileUnderLoad(server, token, SECONDS);
    if (maxOnly) return { max };
    const fixed = await fileAtSteadyRate(server, token, SECONDS, FIXED_RATE);
    return { max, fixed, rowBytes: complaintRowBytes(sqliteFile) };
  } finally {
    await server.stop();
  }
}

async function measureEmbedded(server: FilingServer, sqliteFile: string, named: () => Record<string, number | undefined>) {
  const token = await new ApiClient(server.url).login('staff.xiangyuan');
  await fileUnderLoad(server, token, WARM_UP_SECONDS, named);
  await drain(sqliteFile);
  const max = await fileUnderLoad(server, token, SECONDS, named);
  const maxDrain = await drain(sqliteFile);
  const fixed = await fileAtSteadyRate(server, token, SECONDS, FIXED_RATE, named);
  const fixedDrain = await drain(sqliteFile);
  return { max, maxDrain, fixed, fixedDrain, rowBytes: complaintRowBytes(sqliteFile) };
}

/** Nothing dispatches these filings: this is what the API costs without the worker beside it. */
async function measureApiAlone(server: FilingServer, named: () => Record<string, number | undefined>): Promise<LoadRun> {
  const token = await new ApiClient(server.url).login('staff.xiangyuan');
  await fileUnderLoad(server, token, WARM_UP_SECONDS, named);
  return fileUnderLoad(server, token, SECONDS, named);
}

async function measureOurs(dataDir: string) {
  const temporal = await startTestTemporal();
  const temporalPid = temporal.pid;
  // As `npm start` runs its own dev server.
  runAsBackOffice(temporalPid);
  const named = () => ({ temporal: temporalPid });
  const start = (kind: 'ours' | 'api', sqliteFile: string) =>
    startFilingServer(kind, {
      FILING_SERVER_DATA_DIR: dataDir,
      FILING_SERVER_SQLITE_FILE: sqliteFile,
      FILING_SERVER_SYNCHRONOUS: SYNCHRONOUS,
      FILING_SERVER_TEMPORAL_ADDRESS: temporal.address,
      FILING_SERVER_WRITES_PER_MINUTE: String(WRITES_PER_MINUTE),
    });
  try {
    const sqliteFile = join(dataDir, 'yixin.sqlite');
    const embedded = await start('ours', sqliteFile);
    const ours = await measureEmbedded(embedded, sqliteFile, named).finally(() => embedded.stop());
    const apiAlone = await start('api', join(dataDir, 'api-alone.sqlite'));
    const apiAloneMax = await measureApiAlone(apiAlone, named).finally(() => apiAlone.stop());
    return { ...ours, apiAloneMax };
  } finally {
    await temporal.stop();
  }
}

/**
 * Filing complaints over HTTP on the embedded store, as `npm start` runs it (the API in one process,
 * the worker with projections and bridge in another, the Temporal dev server beside them) against a bare NestJS endpoint that inserts the same row
 * with the raw driver, each in its own process, loaded by autocannon from this one.
 */
export const httpFiling: Benchmark = {
  title: 'Filing complaints over HTTP, embedded mode (SQLite, Temporal dev server) against a bare NestJS insert',
  async run() {
    const dataDir = temporaryDirectory('yixin-bench-http-');
    const bare = await measureBare(dataDir, 'bare.sqlite');
    const ours = await measureOurs(dataDir);
    // The machine's speed drifts over the quarter of an hour ours takes (the bare endpoint's runs
    // gave 854 to 1,445 a second): its speed at max is the mean of a run before ours and one after.
    const bareAfter = await measureBare(dataDir, 'bare-after.sqlite', true);
    const bareMax = Math.round((bare.max.requestsPerSecond + bareAfter.max.requestsPerSecond) / 2);
    const bareMaxRuns = `bare ${bare.max.requestsPerSecond} req/s before ours and ${bareAfter.max.requestsPerSecond} after, their mean the baseline`;
    const perDrain = (run: LoadRun, drained: { backlog: number; ms: number }) =>
      `${run.succeeded} filed; ${drained.backlog} not yet dispatched when the load stopped, all dispatched ${round(drained.ms / 1000)} s later`;
    const loads = (oursRun: LoadRun, bareRun: LoadRun) => `ours: ${describeLoad(oursRun.load)} | bare: ${describeLoad(bareRun.load)}`;
    const maxSetting = `${CONNECTIONS} connections, ${SECONDS} s`;
    const fixedSetting = `one request every ${1000 / FIXED_RATE} ms, open model, ${SECONDS} s`;
    const bareName = (what: string) => `bare NestJS + better-sqlite3, ${what}`;
    return [
      {
        name: `filings per second at max (${maxSetting})`,
        value: ours.max.requestsPerSecond,
        unit: 'req/s',
        baseline: { name: bareName('req/s'), value: bareMax },
        target: '≥ 0.5× baseline',
        note: `${bareMaxRuns}; ${perDrain(ours.max, ours.maxDrain)}; ours ${ours.max.failures}, bare ${bare.max.failures}; ComplaintFiled JSON ${ours.rowBytes} B (ours), ${bare.rowBytes} B (bare); synchronous=${SYNCHRONOUS}; write rate limit raised to ${WRITES_PER_MINUTE}/min; both servers run node ${npmStartNodeOptions().join(' ') || 'without options'}, as npm start does`,
      },
      { name: `p50 at max (${maxSetting})`, value: ours.max.p50, unit: 'ms', baseline: { name: bareName('p50'), value: bare.max.p50 } },
      { name: `p99 at max (${maxSetting})`, value: ours.max.p99, unit: 'ms', baseline: { name: bareName('p99'), value: bare.max.p99 }, note: loads(ours.max, bare.max) },
      {
        name: `the API process alone (no worker, projections or bridge beside it), filings per second at max (${maxSetting})`,
        value: ours.apiAloneMax.requestsPerSecond,
        unit: 'req/s',
        baseline: { name: bareName('req/s'), value: bareMax },
        note: `p50 ${ours.apiAloneMax.p50} ms, p99 ${ours.apiAloneMax.p99} ms; ${ours.apiAloneMax.failures}; ${describeLoad(ours.apiAloneMax.load)}`,
      },
      {
        name: `filings per second at a fixed rate (${fixedSetting})`,
        value: ours.fixed.requestsPerSecond,
        unit: 'req/s',
        baseline: { name: bareName('req/s'), value: bare.fixed.requestsPerSecond },
        note: `${perDrain(ours.fixed, ours.fixedDrain)}; ours ${ours.fixed.failures}, bare ${bare.fixed.failures}`,
      },
      { name: `p50 at ${FIXED_RATE}/s`, value: ours.fixed.p50, unit: 'ms', baseline: { name: bareName('p50'), value: bare.fixed.p50 } },
      {
        name: `p99 at ${FIXED_RATE}/s`,
        value: ours.fixed.p99,
        unit: 'ms',
        baseline: { name: bareName('p99'), value: bare.fixed.p99 },
        target: 'p99 < 50 ms',
        note: loads(ours.fixed, bare.fixed),
      },
    ] satisfies Figure[];
  },
};
