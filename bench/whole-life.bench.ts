import { randomBytes, randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import Database from 'better-sqlite3';
import { createEmbeddedApp } from '../apps/embedded/src/embedded-app';
import { readCaseStream } from '@yixin/case-stream';
import { type YixinConfig } from '@yixin/config';
import { EVENT_STORE } from '@yixin/stores';
import { TASK_RUNNING_STATUSES } from '@yixin/domain';
import type { EventStore } from '@yixin/event-store';
import { ApiClient, sampleComplaint, startTestTemporal, temporaryDirectory, testConfig } from '@yixin/testing';
import { createBareActivities } from './bare-workflow/bare-activities';
import { SIGNALLED_REVISIONS, WHOLE_LIFE_EVENTS } from './bare-workflow/bare-messages';
import { bareCaseWorkflow, bareEventSignal } from './bare-workflow/bare.workflow';
import { percentile, round, type Benchmark, type Figure } from './bench-kit';
import {
  ArrivalWatcher,
  describeCpu,
  historyTimes,
  HttpJson,
  now,
  PhaseMeter,
  profileMainThread,
  runBounded,
  sleep,
  sorted,
  type CpuUse,
  type HistoryTimes,
} from './whole-life-probes';

/**
 * The whole life of a case, end to end on the embedded app (API + worker in this process, SQLite,
 * a Temporal dev server), against a bare Temporal workflow with the same signals and activities on
 * the same server; then the filing → inbox latency at a steady arrival rate, split into where the
 * time goes (from the event times in the log and in the workflow histories).
 *
 * Environment: WHOLE_LIFE_CASES (200 per side), WHOLE_LIFE_CONCURRENCY (20), WHOLE_LIFE_WARMUP (10),
 * WHOLE_LIFE_ROUNDS (2: ours and bare take turns, each round a share of the cases),
 * WHOLE_LIFE_RATE (cases/s, 10), WHOLE_LIFE_SECONDS (30), WHOLE_LIFE_POLL_MS (10),
 * WHOLE_LIFE_PROBES (http,read-model: how the steady phase sees a task arrive; one run per probe);
 * WHOLE_LIFE_STEADY_LIVES=1 signs for, resolves and calls back each case of the steady phase once
 * it is in the inbox (by default they stay open, as tasks do for days);
 * WHOLE_LIFE_PROFILE=file.cpuprofile profiles this process's main thread during our first throughput
 * round and prints where its time goes (the profiler slows the run: not for the figures).
 */
const settings = {
  cases: intFromEnv('WHOLE_LIFE_CASES', 200),
  concurrency: intFromEnv('WHOLE_LIFE_CONCURRENCY', 20),
  warmup: intFromEnv('WHOLE_LIFE_WARMUP', 10),
  rate: intFromEnv('WHOLE_LIFE_RATE', 10),
  seconds: intFromEnv('WHOLE_LIFE_SECONDS', 30),
  pollMs: intFromEnv('WHOLE_LIFE_POLL_MS', 10),
  rounds: intFromEnv('WHOLE_LIFE_ROUNDS', 2),
  steadyLives: ['1', 'true', 'yes'].includes(process.env.WHOLE_LIFE_STEADY_LIVES ?? ''),
  probes: probesFromEnv(),
  profile: process.env.WHOLE_LIFE_PROFILE || undefined,
};

/** The steady phase runs once per probe: over HTTP as a company would see it, and on the read model without the poller's load. */
function probesFromEnv(): Probe[] {
  const probes = (process.env.WHOLE_LIFE_PROBES ?? 'http,read-model').split(',').map((probe) => probe.trim());
  for (const probe of probes) if (probe !== 'http' && probe !== 'read-model') throw new Error(`WHOLE_LIFE_PROBES: unknown probe ${probe} (http, read-model)`);
  return probes as Probe[];
}

function intFromEnv(name: string, fallback: number): number {
  const value = process.env[name];
  if (value === undefined || value === '') return fallback;
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed <= 0) throw new Error(`${name} must be a positive number, not ${value}`);
  return parsed;
}

const WORKFLOW_TIMEOUT_MS = 120_000;

// ---------------------------------------------------------------------------------------------
// Ours: HTTP → command → log → bridge → workflow → activity → command → log → projection → inbox.

