import type { Server } from 'node:http';
import type { INestApplication, LoggerService } from '@nestjs/common';
import { loadConfig, type YixinConfig } from '@yixin/config';
import { STORES, type Stores } from '@yixin/stores';
import { createApiApp } from '@yixin/api';
import { unlessStopped } from '@yixin/platform';
import { WorkerProcess } from './worker-process';

/** How long the closing API waits for its open requests before it cuts their connections, and then for itself. */
const API_CLOSE_GRACE_MS = 1000;

export interface EmbeddedSystem {
  config: YixinConfig;
  /** Not listening yet: the caller chooses the address. */
  api: INestApplication;
  worker: WorkerProcess;
  /** Stops the worker, then the API, each within a bounded time. */
  close(): Promise<void>;
}

/**
 * What `npm start` runs: the API in this process and the worker in a child process, both on the
 * configuration `env` describes (one SQLite file, one Temporal task queue). The API opens the
 * stores and seeds the demo directory first; the worker only reads it. On SQLite the API process is
 * the one writer of the log's file: the worker's appends are made through it.
 * Once `signal` aborts, it rejects with its reason at once and starts no worker; an API still being
 * created then is closed when it is ready (if this process still runs).
 */
export async function startEmbeddedSystem(
  env: NodeJS.ProcessEnv,
  logger: LoggerService,
  workerOutput: 'inherit' | number = 'inherit',
  signal: AbortSignal = new AbortController().signal,
): Promise<EmbeddedSystem> {
  // No commit of the API checkpoints the WAL (copies it into the file): a thread of its own does
  // (BackgroundCheckpointer), so that no filing waits for it.
  const config = loadConfig({ ...env, SQLITE_AUTO_CHECKPOINT: '0' });
  const api = await unlessStopped(createApiApp(config, { logger }), signal, (late) => late.close());
  if (!api) throw signal.reason;
  const logStores = config.store === 'sqlite' ? api.get<Stores>(STORES) : undefined;
  const worker = await WorkerProcess.start({ ...env, YIXIN_SEED_DEMO_DATA: 'false' }, logger, workerOutput, logStores).catch(async (error: unknown) => {
    await api.close();
    throw error;
  });
  return {
    config,
    api,
    worker,
    close: async () => {
      await worker.stop();
      await closeApi(api, logger);
    },
  };
}

/**
 * Closes the API. The HTTP server's close waits for every open request, and a console's live
 * updates (server-sent events) never end by themselves: their connections are cut after a grace.
 * An API that has still not closed a grace later is left for the end of the process to close.
 */
async function closeApi(api: INestApplication, logger: LoggerService): Promise<void> {
  const closed = api.close();
  if (await settlesWithin(closed, API_CLOSE_GRACE_MS)) return;
  logger.warn(`requests still open ${API_CLOSE_GRACE_MS} ms after the API began to close: cutting their connections`, 'EmbeddedSystem');
  (api.getHttpServer() as Server).closeAllConnections();
  if (!(await settlesWithin(closed, API_CLOSE_GRACE_MS))) {
    logger.warn(`the API has not closed ${2 * API_CLOSE_GRACE_MS} ms after it began to: going on without waiting for it`, 'EmbeddedSystem');
  }
}

function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const elapsed = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  return Promise.race([promise.then(() => true), elapsed]).finally(() => clearTimeout(timer));
}
