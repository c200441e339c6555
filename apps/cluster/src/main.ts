// First: resolves the packages' aliases (@yixin/…) when Node runs the compiled code.
import '../../../libs/module-aliases/src/register';
import { constants } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadEmbeddedLauncherConfig } from '@yixin/config';
import { DEMO_PASSWORD } from '@yixin/directory';
import { JsonLogger } from '@yixin/observability';
import { startClusterTopology, type ClusterTopology } from './topology';

// The variables the embedded launcher reads (docs/configuration.md): the data directory, whose
// `cluster/` folder is this topology's, the log level, Temporal's and the mail catcher's ports.
const launcher = loadEmbeddedLauncherConfig(process.env);
const logger = new JsonLogger(launcher.logLevel);

const USAGE = 'npm run start:cluster -- [--apis 2] [--workers 3] [--port 3000] [--postgres-port 5432]';

function count(value: string, option: string, least: number): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < least) throw new Error(`--${option} must be an integer of at least ${least}, not ${value} (${USAGE})`);
  return parsed;
}

/**
 * `npm run start:cluster`: the scaled deployment on this machine (see topology.ts). Prints each
 * part's address and process; Ctrl-C (SIGINT) or SIGTERM stops them all in order, at any moment of
 * the start, a second one at once. A launcher killed outright takes every part with it.
 */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      apis: { type: 'string', default: '2' },
      workers: { type: 'string', default: '3' },
      port: { type: 'string', default: '3000' },
      'postgres-port': { type: 'string', default: '5432' },
    },
  });
  const startedAt = Date.now();
  const startup = new AbortController();
  const starting = startClusterTopology({
    env: process.env,
    launcher: { ...launcher, dataDir: join(launcher.dataDir, 'cluster') },
    apis: count(values.apis, 'apis', 1),
    workers: count(values.workers, 'workers', 1),
    httpPort: count(values.port, 'port', 1),
    postgresPort: count(values['postgres-port'], 'postgres-port', 0),
    logger,
    signal: startup.signal,
  });
  let topology: ClusterTopology | undefined;
  let stopping = false;
  const requestStop = (reason: string, exitCode: number, exitCodeAtOnce: number) => {
    // Every part ends with this process (see topology.ts).
    if (stopping) process.exit(exitCodeAtOnce);
    stopping = true;
    logger.log(`${reason}: stopping the workers, the APIs, Temporal, then PostgreSQL (again to stop at once)`, 'Cluster');
    startup.abort(new Error(`${reason} during the start`));
    void starting
      .catch(() => undefined)
      .then(() => topology?.stop())
      .then(() => process.exit(exitCode));
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => requestStop(signal, 0, 128 + constants.signals[signal]));
  process.on('uncaughtException', (error) => {
    logger.fatal(error, 'Cluster');
    requestStop('an uncaught exception', 1, 1);
  });

  try {
    topology = await starting;
  } catch (error) {
    if (startup.signal.aborted) return;
    logger.fatal(error, 'Cluster');
    process.exit(1);
  }
  const { apiUrl } = topology;
  logger.log(
    {
      message: 'yixin cluster is running; press Ctrl-C to stop',
      readySeconds: Number(((Date.now() - startedAt) / 1000).toFixed(1)),
      console: `${apiUrl}/`,
      api: apiUrl,
      openApi: `${apiUrl}/docs`,
      postgres: topology.databaseUrl,
      temporal: topology.temporalAddress,
      temporalUi: topology.temporalUiUrl,
      mailCatcher: topology.mailCatcherUrl,
      smsAndWeComOutbox: `${apiUrl}/#/outbox`,
      parts: topology.parts.map(({ name, kind, pid }) => ({ name, kind, pid })),
      dataDir: join(launcher.dataDir, 'cluster'),
      demoUsers: `staff.xiangyuan, pc.beichen-aoyuan, auditor, … (password: ${DEMO_PASSWORD}; see README)`,
    },
    'Cluster',
  );
}

main().catch((error: unknown) => {
  logger.fatal(error, 'Cluster');
  process.exit(1);
});