interface Ours {
  app: INestApplication;
  config: YixinConfig;
  store: EventStore;
  client: Client;
  /** For the people acting on cases. */
  http: HttpJson;
  /** For the inbox poller alone: a connection of its own. */
  pollHttp: HttpJson;
  staff: string;
  company: string;
  companyId: string;
}

interface LifeTrace {
  caseId: string;
  postStart: number;
  postEnd: number;
  seenAt: number;
  commandsEnd?: number;
  closedAt?: number;
}

function inboxWatcher(ours: Ours, intervalMs: number): ArrivalWatcher {
  return new ArrivalWatcher(
    async () => {
      // The inbox comes in pages of at most 200, nearest deadline first: a new task is on the last page.
      const seen: string[] = [];
      for (let offset = 0, total = 1; offset < total; offset += 200) {
        const page = await ours.pollHttp.expect<{ total: number; items: Array<{ caseId: string }> }>(200, 'GET', `/tasks/inbox?limit=200&offset=${offset}`, ours.company);
        total = page.total;
        seen.push(...page.items.map((task) => task.caseId));
      }
      return seen;
    },
    intervalMs,
  );
}

/**
 * The company's inbox as its read model holds it: the query of GET /tasks/inbox (selectInbox), on
 * a read-only connection of its own, limited to cases filed since `since` so that it costs the same
 * however many tasks are open. Sees a task the moment the projection has committed it.
 */
function readModelWatcher(ours: Ours, intervalMs: number, since: string): { watcher: ArrivalWatcher; close(): void } {
  const db = new Database(ours.config.sqliteReadModelsFile, { readonly: true });
  const select = db.prepare(
    `SELECT case_id FROM case_list WHERE assignee_organisation_id = ? AND status IN (${TASK_RUNNING_STATUSES.map(() => '?').join(', ')}) AND filed_at >= ?`,
  );
  const watcher = new ArrivalWatcher(
    async () => (select.all(ours.companyId, ...TASK_RUNNING_STATUSES, since) as Array<{ case_id: string }>).map((row) => row.case_id),
    intervalMs,
  );
  return { watcher, close: () => db.close() };
}

async function fileCase(ours: Ours): Promise<Pick<LifeTrace, 'caseId' | 'postStart' | 'postEnd'>> {
  const postStart = now();
  const { caseId } = await ours.http.expect<{ caseId: string }>(201, 'POST', '/cases', ours.staff, sampleComplaint());
  return { caseId, postStart, postEnd: now() };
}

/** The rest of a life once the task is in the inbox: sign for, resolve, call back satisfied; the workflow ends. */
async function finishLife(ours: Ours, trace: LifeTrace): Promise<void> {
  await ours.http.expect(200, 'POST', `/cases/${trace.caseId}/task/sign-for`, ours.company);
  await ours.http.expect(200, 'POST', `/cases/${trace.caseId}/task/resolve`, ours.company, { note: '已更换电梯主板，恢复运行' });
  await ours.http.expect(200, 'POST', `/cases/${trace.caseId}/call-back`, ours.staff, { outcome: 'satisfied', rating: 5, note: '居民满意' });
  trace.commandsEnd = now();
  const status = await withTimeout(ours.client.workflow.getHandle(trace.caseId).result(), WORKFLOW_TIMEOUT_MS, `workflow ${trace.caseId}`);
  if (status !== 'closed') throw new Error(`workflow of ${trace.caseId} ended ${String(status)}`);
  trace.closedAt = now();
}

async function liveOneCase(ours: Ours, watcher: ArrivalWatcher): Promise<LifeTrace> {
  const filed = await fileCase(ours);
  const trace: LifeTrace = { ...filed, seenAt: await watcher.seen(filed.caseId) };
  await finishLife(ours, trace);
  return trace;
}

// ---------------------------------------------------------------------------------------------
// Bare: the same signals by signalWithStart from a client, the same one activity, nothing else.

interface Bare {
  taskQueue: string;
  db: Database.Database;
  /** The poller of the dispatch table, paused while ours is measured. */
  watcher: ArrivalWatcher;
  /** One whole life; its workflow id. */
  life(): Promise<string>;
  stop(): Promise<void>;
}

