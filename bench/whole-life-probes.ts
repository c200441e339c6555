import { execSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { Agent, request as httpRequest } from 'node:http';
import { cpus } from 'node:os';
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import type { Client } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import Database from 'better-sqlite3';
import type { YixinConfig } from '@yixin/config';

/** Wall-clock milliseconds with a fraction, comparable with recordedAt and Temporal's event times. */
export function now(): number {
  return performance.timeOrigin + performance.now();
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Runs `count` jobs, at most `concurrency` at a time, each job starting as soon as one ends. */
export async function runBounded<T>(count: number, concurrency: number, job: (index: number) => Promise<T>): Promise<T[]> {
  const results: T[] = new Array(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      while (next < count) {
        const index = next++;
        results[index] = await job(index);
      }
    }),
  );
  return results;
}

/**
 * JSON over node:http with a keep-alive agent of its own, so that a poller can have its own
 * connection (fetch shares one pool for the whole process).
 */
export class HttpJson {
  private readonly url: URL;

  constructor(baseUrl: string, private readonly agent: Agent) {
    this.url = new URL(baseUrl);
  }

  static withConnections(baseUrl: string, maxSockets: number): HttpJson {
    return new HttpJson(baseUrl, new Agent({ keepAlive: true, maxSockets }));
  }

  async request<T = any>(method: string, path: string, token?: string, body?: unknown): Promise<{ status: number; body: T }> {
    try {
      return await this.send<T>(method, path, token, body);
    } catch (error) {
      // A kept-alive socket the server closed while idle (between rounds, say) fails before the
      // request is read; Node's documentation advises sending it again on a fresh one.
      if ((error as { staleSocket?: boolean }).staleSocket) return this.send<T>(method, path, token, body);
      throw error;
    }
  }

  private send<T>(method: string, path: string, token?: string, body?: unknown): Promise<{ status: number; body: T }> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const request = httpRequest(
        {
          host: this.url.hostname,
          port: this.url.port,
          method,
          path,
          agent: this.agent,
          headers: {
            ...(token ? { authorization: `Bearer ${token}` } : {}),
            ...(payload === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }),
          },
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('error', reject);
          response.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            try {
              resolve({ status: response.statusCode ?? 0, body: text ? JSON.parse(text) : undefined });
            } catch (error) {
              reject(error);
            }
          });
        },
      );
      request.on('error', (error: NodeJS.ErrnoException) =>
        reject(request.reusedSocket && error.code === 'ECONNRESET' ? Object.assign(error, { staleSocket: true }) : error),
      );
      request.end(payload);
    });
  }

  /** Like request, but fails unless the status is `expected`. */
  async expect<T = any>(expected: number, method: string, path: string, token?: string, body?: unknown): Promise<T> {
    const result = await this.request<T>(method, path, token, body);
    if (result.status !== expected) throw new Error(`${method} ${path}: ${result.status} ${JSON.stringify(result.body)}`);
    return result.body;
  }

  close(): void {
    this.agent.destroy();
  }
}

/**
 * One poller for many waiters: `probe` returns the ids visible now (the company's inbox, the
 * bare dispatch table); the first time an id shows up is remembered, so a waiter that comes later
 * than its id still gets the moment it was first seen.
 */
export class ArrivalWatcher {
  private readonly firstSeen = new Map<string, number>();
  private readonly waiters = new Map<string, (at: number) => void>();
  private stopped = false;
  private failure: unknown;
  private readonly loop: Promise<void>;
  /** How long each probe took, ms. */
  readonly probeDurations: number[] = [];
  /** How many ids the last probe returned. */
  lastCount = 0;

  constructor(private readonly probe: () => Promise<string[]>, private readonly intervalMs: number) {
    this.loop = this.run();
  }

  /** While paused it does not probe (and costs nothing); waiters wait. */
  paused = false;

