import 'reflect-metadata';
import { openSync } from 'node:fs';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { createApiApp } from '../apps/api/src/api-app';
import { startEmbeddedSystem } from '../apps/embedded/src/embedded-system';
import { loadConfig, logLevelFrom } from '@yixin/config';
import { JsonLogger } from '@yixin/observability';
import type { SqliteSynchronousMode } from '@yixin/event-store';
import { testEnvironment } from '@yixin/testing';
import { createBareFilingApp } from './bare-nest/bare-filing-app';

/**
 * One server of the `http-filing` benchmark, in a process of its own so that the load generator
 * does not share its event loop: `ours` (the embedded system of `npm start`: the API here, the
 * worker with the projections and the bridge in a child process), `api` (the API process alone) or
 * `bare` (bench/bare-nest). Started by bench/http-filing.bench.ts with IPC; tells its URL (and its
 * worker's pid) through it, and stops on SIGTERM.
 */
export interface FilingServerEnvironment {
  FILING_SERVER_DATA_DIR: string;
  FILING_SERVER_SQLITE_FILE: string;
  FILING_SERVER_SYNCHRONOUS: SqliteSynchronousMode;
  /** Ours and api only. */
  FILING_SERVER_TEMPORAL_ADDRESS?: string;
  FILING_SERVER_WRITES_PER_MINUTE?: string;
}

interface FilingServer {
  app: INestApplication;
  workerPid?: number;
  close(): Promise<void>;
}

async function start(kind: string, env: FilingServerEnvironment): Promise<FilingServer> {
  const dataDir = env.FILING_SERVER_DATA_DIR;
  if (kind === 'bare') {
    const app = await createBareFilingApp(env.FILING_SERVER_SQLITE_FILE, env.FILING_SERVER_SYNCHRONOUS);
    return { app, close: () => app.close() };
  }
  if (kind !== 'ours' && kind !== 'api') throw new Error(`unknown filing server ${kind}: ours, api or bare`);
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const yixinEnv = testEnvironment(dataDir, env.FILING_SERVER_TEMPORAL_ADDRESS!, {
    ...process.env,
    SQLITE_FILE: env.FILING_SERVER_SQLITE_FILE,
    SQLITE_SYNCHRONOUS: env.FILING_SERVER_SYNCHRONOUS,
    RATE_LIMIT_WRITES_PER_MINUTE: env.FILING_SERVER_WRITES_PER_MINUTE,
  });
  // As deployed: one JSON line per request at level info, on standard output (the benchmark's file).
  if (kind === 'api') {
    const app = await createApiApp(loadConfig(yixinEnv));
    return { app, close: () => app.close() };
  }
  const system = await startEmbeddedSystem(yixinEnv, new JsonLogger(logLevelFrom(yixinEnv)), openSync(join(dataDir, 'worker.log'), 'a'));
  return { app: system.api, workerPid: system.worker.pid, close: () => system.close() };
}

async function main(): Promise<void> {
  const server = await start(process.argv[2], process.env as unknown as FilingServerEnvironment);
  await server.app.listen(0, '127.0.0.1');
  process.once('SIGTERM', () => {
    void server.close().then(() => process.exit(0));
  });
  process.send!({ url: await server.app.getUrl(), workerPid: server.workerPid });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
