import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { closeSync, openSync, writeSync } from 'node:fs';
import { once } from 'node:events';
import { createConnection, createServer, Server, Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { Connection } from '@temporalio/client';
// The SDK's own encoding of a type for the gRPC API, not re-exported by the package's index.
import { encodeSearchAttributeIndexedValueType } from '@temporalio/common/lib/search-attributes';
import { CASE_SEARCH_ATTRIBUTES } from '../../../workflows/src/case-search-attributes';

export interface TemporalDevServerOptions {
  /** The `temporal` CLI binary, usually `readToolPaths().temporalCli`. */
  cliPath: string;
  /** SQLite file that keeps workflows across restarts; omitted, everything lives in memory. */
  dbFilename?: string;
  /** Frontend gRPC port; 0 picks a free one. Default 7233. */
  port?: number;
  /** Web UI port; 0 picks a free one. Default 8233. Ignored when headless. */
  uiPort?: number;
  /** No Web UI. */
  headless?: boolean;
  /** Namespace created at launch. Default 'default'. */
  namespace?: string;
  /** File to which the server's output is appended. */
  logFile?: string;
  /** How long `stop()` waits after SIGTERM before it sends SIGKILL. Default 10 s. */
  stopGraceMs?: number;
  /** Aborting it while the server starts stops the server and rejects with the abort's reason. */
  signal?: AbortSignal;
}

/** How `stop()` ended the server: it stopped on SIGTERM, or it had to be killed after the grace. */
export type DevServerStop = 'stopped' | 'killed';

export interface TemporalDevServer {
  /** host:port of the frontend, for `Connection.connect({ address })`. */
  address: string;
  /** The server's process. */
  pid: number;
  uiUrl?: string;
  /** SIGTERM, then SIGKILL if the server has not exited within the grace. Safe to call twice. */
  stop(): Promise<DevServerStop>;
}

const host = '127.0.0.1';
const startTimeoutMs = 60_000;
const defaultStopGraceMs = 10_000;
const pollIntervalMs = 100;
const connectAttemptMs = 2_000;
// A Go panic's cause is its first line and its stack the rest: error messages keep both ends.
const firstOutputLines = 20;
const lastOutputLines = 30;

/** Starts `temporal server start-dev` and resolves once its frontend answers for the namespace. */
export async function startTemporalDevServer(options: TemporalDevServerOptions): Promise<TemporalDevServer> {
  const namespace = options.namespace ?? 'default';
  const port = options.port ?? 7233;
  const uiPort = options.headless ? undefined : (options.uiPort ?? 8233);
  const [grpcPort, webPort] = await resolvePorts(port, uiPort);
  const address = `${host}:${grpcPort}`;

  const args = ['server', 'start-dev', '--ip', host, '--port', String(grpcPort), '--namespace', namespace, '--log-level', 'warn'];
  if (options.dbFilename) args.push('--db-filename', options.dbFilename);
  if (webPort === undefined) {
    args.push('--headless');
  } else {
    // The UI's news feed comes from the internet, which these machines cannot reach.
    args.push('--ui-port', String(webPort), '--ui-disable-news-fetch');
  }

  options.signal?.throwIfAborted();
  // Opened before the spawn so that an unwritable log path fails the start with no server left behind.
  const logFd = options.logFile ? openSync(options.logFile, 'a') : undefined;
  const [command, commandArgs] = killedWithThisProcess(options.cliPath, args);
  // In a process group of its own, so that Ctrl-C in a terminal, which signals the whole foreground
  // group, reaches the parent only: the parent stops the server when nothing needs it any more
  // (the embedded launcher: after its worker).
  const child = spawn(command, commandArgs, { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const output = captureOutput(child, logFd);
  // Where the kernel cannot kill the server with its parent (see killedWithThisProcess), a parent
  // that exits without calling stop() still stops it, unless it is SIGKILLed.
  const killOnParentExit = () => child.kill('SIGTERM');
  process.once('exit', killOnParentExit);
  const serverEnded = new AbortController();
  const ended = new Promise<void>((resolve) => {
    const onEnd = (reason: string) => {
      process.removeListener('exit', killOnParentExit);
      serverEnded.abort(new Error(`temporal server ${reason}`));
      resolve();
    };
    child.once('error', (error) => onEnd(`could not be started: ${error.message}`));
    child.once('close', (code, signal) => onEnd(`exited with ${signal ?? `code ${code}`}`));
  });

  let stopping: Promise<DevServerStop> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      let outcome: DevServerStop = 'stopped';
      if (!serverEnded.signal.aborted) {
        child.kill('SIGTERM');
        const forceKill = setTimeout(() => {
          outcome = 'killed';
          child.kill('SIGKILL');
        }, options.stopGraceMs ?? defaultStopGraceMs);
        await ended;
        clearTimeout(forceKill);
      }
      output.close();
      return outcome;
    })();
    return stopping;
  };

  try {
    await waitUntilServing(address, namespace, options.signal ? AbortSignal.any([serverEnded.signal, options.signal]) : serverEnded.signal);
    // Through the operator service, not `--search-attribute`: the CLI applies that flag only when it
    // creates the database, and `npm start` restarts on a file made before the attributes existed.
    const connection = await Connection.connect({ address, connectTimeout: connectAttemptMs });
    try {
      await addCaseSearchAttributes(connection, namespace);
    } finally {
      await connection.close();
    }
  } catch (error) {
    await stop();
    if (options.signal?.aborted) throw options.signal.reason;
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(
      `Temporal dev server on ${address} did not start: ${message}\n` +
        `Command: ${options.cliPath} ${args.join(' ')}\nOutput:\n${output.excerpt()}`,
    );
  }
  return { address, pid: child.pid!, uiUrl: webPort === undefined ? undefined : `http://${host}:${webPort}`, stop };
}