  private async run(): Promise<void> {
    while (!this.stopped) {
      if (this.paused) {
        await sleep(this.intervalMs);
        continue;
      }
      const started = now();
      let ids: string[];
      try {
        ids = await this.probe();
      } catch (error) {
        this.failure = error;
        return;
      }
      const at = now();
      this.probeDurations.push(at - started);
      this.lastCount = ids.length;
      for (const id of ids) {
        if (this.firstSeen.has(id)) continue;
        this.firstSeen.set(id, at);
        this.waiters.get(id)?.(at);
        this.waiters.delete(id);
      }
      await sleep(this.intervalMs);
    }
  }

  /** When `id` was first seen; fails after `timeoutMs`. */
  seen(id: string, timeoutMs = 60_000): Promise<number> {
    if (this.failure) return Promise.reject(this.failure);
    const at = this.firstSeen.get(id);
    if (at !== undefined) return Promise.resolve(at);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(id);
        reject(new Error(`${id} not seen within ${timeoutMs} ms${this.failure ? `; the probe failed: ${String(this.failure)}` : ''}`));
      }, timeoutMs);
      this.waiters.set(id, (seenAt) => {
        clearTimeout(timer);
        resolve(seenAt);
      });
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop;
  }
}

// ---------------------------------------------------------------------------------------------
// CPU: this process, the Temporal dev server (a child of this process), the whole machine.

const clockTicksPerSecond = Number(execSync('getconf CLK_TCK', { encoding: 'utf8' }).trim()) || 100;

/** utime + stime of a process, in ms; 0 if it is gone. */
function processCpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // After "pid (comm) ": state is field 0, utime field 11, stime field 12.
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / clockTicksPerSecond;
  } catch {
    return 0;
  }
}

/** Every process descended from this one (the Temporal dev server and whatever it runs). */
function descendantPids(): number[] {
  const parents = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // gone meanwhile
    }
  }
  const found: number[] = [];
  const frontier = [process.pid];
  while (frontier.length > 0) {
    const parent = frontier.pop()!;
    for (const [pid, ppid] of parents) {
      if (ppid === parent) {
        found.push(pid);
        frontier.push(pid);
      }
    }
  }
  return found;
}

/** Busy and total jiffies of the whole machine, from /proc/stat, in ms. */
function machineCpuMs(): { busy: number; total: number } {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const total = fields.reduce((sum, value) => sum + value, 0);
  const idle = fields[3] + (fields[4] ?? 0);
  return { busy: ((total - idle) * 1000) / clockTicksPerSecond, total: (total * 1000) / clockTicksPerSecond };
}

export interface CpuUse {
  seconds: number;
  /** Cores used on average (1 = one core busy all the time). */
  thisProcess: number;
  temporal: number;
  /** Everything else on the machine: the other users of the shared cores. */
  others: number;
  machineBusy: number;
  cores: number;
  /** CPU milliseconds spent per case. */
  thisProcessMsPer: number;
  temporalMsPer: number;
}

export function describeCpu(cpu: CpuUse, processName: string): string {
  const cores = (value: number) => value.toFixed(2);
  return (
    `${cores(cpu.machineBusy)} of ${cpu.cores} cores busy: ${processName} ${cores(cpu.thisProcess)}, ` +
    `Temporal dev server ${cores(cpu.temporal)}, other users of the machine ${cores(cpu.others)}`
  );
}

export interface Backlogs {
  bridgeMax: number;
  bridgeMean: number;
  caseListMax: number;
  caseListMean: number;
  /** Events per second the bridge delivered over the intervals it had a backlog throughout: its capacity. */
  bridgeBusyRate: number;
  /** Share of the intervals in which the bridge had a backlog throughout. */
  bridgeBusyShare: number;
}

interface BacklogSample {
  at: number;
  head: number;
  bridge: number;
  caseList: number;
}

