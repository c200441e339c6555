import { ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, openSync, WriteStream } from 'node:fs';
import { createConnection, createServer, Server } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { Connection } from '@temporalio/client';

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
}

export interface TemporalDevServer {
  /** host:port of the frontend, for `Connection.connect({ address })`. */
  address: string;
  /** The server's process. */
  pid: number;
  uiUrl?: string;
  /** SIGTERM, then SIGKILL if the server has not exited within 10 s. Safe to call twice. */
  stop(): Promise<void>;
}

const host = '127.0.0.1';
const startTimeoutMs = 60_000;
const stopGraceMs = 10_000;
const pollIntervalMs = 100;
const connectAttemptMs = 2_000;
const recentOutputLines = 40;

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

  // Opened before the spawn so that an unwritable log path fails the start with no server left behind.
  const logFd = options.logFile ? openSync(options.logFile, 'a') : undefined;
  const child = spawn(options.cliPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const output = captureOutput(child, logFd);
  // Without this, a parent that exits without calling stop() leaves an orphaned server holding the port.
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

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      if (!serverEnded.signal.aborted) {
        child.kill('SIGTERM');
        const forceKill = setTimeout(() => child.kill('SIGKILL'), stopGraceMs);
        await ended;
        clearTimeout(forceKill);
      }
      await output.close();
    })();
    return stopping;
  };

  try {
    await waitUntilServing(address, namespace, serverEnded.signal);
  } catch (error) {
    await stop();
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(
      `Temporal dev server on ${address} did not start: ${message}\n` +
        `Command: ${options.cliPath} ${args.join(' ')}\nRecent output:\n${output.recent()}`,
    );
  }
  return { address, pid: child.pid!, uiUrl: webPort === undefined ? undefined : `http://${host}:${webPort}`, stop };
}

/** A port that was free a moment ago, as the kernel assigns it to a socket bound to port 0. */
export async function pickFreePort(): Promise<number> {
  const [port] = await resolvePorts(0);
  return port as number;
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
      resolved.push((server.address() as { port: number }).port);
    }
    return resolved;
  } finally {
    await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  }
}

// A plain TCP probe first: gRPC backs off for a second or more after a refused connection, which
// would make every start that slow.
async function waitUntilServing(address: string, namespace: string, serverEnded: AbortSignal): Promise<void> {
  const port = Number(address.split(':')[1]);
  const deadline = Date.now() + startTimeoutMs;
  let lastError: unknown;
  const giveUpIfHopeless = () => {
    serverEnded.throwIfAborted();
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

/** Keeps the last lines for error messages, and copies everything to the log file if one is given. */
function captureOutput(child: ChildProcess, logFd: number | undefined) {
  const lines: string[] = [];
  const log: WriteStream | undefined = logFd === undefined ? undefined : createWriteStream('', { fd: logFd });
  const onData = (chunk: Buffer) => {
    log?.write(chunk);
    lines.push(...chunk.toString('utf8').split('\n').filter((line) => line.trim() !== ''));
    lines.splice(0, Math.max(lines.length - recentOutputLines, 0));
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  return {
    recent: () => (lines.length > 0 ? lines.join('\n') : '(none)'),
    close: () => new Promise<void>((resolve) => (log ? log.end(resolve) : resolve())),
  };
}
