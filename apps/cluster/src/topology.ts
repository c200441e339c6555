import cluster from 'node:cluster';
import { fork } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { LoggerService } from '@nestjs/common';
import { Client } from 'pg';
import { persistentSecret, type EmbeddedLauncherConfig } from '@yixin/config';
import { pickFreePort, readToolPaths, startTemporalDevServer } from '@yixin/temporal-tooling';
import { startMailCatcher, type MailCatcher } from '../../embedded/src/mail-catcher';
import { clusterEnvironment } from './cluster-environment';
import { ClusterPart, endOf, stopChild, type Launch, type PartKind } from './cluster-part';
import { startEmbeddedPostgres } from './embedded-postgres';

export interface ClusterTopologyOptions {
  /** The operator's environment (process.env): what it sets wins over the topology's defaults, as for `npm start`. */
  env: NodeJS.ProcessEnv;
  /**
   * The launcher's configuration (`loadEmbeddedLauncherConfig`): the Temporal dev server's and the
   * mail catcher's ports, none when TEMPORAL_ADDRESS or SMTP_URL name servers of one's own. Its
   * data directory is the topology's (`.data/cluster` for `npm run start:cluster`): PostgreSQL
   * under `postgres/`, Temporal under `temporal/`, the secrets, the mail caught.
   */
  launcher: EmbeddedLauncherConfig;
  /** API processes behind the one HTTP port. */
  apis: number;
  workers: number;
  httpPort: number;
  /** 0 picks a free one, kept for the topology's life (the processes' DATABASE_URL names it). */
  postgresPort: number;
  logger: LoggerService;
  /** Where the API and worker processes write their log: this process's stdout and stderr, or a file descriptor. */
  output?: 'inherit' | number;
  /** Aborting it during the start stops what has started and rejects with its reason. */
  signal?: AbortSignal;
}

export interface ClusterTopology {
  /** In the order they start: postgres, temporal, the APIs, the workers. */
  parts: ClusterPart[];
  apiUrl: string;
  /** Without its password (in `<data dir>/postgres-password`). */
  databaseUrl: string;
  temporalAddress: string;
  temporalUiUrl?: string;
  mailCatcherUrl?: string;
  /** The environment the worker processes were given: what their configuration is loaded from. */
  workerEnv: NodeJS.ProcessEnv;
  /** Stops everything in order: the workers, the APIs, the mail catcher, Temporal, PostgreSQL. */
  stop(): Promise<void>;
}

const TEMPORAL_STOP_GRACE_MS = 3000;
/** A worker drains its running activities (see WorkerProcess); an API its open requests (live updates are cut by the kill). */
const WORKER_STOP_GRACE_MS = 4000;
const API_STOP_GRACE_MS = 5000;
const TEMPORAL_POLL_MS = 500;
const DATABASE = 'yixin';

/**
 * The scaled deployment of docker-compose.yml on one machine (`npm run start:cluster`): PostgreSQL
 * (embedded-postgres) for the event log, the records and the read models; a Temporal dev server;
 * the mail catcher; `apis` API processes behind one port and `workers` worker processes, each
 * configured as compose configures its containers (clusterEnvironment). Each part is started in
 * that order, once the one before is up, and started again when it ends unexpectedly (ClusterPart):
 * a fault-injection run kills any of them and watches the rest carry on.
 *
 * The APIs share their port through Node's cluster module, this process being the primary: it
 * accepts each connection and hands it to the next API process (round robin), which serves it
 * directly. A killed API loses only its own connections; the primary goes on handing new ones to
 * the others, and forks a new one. It needs no proxy code, no second hop for the bytes, and no
 * configuration: the API's own `listen(PORT)` joins the shared port. The mail catcher is not started
 * again if it dies (it is a convenience of this machine, as in `npm start`).
 *
 * Every child ends with this process, even SIGKILLed: the API and worker processes when their IPC
 * channel closes (cluster's workers do by themselves; launched-worker.ts for the workers),
 * PostgreSQL's supervisor likewise, and the kernel kills the Temporal dev server and the postmaster
 * (setpriv --pdeathsig).
 */