/**
 * What one side (bare or ours) spends over the phases it is measured in, added up across phases
 * (the sides take turns, so that a change in the machine's other load falls on both): wall time,
 * CPU of this process, of the Temporal dev server (a child of this process) and of the machine,
 * the delay of this process's event loop, and, given yixin's SQLite files, how far the bridge and
 * the case_list projection trail the head of the log (sampled through a read-only connection).
 */
export class PhaseMeter {
  private cases = 0;
  private wallMs = 0;
  private selfMs = 0;
  private temporalMs = 0;
  private busyMs = 0;
  private readonly histogram: IntervalHistogram = monitorEventLoopDelay({ resolution: 10 });
  private readonly temporalPids = descendantPids();
  private running?: { at: number; self: NodeJS.CpuUsage; temporalMs: number; busyMs: number; timer?: NodeJS.Timeout };
  private db?: Database.Database;
  private select?: Database.Statement;
  private previous?: BacklogSample;
  private readonly backlog = { bridgeMax: 0, caseListMax: 0, bridgeSum: 0, caseListSum: 0, samples: 0, delivered: 0, busyMs: 0, busyIntervals: 0, intervals: 0 };

  constructor(private readonly files?: Pick<YixinConfig, 'sqliteFile' | 'sqliteReadModelsFile'>, private readonly sampleEveryMs = 50) {}

  start(): void {
    if (this.files && !this.db) {
      this.db = new Database(this.files.sqliteFile, { readonly: true });
      this.db.prepare('ATTACH DATABASE ? AS read_models').run(this.files.sqliteReadModelsFile);
      this.select = this.db.prepare(`
        SELECT (SELECT COALESCE(MAX(global_position), 0) FROM events) AS head,
               (SELECT COALESCE(MAX(position), 0) FROM checkpoints WHERE name = 'bridge:temporal') AS bridge,
               (SELECT COALESCE(MAX(position), 0) FROM read_models.projection_checkpoints WHERE name = 'case_list') AS caseList`);
    }
    this.histogram.enable();
    this.running = { at: now(), self: process.cpuUsage(), temporalMs: this.temporalCpuMs(), busyMs: machineCpuMs().busy };
    if (this.select) {
      this.previous = undefined;
      this.sampleBacklog();
      this.running.timer = setInterval(() => this.sampleBacklog(), this.sampleEveryMs);
    }
  }

  stop(cases: number): void {
    const running = this.running;
    if (!running) throw new Error('not started');
    if (running.timer) {
      clearInterval(running.timer);
      this.sampleBacklog();
    }
    this.histogram.disable();
    const self = process.cpuUsage(running.self);
    this.cases += cases;
    this.wallMs += now() - running.at;
    this.selfMs += (self.user + self.system) / 1000;
    this.temporalMs += this.temporalCpuMs() - running.temporalMs;
    this.busyMs += machineCpuMs().busy - running.busyMs;
    this.running = undefined;
  }

  close(): void {
    if (this.running?.timer) clearInterval(this.running.timer);
    this.running = undefined;
    this.histogram.disable();
    this.db?.close();
    this.db = undefined;
  }

  get seconds(): number {
    return this.wallMs / 1000;
  }

  get casesPerSecond(): number {
    return this.cases / this.seconds;
  }

  get cpu(): CpuUse {
    const wall = this.wallMs;
    return {
      seconds: wall / 1000,
      thisProcess: this.selfMs / wall,
      temporal: this.temporalMs / wall,
      others: Math.max(this.busyMs - this.selfMs - this.temporalMs, 0) / wall,
      machineBusy: this.busyMs / wall,
      cores: cpus().length,
      thisProcessMsPer: this.selfMs / this.cases,
      temporalMsPer: this.temporalMs / this.cases,
    };
  }

  get loopDelay(): { p50: number; p99: number; max: number } {
    return { p50: this.histogram.percentile(50) / 1e6, p99: this.histogram.percentile(99) / 1e6, max: this.histogram.max / 1e6 };
  }

