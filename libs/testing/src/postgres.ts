/**
 * A real PostgreSQL for tests: a fresh database on the server named by DATABASE_URL, or else on a
 * throwaway embedded PostgreSQL started for the caller (apps/cluster/src/embedded-postgres.ts, whose
 * supervisor stops the server and deletes its folder when the test process exits or is killed: no
 * postgres outlives the tests).
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Client, Pool, type PoolConfig } from 'pg';
import { startEmbeddedPostgres } from '@yixin/cluster';

export interface TestPostgres {
  /** A database of its own, empty, owned by a superuser. */
  connectionString: string;
  stop(): Promise<void>;
}

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
  const server = await startEmbeddedPostgres({
    port: 0,
    password: randomBytes(12).toString('hex'),
    execArgv: ['-r', join(__dirname, '..', '..', '..', 'test', 'support', 'register-ts.js')],
  });
  return { url: server.serverUrl, stop: server.stop };
}