async function startBare(client: Client, address: string, dataDir: string): Promise<Bare> {
  const taskQueue = `bare-${randomBytes(4).toString('hex')}`;
  const filename = join(dataDir, 'bare.sqlite');
  const { activities, db } = createBareActivities(filename);
  const connection = await NativeConnection.connect({ address });
  const worker = await Worker.create({
    connection,
    namespace: 'default',
    taskQueue,
    workflowsPath: require.resolve('./bare-workflow/bare.workflow'),
    activities,
  });
  const running = worker.run();
  const reader = new Database(filename, { readonly: true });
  const newRows = reader.prepare('SELECT rowid, case_id FROM dispatched WHERE rowid > ? ORDER BY rowid');
  let lastRow = 0;
  // The client learns of the dispatch the way ours does: by polling where it lands, as often.
  const watcher = new ArrivalWatcher(async () => {
    const rows = newRows.all(lastRow) as Array<{ rowid: number; case_id: string }>;
    if (rows.length > 0) lastRow = rows[rows.length - 1].rowid;
    return rows.map((row) => row.case_id);
  }, settings.pollMs);

  return {
    taskQueue,
    db,
    watcher,
    async life() {
      const caseId = randomUUID();
      const complaint = sampleComplaint();
      const signal = (revision: number, data: Record<string, unknown>) =>
        client.workflow.signalWithStart(bareCaseWorkflow, {
          workflowId: caseId,
          taskQueue,
          args: [{ caseId }],
          signal: bareEventSignal,
          signalArgs: [{ type: WHOLE_LIFE_EVENTS[revision], revision, data }],
        });
      await signal(0, { caseId, complaint, filedAt: new Date().toISOString() });
      await watcher.seen(caseId);
      // The rest of the stream, one signal per event, as the bridge delivers them (the dispatch it learnt from its activity).
      await signal(2, { at: new Date().toISOString() });
      await signal(3, { note: '已更换电梯主板，恢复运行', at: new Date().toISOString() });
      await signal(4, { outcome: 'satisfied', rating: 5, note: '居民满意' });
      await signal(5, { reason: 'resident_satisfied', closedAt: new Date().toISOString() });
      const status = await withTimeout(client.workflow.getHandle(caseId).result(), WORKFLOW_TIMEOUT_MS, `bare workflow ${caseId}`);
      if (status !== 'closed') throw new Error(`bare workflow ${caseId} ended ${String(status)}`);
      return caseId;
    },
    async stop() {
      await watcher.stop();
      reader.close();
      worker.shutdown();
      await running;
      await connection.close();
      db.close();
    },
  };
}

/**
 * What a bridge that delivers one event at a time can reach at best: signalWithStart then a
 * checkpoint UPSERT, in a loop, with nothing else running; 30 whole lives' worth of signals.
 */
async function serialSignals(client: Client, bare: Bare): Promise<number> {
  bare.db.exec('CREATE TABLE IF NOT EXISTS checkpoints (name TEXT PRIMARY KEY, position INTEGER NOT NULL)');
  const save = bare.db.prepare('INSERT INTO checkpoints (name, position) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET position = excluded.position');
  const lives = 30;
  const ids: string[] = [];
  const started = now();
  for (let life = 0; life < lives; life++) {
    const caseId = randomUUID();
    ids.push(caseId);
    for (const revision of SIGNALLED_REVISIONS) {
      await client.workflow.signalWithStart(bareCaseWorkflow, {
        workflowId: caseId,
        taskQueue: bare.taskQueue,
        args: [{ caseId }],
        signal: bareEventSignal,
        signalArgs: [{ type: WHOLE_LIFE_EVENTS[revision], revision, data: revision === 0 ? { caseId, complaint: sampleComplaint() } : {} }],
      });
      save.run('bridge', life * WHOLE_LIFE_EVENTS.length + revision);
    }
  }
  const rate = (lives * SIGNALLED_REVISIONS.length) / ((now() - started) / 1000);
  await Promise.all(ids.map((id) => withTimeout(client.workflow.getHandle(id).result(), WORKFLOW_TIMEOUT_MS, `bare workflow ${id}`)));
  return rate;
}

// ---------------------------------------------------------------------------------------------
// Throughput: the two sides take turns, in rounds, so that the machine's other load falls on both.

interface Throughputs {
  ours: PhaseMeter;
  bare: PhaseMeter;
  traces: LifeTrace[];
  bareIds: string[];
  rounds: string[];
}