  get backlogs(): Backlogs {
    const b = this.backlog;
    return {
      bridgeMax: b.bridgeMax,
      bridgeMean: b.bridgeSum / Math.max(b.samples, 1),
      caseListMax: b.caseListMax,
      caseListMean: b.caseListSum / Math.max(b.samples, 1),
      bridgeBusyRate: b.busyMs > 0 ? (b.delivered * 1000) / b.busyMs : NaN,
      bridgeBusyShare: b.busyIntervals / Math.max(b.intervals, 1),
    };
  }

  private temporalCpuMs(): number {
    return this.temporalPids.reduce((sum, pid) => sum + processCpuMs(pid), 0);
  }

  private sampleBacklog(): void {
    const sample: BacklogSample = { at: now(), ...(this.select!.get() as Omit<BacklogSample, 'at'>) };
    const b = this.backlog;
    const bridge = sample.head - sample.bridge;
    const caseList = sample.head - sample.caseList;
    b.bridgeMax = Math.max(b.bridgeMax, bridge);
    b.caseListMax = Math.max(b.caseListMax, caseList);
    b.bridgeSum += bridge;
    b.caseListSum += caseList;
    b.samples++;
    const previous = this.previous;
    if (previous) {
      b.intervals++;
      if (previous.head - previous.bridge > 0 && bridge > 0) {
        b.delivered += sample.bridge - previous.bridge;
        b.busyMs += sample.at - previous.at;
        b.busyIntervals++;
      }
    }
    this.previous = sample;
  }
}

// ---------------------------------------------------------------------------------------------
// Where this process's main thread spends its time (optional: a CPU profile costs time itself).

/**
 * Starts the V8 sampling profiler on this thread. stop() returns two breakdowns of the samples:
 * `ownCode`, by the nearest frame of this repository on the stack (what of ours caused the work,
 * libraries included), and `selfTime`, by the package or folder of the function on top.
 */
export async function profileMainThread(): Promise<{
  stop(): Promise<{ profile: object; ownCode: Array<[string, number]>; selfTime: Array<[string, number]> }>;
}> {
  const { Session } = await import('node:inspector');
  const session = new Session();
  session.connect();
  const post = (method: string, params?: object) =>
    new Promise<any>((resolve, reject) => session.post(method, params, (error, result) => (error ? reject(error) : resolve(result))));
  await post('Profiler.enable');
  await post('Profiler.setSamplingInterval', { interval: 500 });
  await post('Profiler.start');
  return {
    async stop() {
      const { profile } = await post('Profiler.stop');
      session.disconnect();
      type ProfileNode = { id: number; hitCount?: number; children?: number[]; callFrame: { url: string; functionName: string } };
      const nodes = new Map<number, ProfileNode>((profile.nodes as ProfileNode[]).map((node) => [node.id, node]));
      const parents = new Map<number, number>();
      for (const node of nodes.values()) for (const child of node.children ?? []) parents.set(child, node.id);
      const ownCode = new Map<string, number>();
      const selfTime = new Map<string, number>();
      let total = 0;
      for (const node of nodes.values()) {
        const hits = node.hitCount ?? 0;
        if (hits === 0) continue;
        total += hits;
        const self = categoryOf(node.callFrame.url, node.callFrame.functionName);
        selfTime.set(self, (selfTime.get(self) ?? 0) + hits);
        let owner: string | undefined;
        for (let id: number | undefined = node.id; id !== undefined && !owner; id = parents.get(id)) owner = repoFile(nodes.get(id)!.callFrame.url);
        const key = owner ?? (self.startsWith('(') ? self : `no frame of ours; on top: ${self}`);
        ownCode.set(key, (ownCode.get(key) ?? 0) + hits);
      }
      const shares = (map: Map<string, number>) =>
        [...map].map(([name, hits]): [string, number] => [name, hits / Math.max(total, 1)]).sort((a, b) => b[1] - a[1]);
      return { profile, ownCode: shares(ownCode), selfTime: shares(selfTime) };
    },
  };
}

