import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { JsonLogger, logLevelFrom, DEMO_PASSWORD } from '../../../libs/application/src';
import { readToolPaths } from '../../../libs/infra/src/tool-paths';
import { startTemporalDevServer } from '../../../libs/infra/src/temporal-dev-server';
import { runAsBackOffice } from './back-office-priority';
import { startEmbeddedSystem } from './embedded-system';

const logger = new JsonLogger(logLevelFrom(process.env));

/**
 * `npm start`: a local Temporal dev server (persistent, under the data directory), then the API
 * (in this process) and the worker (in a child process) on the embedded SQLite store, with the
 * demo organisations and users. The dev server and the worker are the back office, at a lower CPU
 * priority than the API.
 * Ctrl-C stops all of it. Set TEMPORAL_ADDRESS to use a Temporal server of your own instead.
 */
async function main(): Promise<void> {
  const startedAt = Date.now();
  const dataDir = resolve(process.env.YIXIN_DATA_DIR ?? '.data');
  mkdirSync(dataDir, { recursive: true });

  const temporal = process.env.TEMPORAL_ADDRESS
    ? undefined
    : await startTemporalDevServer({
        cliPath: readToolPaths().temporalCli,
        dbFilename: join(dataDir, 'temporal.sqlite'),
        port: Number(process.env.TEMPORAL_PORT ?? 7233),
        uiPort: Number(process.env.TEMPORAL_UI_PORT ?? 8233),
        logFile: join(dataDir, 'temporal.log'),
      });
  if (temporal) runAsBackOffice(temporal.pid);

  const system = await startEmbeddedSystem(
    {
      ...process.env,
      YIXIN_DATA_DIR: dataDir,
      JWT_SECRET: process.env.JWT_SECRET ?? persistentSecret(join(dataDir, 'jwt-secret')),
      YIXIN_PII_MASTER_KEY: process.env.YIXIN_PII_MASTER_KEY ?? persistentSecret(join(dataDir, 'pii-master-key'), 'base64'),
      TEMPORAL_ADDRESS: process.env.TEMPORAL_ADDRESS ?? temporal!.address,
      YIXIN_SEED_DEMO_DATA: process.env.YIXIN_SEED_DEMO_DATA ?? 'true',
    },
    logger,
  );
  const { config } = system;
  await system.api.listen(config.httpPort, '127.0.0.1');

  const api = `http://127.0.0.1:${config.httpPort}`;
  logger.log(
    {
      message: 'yixin is running; press Ctrl-C to stop',
      readySeconds: Number(((Date.now() - startedAt) / 1000).toFixed(1)),
      console: `${api}/`,
      api,
      openApi: `${api}/docs`,
      temporal: config.temporal.address,
      temporalUi: temporal?.uiUrl,
      dataDir,
      demoUsers: `staff.xiangyuan, pc.beichen-aoyuan, auditor, … (password: ${DEMO_PASSWORD}; see README)`,
    },
    'Embedded',
  );

  let stopping = false;
  const stop = async (signal: NodeJS.Signals): Promise<void> => {
    if (stopping) return;
    stopping = true;
    logger.log(`${signal}: stopping the API, the worker and Temporal`, 'Embedded');
    await system.close();
    await temporal?.stop();
    process.exit(0);
  };
  process.on('SIGINT', (signal) => void stop(signal));
  process.on('SIGTERM', (signal) => void stop(signal));
}

/** A random key kept with the data, so tokens and encrypted data survive a restart and no secret lives in the repo. */
function persistentSecret(file: string, encoding: BufferEncoding = 'hex'): string {
  if (!existsSync(file)) writeFileSync(file, randomBytes(32).toString(encoding), { mode: 0o600 });
  return readFileSync(file, 'utf8').trim();
}

main().catch((error: unknown) => {
  logger.fatal(error, 'Embedded');
  process.exit(1);
});