async function throughputs(ours: Ours, bare: Bare): Promise<Throughputs> {
  const { cases, concurrency, warmup, rounds } = settings;
  const watcher = inboxWatcher(ours, settings.pollMs);
  const oursMeter = new PhaseMeter(ours.config);
  const bareMeter = new PhaseMeter();
  const result: Throughputs = { ours: oursMeter, bare: bareMeter, traces: [], bareIds: [], rounds: [] };
  try {
    await runBounded(warmup, concurrency, bare.life);
    await runBounded(warmup, concurrency, () => liveOneCase(ours, watcher));
    for (let round = 0; round < rounds; round++) {
      const count = Math.floor(cases / rounds) + (round < cases % rounds ? 1 : 0);
      // Each side's poller runs only in its own turn.
      watcher.paused = true;
      bare.watcher.paused = false;
      let started = now();
      bareMeter.start();
      result.bareIds.push(...(await runBounded(count, concurrency, bare.life)));
      bareMeter.stop(count);
      const bareRate = count / ((now() - started) / 1000);

      bare.watcher.paused = true;
      watcher.paused = false;
      const profiler = settings.profile && round === 0 ? await profileMainThread() : undefined;
      started = now();
      oursMeter.start();
      result.traces.push(...(await runBounded(count, concurrency, () => liveOneCase(ours, watcher))));
      oursMeter.stop(count);
      const oursRate = count / ((now() - started) / 1000);
      if (profiler) await reportProfile(profiler);
      result.rounds.push(`${round2(oursRate)} vs ${round2(bareRate)}`);
      console.log(`  round ${round + 1}: ${count} lives each; ours ${round2(oursRate)} cases/s, bare ${round2(bareRate)} cases/s`);
    }
    return result;
  } finally {
    bare.watcher.paused = false;
    oursMeter.close();
    await watcher.stop();
  }
}

async function reportProfile(profiler: Awaited<ReturnType<typeof profileMainThread>>): Promise<void> {
  const { profile, ownCode, selfTime } = await profiler.stop();
  writeFileSync(settings.profile!, JSON.stringify(profile));
  const show = (shares: Array<[string, number]>) =>
    shares.slice(0, 20).forEach(([name, share]) => console.log(`    ${(share * 100).toFixed(1).padStart(5)}%  ${name}`));
  console.log(`  main thread of the yixin process, first round (profile in ${settings.profile}), by the nearest frame of ours on the stack:`);
  show(ownCode);
  console.log('  and by the package or folder of the function on top:');
  show(selfTime);
}

// ---------------------------------------------------------------------------------------------
// Filing → inbox at a steady rate.

type Probe = 'http' | 'read-model';

interface Steady {
  probe: Probe;
  traces: LifeTrace[];
  achievedRate: number;
  meter: PhaseMeter;
  pollMs: number[];
  inboxSize: number;
}

async function steadyLatency(ours: Ours, probe: Probe): Promise<Steady> {
  const total = Math.round(settings.rate * settings.seconds);
  const intervalMs = 1000 / settings.rate;
  const readModel = probe === 'read-model' ? readModelWatcher(ours, settings.pollMs, new Date().toISOString()) : undefined;
  const watcher = readModel?.watcher ?? inboxWatcher(ours, settings.pollMs);
  const meter = new PhaseMeter(ours.config);
  const lives: Promise<LifeTrace>[] = [];
  const launches: number[] = [];
  try {
    meter.start();
    const start = now();
    for (let i = 0; i < total; i++) {
      const wait = start + i * intervalMs - now();
      if (wait > 0) await sleep(wait);
      launches.push(now());
      lives.push(
        (async () => {
          const filed = await fileCase(ours);
          const trace: LifeTrace = { ...filed, seenAt: await watcher.seen(filed.caseId) };
          if (settings.steadyLives) await finishLife(ours, trace);
          return trace;
        })(),
      );
    }
    const traces = await Promise.all(lives);
    meter.stop(total);
    const achievedRate = (launches.length - 1) / ((launches[launches.length - 1] - launches[0]) / 1000);
    return { probe, traces, achievedRate, meter, pollMs: [...watcher.probeDurations], inboxSize: watcher.lastCount };
  } finally {
    meter.close();
    await watcher.stop();
    readModel?.close();
  }
}

// ---------------------------------------------------------------------------------------------
// Where the time goes, from the log's recordedAt and the workflow histories' event times.

interface CaseTimes {
  trace: LifeTrace;
  history: HistoryTimes;
  /** recordedAt of each revision of the case's stream. */
  recorded: number[];
}