function repoFile(url: string): string | undefined {
  if (!url || url.includes('node_modules/')) return undefined;
  const match = url.replace(/^file:\/\//, '').match(/\/((?:apps|libs|workflows|bench|test)\/.+)$/);
  return match?.[1];
}

function categoryOf(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : `(native ${functionName || 'anonymous'})`;
  const modules = url.lastIndexOf('node_modules/');
  if (modules >= 0) {
    const parts = url.slice(modules + 'node_modules/'.length).split('/');
    return parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0];
  }
  if (url.startsWith('node:')) return `node:${url.slice(5).split('/')[0]}`;
  const repo = url.replace(/^file:\/\//, '').match(/\/(apps|libs|workflows|bench|test)\/([^/]+)(?:\/src\/([^/]+))?/);
  if (repo) return [repo[1], repo[2], repo[3]].filter(Boolean).join('/');
  return url;
}

// ---------------------------------------------------------------------------------------------
// A workflow's history, as times.

export interface HistoryTimes {
  started: number;
  /** WorkflowExecutionSignaled: when Temporal took each signal, by the revision it carried. */
  signals: Map<number, number>;
  workflowTasks: Array<{ scheduled: number; started?: number; completed?: number }>;
  activities: Array<{ type: string; scheduled: number; started?: number; completed?: number }>;
  closed?: number;
}

function eventTimeMs(time: { seconds?: unknown; nanos?: number | null } | null | undefined): number {
  if (!time) return NaN;
  return Number(time.seconds ?? 0) * 1000 + (time.nanos ?? 0) / 1e6;
}

export async function historyTimes(client: Client, workflowId: string): Promise<HistoryTimes> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  const times: HistoryTimes = { started: NaN, signals: new Map(), workflowTasks: [], activities: [] };
  const workflowTasks = new Map<number, HistoryTimes['workflowTasks'][number]>();
  const activities = new Map<number, HistoryTimes['activities'][number]>();
  for (const event of history.events ?? []) {
    const at = eventTimeMs(event.eventTime);
    const id = Number(event.eventId);
    if (event.workflowExecutionStartedEventAttributes) times.started = at;
    if (event.workflowExecutionSignaledEventAttributes) {
      const [payload] = event.workflowExecutionSignaledEventAttributes.input?.payloads ?? [];
      const message = payload ? defaultPayloadConverter.fromPayload<{ revision?: number }>(payload) : undefined;
      if (typeof message?.revision === 'number' && !times.signals.has(message.revision)) times.signals.set(message.revision, at);
    }
    if (event.workflowTaskScheduledEventAttributes) {
      const task = { scheduled: at };
      workflowTasks.set(id, task);
      times.workflowTasks.push(task);
    }
    const wtStarted = event.workflowTaskStartedEventAttributes;
    if (wtStarted) workflowTasks.get(Number(wtStarted.scheduledEventId))!.started = at;
    const wtCompleted = event.workflowTaskCompletedEventAttributes;
    if (wtCompleted) {
      const task = workflowTasks.get(Number(wtCompleted.scheduledEventId));
      if (task) task.completed = at;
    }
    const scheduled = event.activityTaskScheduledEventAttributes;
    if (scheduled) {
      const activity = { type: scheduled.activityType?.name ?? '?', scheduled: at };
      activities.set(id, activity);
      times.activities.push(activity);
    }
    const atStarted = event.activityTaskStartedEventAttributes;
    if (atStarted) activities.get(Number(atStarted.scheduledEventId))!.started = at;
    const atCompleted = event.activityTaskCompletedEventAttributes;
    if (atCompleted) activities.get(Number(atCompleted.scheduledEventId))!.completed = at;
    if (event.workflowExecutionCompletedEventAttributes) times.closed = at;
  }
  return times;
}

/** Sorted, without NaN. */
export function sorted(values: number[]): number[] {
  return values.filter((value) => Number.isFinite(value)).sort((a, b) => a - b);
}