/**
 * Creates the search attributes the case workflows upsert (workflows/src/case-search-attributes.ts)
 * in `namespace`; a workflow upserting one the namespace lacks fails its task. Creating one that
 * exists with the same type changes nothing.
 */
export async function addCaseSearchAttributes(connection: Connection, namespace: string): Promise<void> {
  await connection.operatorService.addSearchAttributes({
    namespace,
    searchAttributes: Object.fromEntries(Object.values(CASE_SEARCH_ATTRIBUTES).map(({ name, type }) => [name, encodeSearchAttributeIndexedValueType(type)!])),
  });
}

/**
 * The command line that runs `command args` so that the kernel kills it (SIGKILL) when this process
 * ends, however it ends: even a SIGKILLed parent, which runs no exit handler, then leaves no server
 * holding the ports and the database file. On Linux, util-linux's `setpriv --pdeathsig` sets the
 * parent-death signal (prctl PR_SET_PDEATHSIG, which node cannot reach) and executes the command;
 * the signal survives that exec. A parent that died before setpriv set it would go unnoticed, so a
 * shell between them checks that this process is still the parent. Nothing else has to watch: no
 * watchdog process, no polling. The kernel sends the signal when the thread that spawned the server
 * ends: spawn from the main thread (a worker thread's end would kill the server). Elsewhere, or
 * without setpriv, the command runs as it is.
 */
function killedWithThisProcess(command: string, args: string[]): [string, string[]] {
  if (!setprivAvailable()) return [command, args];
  const execIfParentIsStill = 'test "$PPID" = "$1" || exit 1; shift; exec "$@"';
  return ['setpriv', ['--pdeathsig', 'KILL', '--', 'sh', '-c', execIfParentIsStill, 'sh', String(process.pid), command, ...args]];
}

let setprivFound: boolean | undefined;
function setprivAvailable(): boolean {
  setprivFound ??= process.platform === 'linux' && spawnSync('setpriv', ['--version'], { stdio: 'ignore' }).status === 0;
  return setprivFound;
}

/**
 * A port that was free a moment ago, as the kernel assigns it to a socket bound to port 0, and that
 * the kernel gives to no other program asking for any port within the next minute (see
 * keepFromOthersAskingAnyPort).
 */
export async function pickFreePort(): Promise<number> {
  const [port] = await resolvePorts(0);
  return port as number;
}

/** `count` ports free a moment ago, all different: picked while each is held open (see resolvePorts). */
export async function pickFreePorts(count: number): Promise<number[]> {
  return (await resolvePorts(...Array<number>(count).fill(0))) as number[];
}