async function caseTimes(ours: Ours, traces: LifeTrace[]): Promise<CaseTimes[]> {
  return runBounded(traces.length, 10, async (index) => {
    const trace = traces[index];
    const [history, events] = await Promise.all([historyTimes(ours.client, trace.caseId), readCaseStream(ours.store, trace.caseId)]);
    return { trace, history, recorded: events.map((event) => Date.parse(event.recordedAt)) };
  });
}

/** The filing → inbox path of one case, cut at the moments the log and Temporal recorded. */
const STAGES: Array<{ name: string; of: (times: CaseTimes) => number }> = [
  { name: 'POST /cases → ComplaintFiled in the log (HTTP, auth, validation, duplicate check, append)', of: ({ trace, recorded }) => recorded[0] - trace.postStart },
  { name: 'ComplaintFiled in the log → its signal taken by Temporal (bridge: wake, read, signalWithStart)', of: ({ history, recorded }) => (history.signals.get(0) ?? NaN) - recorded[0] },
  { name: 'signal → first workflow task started (Temporal matching, worker poll)', of: ({ history }) => (history.workflowTasks[0]?.started ?? NaN) - (history.signals.get(0) ?? NaN) },
  { name: 'first workflow task started → completed (workflow code in the worker: decide to dispatch)', of: ({ history }) => (history.workflowTasks[0]?.completed ?? NaN) - (history.workflowTasks[0]?.started ?? NaN) },
  { name: 'workflow task completed → carryOutStep started (Temporal matching, activity poll)', of: ({ history }) => (history.activities[0]?.started ?? NaN) - (history.workflowTasks[0]?.completed ?? NaN) },
  { name: 'carryOutStep started → TaskDispatched in the log (read stream, decide, append)', of: ({ history, recorded }) => recorded[1] - (history.activities[0]?.started ?? NaN) },
  { name: 'TaskDispatched in the log → seen in the inbox (projection, probe interval, probe)', of: ({ trace, recorded }) => trace.seenAt - recorded[1] },
];

function stats(values: number[]): { p50: number; p95: number; p99: number; max: number; mean: number } {
  const list = sorted(values);
  const mean = list.reduce((sum, value) => sum + value, 0) / Math.max(list.length, 1);
  return { p50: percentile(list, 50), p95: percentile(list, 95), p99: percentile(list, 99), max: list[list.length - 1] ?? NaN, mean };
}

const ms = (value: number) => `${round(value)} ms`;

/** Per-event and per-task delays over every case of a run. */
function temporalDelays(histories: HistoryTimes[], recorded?: number[][]) {
  const bridge: number[] = [];
  const taskWait: number[] = [];
  const taskRun: number[] = [];
  const activityWait: number[] = [];
  const activityRun: number[] = [];
  let workflowTasks = 0;
  let activities = 0;
  let signals = 0;
  histories.forEach((history, index) => {
    signals += history.signals.size;
    workflowTasks += history.workflowTasks.length;
    activities += history.activities.length;
    if (recorded) for (const [revision, at] of history.signals) bridge.push(at - recorded[index][revision]);
    for (const task of history.workflowTasks) {
      if (task.started !== undefined) taskWait.push(task.started - task.scheduled);
      if (task.started !== undefined && task.completed !== undefined) taskRun.push(task.completed - task.started);
    }
    for (const activity of history.activities) {
      if (activity.started !== undefined) activityWait.push(activity.started - activity.scheduled);
      if (activity.started !== undefined && activity.completed !== undefined) activityRun.push(activity.completed - activity.started);
    }
  });
  const per = (count: number) => round(count / Math.max(histories.length, 1), 2);
  return {
    bridge: stats(bridge),
    taskWait: stats(taskWait),
    taskRun: stats(taskRun),
    activityWait: stats(activityWait),
    activityRun: stats(activityRun),
    signalsPerCase: per(signals),
    workflowTasksPerCase: per(workflowTasks),
    activitiesPerCase: per(activities),
  };
}

// ---------------------------------------------------------------------------------------------

