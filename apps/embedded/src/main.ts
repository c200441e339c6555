// First: resolves the packages' aliases (@yixin/…) when Node runs the compiled code.
import '../../../libs/module-aliases/src/register';
import 'reflect-metadata';
import { mkdirSync } from 'node:fs';
import { constants } from 'node:os';
import { join } from 'node:path';
import { embeddedSystemEnv, loadEmbeddedLauncherConfig, type EmbeddedLauncherConfig } from '@yixin/config';
import { DEMO_PASSWORD } from '@yixin/directory';
import { JsonLogger } from '@yixin/observability';
import { readToolPaths } from '@yixin/temporal-tooling';
import { startTemporalDevServer, type TemporalDevServer } from '@yixin/temporal-tooling';
import { runAsBackOffice, runAsForeground } from './back-office-priority';
import { startMailCatcher, type MailCatcher } from './mail-catcher';
import { startEmbeddedSystem, type EmbeddedSystem } from './embedded-system';

// Every variable the launcher reads, with embedded mode's defaults: libs/config (docs/configuration.md).
const launcher = loadEmbeddedLauncherConfig(process.env);
const logger = new JsonLogger(launcher.logLevel);

/**
 * How long the Temporal dev server has to stop on SIGTERM before it is killed. It stops in about a
 * second; with the worker's and the API's bounds a whole stop takes less than 10 s.
 */
const TEMPORAL_STOP_GRACE_MS = 3000;

/** What is up so far: the stop stops what is there. */
interface Running {
  temporal?: TemporalDevServer;
  mailCatcher?: MailCatcher;
  system?: EmbeddedSystem;
}

/**
 * `npm start`: a local Temporal dev server (persistent, under the data directory) and a local mail
 * catcher, then the API (in this process) and the worker (in a child process) on the embedded
 * SQLite store, with the demo organisations and users. The dev server and the worker are the back office, at a lower CPU
 * priority than the API. Set TEMPORAL_ADDRESS to use a Temporal server of your own instead.
 *
 * Ctrl-C (SIGINT), SIGTERM or an uncaught exception stop all of it in order, at any moment
 * of the start: what is still starting gives up; the worker stops (its running activities drain)
 * before the API, and both before the dev server, which the worker needs until it has stopped. Each
 * has a bounded time before it is killed, and the log says so. A second signal stops at once. A
 * launcher killed outright takes its children with it: the worker exits when its IPC channel
 * closes, and the kernel kills the dev server (see startTemporalDevServer).
 */
async function main(): Promise<void> {
  const startedAt = Date.now();
  const { dataDir } = launcher;
  mkdirSync(dataDir, { recursive: true });

  const running: Running = {};
  const startup = new AbortController();
  const starting = start(launcher, running, startup.signal);
  let stopping = false;
  const requestStop = (reason: string, exitCode: number, exitCodeAtOnce: number) => {
    if (stopping) {
      logger.warn(`${reason} while stopping: killing the worker and Temporal, exiting now`, 'Embedded');
      // The dev server dies with this process.
      running.system?.worker.kill();
      process.exit(exitCodeAtOnce);
    }
    stopping = true;
    logger.log(`${reason}: stopping the worker, the API, then Temporal (again to stop at once)`, 'Embedded');
    startup.abort(new Error(`${reason} during the start`));
    void stopInOrder(starting, running).then(() => process.exit(exitCode));
  };
  // Not SIGHUP: under nohup it must stay ignored. A hangup that does arrive ends this process, and
  // the children follow it as after a SIGKILL.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => requestStop(signal, 0, 128 + constants.signals[signal]));
  }
  process.on('uncaughtException', (error) => {
    logger.fatal(error, 'Embedded');
    requestStop('an uncaught exception', 1, 1);
  });

  try {
    await starting;
  } catch (error) {
    if (startup.signal.aborted) return;
    logger.fatal(error, 'Embedded');
    requestStop('the start failed', 1, 1);
    return;
  }
  if (stopping) return;

  const { config } = running.system!;
  const api = `http://127.0.0.1:${config.httpPort}`;
  logger.log(
    {
      message: 'yixin is running; press Ctrl-C to stop',
      readySeconds: Number(((Date.now() - startedAt) / 1000).toFixed(1)),
      console: `${api}/`,
      api,
      openApi: `${api}/docs`,
      temporal: config.temporal.address,
      temporalUi: running.temporal?.uiUrl,
      mailCatcher: running.mailCatcher?.webUrl,
      smsAndWeComOutbox: config.notifications.sms.provider === 'outbox' || config.notifications.wecom === 'outbox' ? `${api}/#/outbox` : undefined,
      dataDir,
      demoUsers: `staff.xiangyuan, pc.beichen-aoyuan, auditor, … (password: ${DEMO_PASSWORD}; see README)`,
    },
    'Embedded',
  );
}

/**
 * Starts the dev server and the mail catcher side by side, then the API and the worker, listing each in `running` once it is up.
 * Once `signal` aborts, every step gives up at once (the dev server's start stops its server).
 */
async function start(launcher: EmbeddedLauncherConfig, running: Running, signal: AbortSignal): Promise<void> {
  const { dataDir, temporalDevServer, mailCatcher } = launcher;
  const catching = mailCatcher
    ? startMailCatcher({ ...mailCatcher, mailDirectory: join(dataDir, 'mail'), signal }).then((catcher) => void (running.mailCatcher = catcher))
    : undefined;
  const temporalStarting = temporalDevServer
    ? startTemporalDevServer({
        cliPath: readToolPaths().temporalCli,
        dbFilename: join(dataDir, 'temporal.sqlite'),
        port: temporalDevServer.port,
        uiPort: temporalDevServer.uiPort,
        logFile: join(dataDir, 'temporal.log'),
        stopGraceMs: TEMPORAL_STOP_GRACE_MS,
        signal,
      }).then((temporal) => {
        running.temporal = temporal;
        runAsBackOffice(temporal.pid);
      })
    : undefined;
  // Both settle before a failure of either is thrown, so that the stop finds whichever did start.
  const failed = (await Promise.allSettled([catching, temporalStarting])).find((outcome) => outcome.status === 'rejected');
  if (failed) throw failed.reason;
  running.system = await startEmbeddedSystem(
    embeddedSystemEnv(process.env, launcher, running.temporal?.address),
    logger,
    'inherit',
    signal,
  );
  await running.system.api.listen(running.system.config.httpPort, '127.0.0.1');
}

/** Waits for the start to give up, then stops what is running: the worker and the API, then the dev server. */
async function stopInOrder(starting: Promise<void>, running: Running): Promise<void> {
  await starting.catch(() => undefined);
  await running.system?.close();
  await running.mailCatcher?.stop();
  if (running.temporal) runAsForeground(running.temporal.pid);
  if ((await running.temporal?.stop()) === 'killed') {
    logger.warn(`the Temporal dev server had not stopped ${TEMPORAL_STOP_GRACE_MS} ms after SIGTERM: killed it`, 'Embedded');
  }
}

main().catch((error: unknown) => {
  logger.fatal(error, 'Embedded');
  process.exit(1);
});