export async function startClusterTopology(options: ClusterTopologyOptions): Promise<ClusterTopology> {
  const { env, launcher, logger } = options;
  const dataDir = launcher.dataDir;
  mkdirSync(join(dataDir, 'temporal'), { recursive: true });
  const parts: ClusterPart[] = [];
  let mailCatcher: MailCatcher | undefined;
  const startup = new AbortController();
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      startup.abort(new Error('the cluster is stopping'));
      for (const kind of ['worker', 'api'] as const) await Promise.all(parts.filter((part) => part.kind === kind).map((part) => part.stop()));
      await mailCatcher?.stop();
      for (const kind of ['temporal', 'postgres'] as const) await Promise.all(parts.filter((part) => part.kind === kind).map((part) => part.stop()));
    })());
  const onAbort = () => void stop();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  const added = (name: string, kind: PartKind, launch: Launch) => {
    startup.signal.throwIfAborted();
    const part = new ClusterPart(name, kind, launch, logger);
    parts.push(part);
    return part;
  };

  try {
    options.signal?.throwIfAborted();
    const postgresPort = options.postgresPort || (await pickFreePort());
    const password = persistentSecret(join(dataDir, 'postgres-password'));
    let serverUrl = '';
    await added('postgres', 'postgres', async () => {
      const server = await startEmbeddedPostgres({ databaseDir: join(dataDir, 'postgres'), port: postgresPort, password, logFile: join(dataDir, 'postgres.log') });
      serverUrl = server.serverUrl;
      return { pid: server.pid, ended: server.ended, stop: server.stop };
    }).start();
    const databaseUrl = await createdDatabase(serverUrl, DATABASE);

    const temporalStarting = launcher.temporalDevServer
      ? (async () => {
          const { port, uiPort } = launcher.temporalDevServer!;
          let uiUrl: string | undefined;
          let address = '';
          await added('temporal', 'temporal', async (signal) => {
            const server = await startTemporalDevServer({
              cliPath: readToolPaths().temporalCli,
              dbFilename: join(dataDir, 'temporal', 'temporal.sqlite'),
              port,
              uiPort,
              logFile: join(dataDir, 'temporal', 'temporal.log'),
              stopGraceMs: TEMPORAL_STOP_GRACE_MS,
              signal,
            });
            ({ uiUrl, address } = server);
            return { pid: server.pid, ended: endOfPid(server.pid), stop: async () => void (await server.stop()) };
          }).start();
          return { address, uiUrl };
        })()
      : Promise.resolve({ address: env.TEMPORAL_ADDRESS ?? '', uiUrl: undefined });
    const catching = launcher.mailCatcher
      ? startMailCatcher({ ...launcher.mailCatcher, mailDirectory: join(dataDir, 'mail'), signal: startup.signal }).then((catcher) => void (mailCatcher = catcher))
      : undefined;
    // Both settle before a failure of either is thrown, so that the stop finds whichever did start.
    const [temporal, caught] = await Promise.allSettled([temporalStarting, catching]);
    if (temporal.status === 'rejected') throw temporal.reason;
    if (caught.status === 'rejected') throw caught.reason;

    const processEnv = clusterEnvironment(env, launcher, { databaseUrl, temporalAddress: temporal.value.address, httpPort: options.httpPort });
    const stdio = ['ignore', options.output ?? 'inherit', options.output ?? 'inherit', 'ipc'] as ('ignore' | 'inherit' | 'ipc' | number)[];
    cluster.schedulingPolicy = cluster.SCHED_NONE;
    cluster.setupPrimary({ exec: entryPoint('@yixin/api'), args: [], execArgv: process.execArgv, stdio });
    // One after the other: the first creates the schema and seeds the demo directory before the others look.
    for (let index = 1; index <= options.apis; index += 1) {
      const name = `api-${index}`;
      await added(name, 'api', (signal) => launchApi(name, processEnv, logger, signal)).start();
    }
    const workerEnv = { ...processEnv, YIXIN_SEED_DEMO_DATA: 'false' };
    const workers = Array.from({ length: options.workers }, (_, index) => {
      const name = `worker-${index + 1}`;
      return added(name, 'worker', () => launchWorker(name, workerEnv, stdio, logger));
    });
    await Promise.all(workers.map((worker) => worker.start()));
    options.signal?.throwIfAborted();
    return {
      parts,
      apiUrl: `http://127.0.0.1:${options.httpPort}`,
      databaseUrl: withoutPassword(databaseUrl),
      temporalAddress: temporal.value.address,
      temporalUiUrl: temporal.value.uiUrl,
      mailCatcherUrl: mailCatcher?.webUrl,
      workerEnv,
      stop,
    };
  } catch (error) {
    await stop();
    throw options.signal?.aborted ? options.signal.reason : error;
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
  }
}

/** An API process, a worker of this process's cluster: up once it listens on the shared port. */
async function launchApi(name: string, env: NodeJS.ProcessEnv, logger: LoggerService, signal: AbortSignal): Promise<{ pid: number; ended: Promise<void>; stop(): Promise<void> }> {
  const worker = cluster.fork(env);
  const child = worker.process;
  const ended = endOf(child);
  const stop = () => stopChild(child, ended, API_STOP_GRACE_MS, logger, name);
  await new Promise<void>((resolve, reject) => {
    const onAbort = () => void stop().then(() => reject(signal.reason));
    signal.addEventListener('abort', onAbort, { once: true });
    worker.once('listening', () => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    });
    child.once('exit', (code, killedBy) => reject(new Error(`${name} exited with ${killedBy ?? `code ${code}`} before it listened`)));
  });
  return { pid: child.pid!, ended, stop };
}

/** A worker process (apps/worker), through launched-worker.ts: up once it runs. */
async function launchWorker(name: string, env: NodeJS.ProcessEnv, stdio: ('ignore' | 'inherit' | 'ipc' | number)[], logger: LoggerService) {
  const child = fork(join(__dirname, 'launched-worker'), [], { env, stdio });
  const ended = endOf(child);
  await new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', reject);
  });
  return { pid: child.pid!, ended, stop: () => stopChild(child, ended, WORKER_STOP_GRACE_MS, logger, name) };
}

/** An app's entry point (main.ts, or main.js compiled), beside its index (`alias`): resolved, not imported. */
function entryPoint(alias: string): string {
  return require.resolve(join(dirname(require.resolve(alias)), 'main'));
}

/**
 * Settles when process `pid`, a child of this one, has ended: the dev server's starter tells of its
 * end to no one but its own stop, so its process is looked at twice a second.
 */
function endOfPid(pid: number): Promise<void> {
  return new Promise((resolve) => {
    const poll = setInterval(() => {
      try {
        process.kill(pid, 0);
      } catch {
        clearInterval(poll);
        resolve();
      }
    }, TEMPORAL_POLL_MS);
  });
}

/** The URL of database `name` on the server, created on the first start. */
async function createdDatabase(serverUrl: string, name: string): Promise<string> {
  const client = new Client({ connectionString: serverUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!rowCount) await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`);
  } finally {
    await client.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

function withoutPassword(databaseUrl: string): string {
  const url = new URL(databaseUrl);
  url.password = '';
  return url.toString();
}