export const wholeLife: Benchmark = {
  title: 'Whole life of a case and filing to inbox at a steady rate, embedded mode (SQLite synchronous=NORMAL, Temporal dev server)',
  async run() {
    const figures: Figure[] = [];
    const temporal = await startTestTemporal();
    const connection = await Connection.connect({ address: temporal.address });
    const client = new Client({ connection });
    const dataDir = temporaryDirectory('yixin-bench-');
    try {
      let bare: Bare | undefined = await startBare(client, temporal.address, dataDir);
      // One bench user files for a whole community: its writes would pass the per-user limit (600 a
      // minute) at 10 filings a second. The limiter still runs; only its limit is raised.
      const config = testConfig(join(dataDir, 'yixin'), temporal.address, { RATE_LIMIT_WRITES_PER_MINUTE: '1000000' });
      const app = await createEmbeddedApp(config, { logger: false });
      try {
        await app.listen(0, '127.0.0.1');
        const baseUrl = await app.getUrl();
        const api = new ApiClient(baseUrl);
        const staff = await api.login('staff.xiangyuan');
        const companyLogin = await api.request<{ accessToken: string; organisationId: string }>('POST', '/auth/login', undefined, {
          username: 'pc.beichen-aoyuan',
          password: 'yixin-demo',
        });
        const { accessToken: company, organisationId: companyId } = companyLogin.body;
        const ours: Ours = {
          app,
          config,
          store: app.get(EVENT_STORE),
          client,
          http: HttpJson.withConnections(baseUrl, settings.concurrency * 2),
          pollHttp: HttpJson.withConnections(baseUrl, 1),
          staff,
          company,
          companyId,
        };
        try {
          const { cases, concurrency, rounds } = settings;
          console.log(`${cases} whole lives each, ${concurrency} in flight, ours and bare taking turns in ${rounds} rounds…`);
          const measured = await throughputs(ours, bare);
          const serial = await serialSignals(client, bare);
          await bare.stop();
          bare = undefined;
          figures.push(...(await throughputFigures(ours, measured, serial)));
          figures.push(...(await latencyFigures(ours)));
        } finally {
          ours.http.close();
          ours.pollHttp.close();
        }
      } finally {
        await app.close();
        await bare?.stop();
      }
      return figures;
    } finally {
      await connection.close();
      await temporal.stop();
    }
  },
};

