import 'reflect-metadata';
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { createApiApp } from '../apps/api/src/api-app';
import { createEmbeddedApp } from '../apps/embedded/src/embedded-app';
import { JsonLogger } from '../libs/application/src';
import type { SqliteSynchronousMode } from '../libs/event-store/src';
import { testConfig } from '../test/support/harness';
import { createBareFilingApp } from './bare-nest/bare-filing-app';

/**
 * One server of the `http-filing` benchmark, in a process of its own so that the load generator
 * does not share its event loop: `ours` (the embedded app: API, worker, projections, bridge), `api`
 * (the API process alone, as deployed when API and workers scale apart) or `bare` (bench/bare-nest). Started by bench/http-filing.bench.ts with IPC; tells its URL through
 * it, and stops on SIGTERM.
 */
export interface FilingServerEnvironment {
  FILING_SERVER_DATA_DIR: string;
  FILING_SERVER_SQLITE_FILE: string;
  FILING_SERVER_SYNCHRONOUS: SqliteSynchronousMode;
  /** Ours and api only. */
  FILING_SERVER_TEMPORAL_ADDRESS?: string;
  FILING_SERVER_WRITES_PER_MINUTE?: string;
}

async function start(kind: string, env: FilingServerEnvironment): Promise<INestApplication> {
  const dataDir = env.FILING_SERVER_DATA_DIR;
  if (kind === 'bare') return createBareFilingApp(env.FILING_SERVER_SQLITE_FILE, env.FILING_SERVER_SYNCHRONOUS);
  if (kind !== 'ours' && kind !== 'api') throw new Error(`unknown filing server ${kind}: ours, api or bare`);
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const config = testConfig(dataDir, env.FILING_SERVER_TEMPORAL_ADDRESS!, {
    SQLITE_FILE: env.FILING_SERVER_SQLITE_FILE,
    SQLITE_SYNCHRONOUS: env.FILING_SERVER_SYNCHRONOUS,
    RATE_LIMIT_WRITES_PER_MINUTE: env.FILING_SERVER_WRITES_PER_MINUTE,
  });
  // As deployed: one JSON line per request at level info, here into a file.
  const log = createWriteStream(join(dataDir, `${kind}.log`));
  const logger = new JsonLogger(config.logLevel, (line) => log.write(line));
  return kind === 'ours' ? createEmbeddedApp(config, { logger }) : createApiApp(config, { logger });
}

async function main(): Promise<void> {
  const app = await start(process.argv[2], process.env as unknown as FilingServerEnvironment);
  await app.listen(0, '127.0.0.1');
  process.once('SIGTERM', () => {
    void app.close().then(() => process.exit(0));
  });
  process.send!({ url: await app.getUrl() });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
