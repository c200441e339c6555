import type { INestApplication, LoggerService } from '@nestjs/common';
import { loadConfig, STORES, type Stores, type YixinConfig } from '../../../libs/application/src';
import { createApiApp } from '../../api/src/api-app';
import { WorkerProcess } from './worker-process';

export interface EmbeddedSystem {
  config: YixinConfig;
  /** Not listening yet: the caller chooses the address. */
  api: INestApplication;
  worker: WorkerProcess;
  /** Stops the worker, then the API. */
  close(): Promise<void>;
}

/**
 * What `npm start` runs: the API in this process and the worker in a child process, both on the
 * configuration `env` describes (one SQLite file, one Temporal task queue). The API opens the
 * stores and seeds the demo directory first; the worker only reads it. On SQLite the API process is
 * the one writer of the log's file: the worker's appends are made through it.
 */
export async function startEmbeddedSystem(env: NodeJS.ProcessEnv, logger: LoggerService, workerOutput: 'inherit' | number = 'inherit'): Promise<EmbeddedSystem> {
  // No commit of the API checkpoints the WAL (copies it into the file): a thread of its own does
  // (BackgroundCheckpointer), so that no filing waits for it.
  const config = loadConfig({ ...env, SQLITE_AUTO_CHECKPOINT: '0' });
  const api = await createApiApp(config, { logger });
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
      await api.close();
    },
  };
}