async function throughputFigures(ours: Ours, measured: Throughputs, serialSignalsPerSecond: number): Promise<Figure[]> {
  const { cases, concurrency } = settings;
  const eventsPerLife = SIGNALLED_REVISIONS.length;
  const times = await caseTimes(ours, measured.traces);
  const delays = temporalDelays(
    times.map((time) => time.history),
    times.map((time) => time.recorded),
  );
  const bareDelays = temporalDelays(await runBounded(measured.bareIds.length, 10, (index) => historyTimes(ours.client, measured.bareIds[index])));
  const lifeMs = stats(measured.traces.map((trace) => trace.closedAt! - trace.postStart));
  const toInbox = stats(measured.traces.map((trace) => trace.seenAt - trace.postStart));
  const commands = stats(measured.traces.map((trace) => trace.commandsEnd! - trace.seenAt));
  const toClose = stats(measured.traces.map((trace) => trace.closedAt! - trace.commandsEnd!));
  const oursRate = measured.ours.casesPerSecond;
  const bareRate = measured.bare.casesPerSecond;
  const [cpu, bareCpu] = [measured.ours.cpu, measured.bare.cpu];
  const backlogs = measured.ours.backlogs;

  const cpuWords = describeCpu(cpu, 'yixin process (API, worker, bridge, projections, bench client)');
  const bareCpuWords = describeCpu(bareCpu, 'bench process (bare worker + client)');
  const perCase =
    `CPU per case: yixin process ${ms(cpu.thisProcessMsPer)} + Temporal ${ms(cpu.temporalMsPer)}, ` +
    `bare: worker + client ${ms(bareCpu.thisProcessMsPer)} + Temporal ${ms(bareCpu.temporalMsPer)}; ` +
    `with all ${cpu.cores} cores to itself, CPU alone would allow ${round(cpuCeiling(cpu), 1)} lives/s, bare ${round(cpuCeiling(bareCpu), 1)} ` +
    `(${round2(cpuCeiling(cpu) / cpuCeiling(bareCpu))}×)`;
  const bridgeWords =
    `the bridge had a backlog ${Math.round(backlogs.bridgeBusyShare * 100)}% of the time (max ${backlogs.bridgeMax} events) and then delivered ` +
    `${round(backlogs.bridgeBusyRate)} events/s = ${round2(backlogs.bridgeBusyRate / eventsPerLife)} lives/s at ${eventsPerLife} events a life ` +
    `(a serial signalWithStart + checkpoint loop on this server, nothing else running: ${round(serialSignalsPerSecond)}/s = ${round2(serialSignalsPerSecond / eventsPerLife)} lives/s)`;
  const little = `mean life ${ms(lifeMs.mean)} × ${round2(oursRate)}/s = ${round((lifeMs.mean / 1000) * oursRate, 1)} in flight of ${concurrency}`;
  const bridgeBound = backlogs.bridgeBusyShare >= 0.5;
  const cpuBound = cpu.machineBusy >= 0.85 * cpu.cores;
  const limit = cpuBound
    ? `Limited by CPU: ${cpuWords}; ${perCase}; ${bridgeWords}.`
    : bridgeBound
      ? `Limited by the bridge: ${bridgeWords}. ${cpuWords}.`
      : `Limited by the ${concurrency} clients waiting on each step (${little}); ${bridgeWords}. ${cpuWords}.`;

  console.log(`bare: ${round2(bareRate)} cases/s over ${round(measured.bare.seconds)} s; ${bareCpuWords}`);
  console.log(
    `  per case ${bareDelays.signalsPerCase} signals, ${bareDelays.workflowTasksPerCase} workflow tasks, ${bareDelays.activitiesPerCase} activities; ` +
      `workflow task schedule-to-start p50 ${ms(bareDelays.taskWait.p50)}, p99 ${ms(bareDelays.taskWait.p99)}; event loop delay p99 ${ms(measured.bare.loopDelay.p99)}`,
  );
  console.log(`ours: ${round2(oursRate)} cases/s over ${round(measured.ours.seconds)} s (${round2(oursRate / bareRate)}× bare); ${cpuWords}`);
  console.log(`  ${perCase}`);
  console.log(
    `  life p50 ${ms(lifeMs.p50)} (${little}): file → inbox p50 ${ms(toInbox.p50)}, sign + resolve + call-back p50 ${ms(commands.p50)}, ` +
      `call-back → workflow closed p50 ${ms(toClose.p50)}`,
  );
  console.log(
    `  per case ${delays.signalsPerCase} signals, ${delays.workflowTasksPerCase} workflow tasks, ${delays.activitiesPerCase} activities; ` +
      `bridge lag per event p50 ${ms(delays.bridge.p50)}, p99 ${ms(delays.bridge.p99)}; case_list backlog max ${backlogs.caseListMax} events; ` +
      `workflow task schedule-to-start p50 ${ms(delays.taskWait.p50)}, p99 ${ms(delays.taskWait.p99)}; carryOutStep p50 ${ms(delays.activityRun.p50)}; ` +
      `event loop delay p99 ${ms(measured.ours.loopDelay.p99)}`,
  );
  console.log(`  limits: ${limit}`);
  return [
    {
      name: `whole life (file → dispatch → sign → resolve → call-back → close), ${cases} cases, ${concurrency} in flight over HTTP`,
      value: round2(oursRate),
      unit: 'cases/s',
      baseline: {
        name: `bare Temporal workflow: ${bareDelays.signalsPerCase} signalWithStart + ${bareDelays.activitiesPerCase} SQLite-insert activity per case, same server and concurrency, taking turns with ours (rounds, ours vs bare: ${measured.rounds.join('; ')})`,
        value: round2(bareRate),
      },
      target: '≥ 0.7× baseline',
      note: `${limit} ${perCase}. Life p50 ${ms(lifeMs.p50)}: to inbox ${ms(toInbox.p50)}, three commands ${ms(commands.p50)}, call-back → closed ${ms(toClose.p50)}.`,
    },
    {
      name: 'bridge lag per event during the whole-life run (recordedAt → WorkflowExecutionSignaled)',
      value: round(delays.bridge.p50),
      unit: 'ms p50',
      note: `p99 ${ms(delays.bridge.p99)}; backlog max ${backlogs.bridgeMax} events; delivered ${round(backlogs.bridgeBusyRate)} events/s while backlogged`,
    },
    {
      name: 'workflow task schedule-to-start during the whole-life run',
      value: round(delays.taskWait.p50),
      unit: 'ms p50',
      note: `p99 ${ms(delays.taskWait.p99)}; ${delays.workflowTasksPerCase} workflow tasks per case (bare: p50 ${ms(bareDelays.taskWait.p50)}, p99 ${ms(bareDelays.taskWait.p99)}, ${bareDelays.workflowTasksPerCase} per case)`,
    },
  ];
}