// Ports asked as 0 are picked together, all held open at once so the kernel cannot hand out one
// twice; ports asked by number are checked free, so a server already running there is reported
// instead of being mistaken for the one started here.
async function resolvePorts(...requested: (number | undefined)[]): Promise<(number | undefined)[]> {
  const servers: Server[] = [];
  try {
    const resolved: (number | undefined)[] = [];
    for (const port of requested) {
      if (port === undefined) {
        resolved.push(undefined);
        continue;
      }
      const server = createServer();
      servers.push(server);
      await new Promise<void>((resolve, reject) => {
        server.once('error', (error: NodeJS.ErrnoException) =>
          reject(error.code === 'EADDRINUSE' ? new Error(`Port ${port} on ${host} is already in use`) : error),
        );
        server.listen(port, host, resolve);
      });
      const resolvedPort = (server.address() as { port: number }).port;
      if (port === 0) await keepFromOthersAskingAnyPort(server, resolvedPort);
      resolved.push(resolvedPort);
    }
    return resolved;
  } finally {
    await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  }
}

/**
 * Linux hands a closed listener's port out again to the next bind to port 0 soon after, at random.
 * A port picked here for a server that binds it seconds later (PostgreSQL, after its initdb) could
 * meanwhile go to another program asking for any free port, and the Temporal dev server picks its
 * five internal ports that way: one taken from under it makes it panic ("address already in use").
 * A connection to the port, closed first by the listening side, leaves that side in TIME_WAIT for a
 * minute. During it the kernel gives the port to no bind to port 0, yet a server binding it by
 * number with SO_REUSEADDR (which Node, Go and PostgreSQL set) still can. The Temporal CLI reserves
 * its own internal ports the same way.
 */
async function keepFromOthersAskingAnyPort(server: Server, port: number): Promise<void> {
  const accepted = once(server, 'connection') as Promise<[Socket]>;
  const client = createConnection({ host, port });
  const clientClosed = once(client, 'close');
  await once(client, 'connect');
  const [listeningSide] = await accepted;
  const listeningSideClosed = once(listeningSide, 'close');
  // The listening side sends its FIN first; the client answers with its own (no half-open sockets).
  listeningSide.end();
  await Promise.all([clientClosed, listeningSideClosed]);
}

// A plain TCP probe first: gRPC backs off for a second or more after a refused connection, which
// would make every start that slow.
async function waitUntilServing(address: string, namespace: string, giveUp: AbortSignal): Promise<void> {
  const port = Number(address.split(':')[1]);
  const deadline = Date.now() + startTimeoutMs;
  let lastError: unknown;
  const giveUpIfHopeless = () => {
    giveUp.throwIfAborted();
    if (Date.now() > deadline) {
      const cause = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      throw new Error(`not serving after ${startTimeoutMs / 1000} s${cause}`);
    }
  };
  while (!(await acceptsTcp(port))) {
    giveUpIfHopeless();
    await sleep(pollIntervalMs);
  }
  for (;;) {
    giveUpIfHopeless();
    try {
      const connection = await Connection.connect({ address, connectTimeout: connectAttemptMs });
      try {
        await connection.workflowService.describeNamespace({ namespace });
        return;
      } finally {
        await connection.close();
      }
    } catch (error) {
      lastError = error;
    }
    await sleep(pollIntervalMs);
  }
}

function acceptsTcp(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * Keeps the first and last lines for error messages, and copies everything to the log file if one is given.
 * The copy is written synchronously: the server writes little (warnings), and a write stream waits
 * for libuv's thread pool, which the embedded launcher's first start fills for seconds (scrypt
 * hashes of the demo users): a stop then waited that long to close the file.
 */
function captureOutput(child: ChildProcess, logFd: number | undefined) {
  const first: string[] = [];
  const last: string[] = [];
  let skipped = 0;
  const onData = (chunk: Buffer) => {
    if (logFd !== undefined) writeSync(logFd, chunk);
    for (const line of chunk.toString('utf8').split('\n')) {
      if (line.trim() === '') continue;
      if (first.length < firstOutputLines) first.push(line);
      else last.push(line);
    }
    const dropped = Math.max(last.length - lastOutputLines, 0);
    last.splice(0, dropped);
    skipped += dropped;
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  return {
    excerpt: () => (first.length > 0 ? [...first, ...(skipped > 0 ? [`[… ${skipped} lines …]`] : []), ...last].join('\n') : '(none)'),
    close: () => {
      if (logFd !== undefined) closeSync(logFd);
    },
  };
}