const PROBE_WORDS: Record<Probe, { seen: string; how: string }> = {
  http: { seen: 'in GET /tasks/inbox', how: `GET /tasks/inbox polled every ${settings.pollMs} ms over HTTP on its own connection` },
  'read-model': {
    seen: 'in the inbox read model',
    how: `the query of GET /tasks/inbox, limited to this phase's filings, run every ${settings.pollMs} ms on a read-only SQLite connection of its own`,
  },
};

async function latencyFigures(ours: Ours): Promise<Figure[]> {
  const { rate, seconds } = settings;
  const figures: Figure[] = [];
  for (const probe of settings.probes) {
    const words = PROBE_WORDS[probe];
    console.log(`ours: filing ${rate} cases/s for ${seconds} s${settings.steadyLives ? ', each lived to its end' : ''}; seen: ${words.how}…`);
    const steady = await steadyLatency(ours, probe);
    const steadyTimes = await caseTimes(ours, steady.traces);
    const latency = stats(steady.traces.map((trace) => trace.seenAt - trace.postStart));
    const stages = STAGES.map((stage) => ({ name: stage.name, ...stats(steadyTimes.map(stage.of)) }));
    const short = (name: string) => name.split(' (')[0];
    const slowest = [...stages].sort((a, b) => b.p50 - a.p50)[0];
    const slowestAtP99 = [...stages].sort((a, b) => b.p99 - a.p99)[0];
    const poll = stats(steady.pollMs);
    const backlogs = steady.meter.backlogs;
    const steadyNote =
      `${steady.traces.length} cases filed at ${round2(steady.achievedRate)}/s` +
      (settings.steadyLives ? ', each then signed for, resolved and called back' : `, left open (${steady.inboxSize} of them in the inbox at the end)`) +
      `; seen: ${words.how} (a probe took p50 ${ms(poll.p50)}, p99 ${ms(poll.p99)})`;
    const latencyLimit =
      `Largest stage at p50: ${short(slowest.name)} (${ms(slowest.p50)}); at p99: ${short(slowestAtP99.name)} (${ms(slowestAtP99.p99)}). ` +
      `${describeCpu(steady.meter.cpu, 'yixin process')}; event loop delay p99 ${ms(steady.meter.loopDelay.p99)}; ` +
      `bridge backlog max ${backlogs.bridgeMax} events, present ${Math.round(backlogs.bridgeBusyShare * 100)}% of the time.`;
    console.log(`  file → ${words.seen} p50 ${ms(latency.p50)}, p95 ${ms(latency.p95)}, p99 ${ms(latency.p99)}, max ${ms(latency.max)}; ${steadyNote}`);
    for (const stage of stages) console.log(`  ${stage.name}: p50 ${ms(stage.p50)}, p99 ${ms(stage.p99)}, max ${ms(stage.max)}`);
    console.log(`  limits: ${latencyLimit}`);
    const name = (p: string) => `file → ${words.seen} ${p} at ${rate} cases/s`;
    figures.push(
      { name: name('p50'), value: round(latency.p50), unit: 'ms', target: 'p50 < 300 ms', note: steadyNote },
      { name: name('p95'), value: round(latency.p95), unit: 'ms' },
      { name: name('p99'), value: round(latency.p99), unit: 'ms', target: 'p99 < 1 s', note: latencyLimit },
      { name: name('max'), value: round(latency.max), unit: 'ms' },
      ...stages.map((stage) => ({
        name: `stage (${probe} probe): ${stage.name}`,
        value: round(stage.p50),
        unit: 'ms p50',
        note: `p99 ${ms(stage.p99)}, max ${ms(stage.max)}`,
      })),
    );
  }
  return figures;
}

function round2(value: number): number {
  return round(value, 2);
}

/** Lives per second the cores could carry if nothing else ran, at the CPU a life cost in this run. */
function cpuCeiling(cpu: CpuUse): number {
  return (cpu.cores * 1000) / (cpu.thisProcessMsPer! + cpu.temporalMsPer!);
}

function withTimeout<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} did not end within ${timeoutMs} ms`)), timeoutMs);
    }),
  ]).finally(() => clearTimeout(timer));
}
