import type { INestApplication, LoggerService } from '@nestjs/common';
import { Client, Connection } from '@temporalio/client';
import { type StoreKind, type YixinConfig } from '@yixin/config';
import { EVENT_STORE, READ_STORE, RECORD_STORE, type SqlDatabase } from '@yixin/stores';
import type { EventStore } from '@yixin/event-store';
import { pickFreePort, type TemporalDevServer } from '@yixin/temporal-tooling';
import { ApiClient, backendEnvironment, startTestTemporal, temporaryDirectory, testConfig, withDeadlinePolicy } from './harness';

/** Users to sign in with the demo password: usernames (tokens by username), or names for usernames (tokens by those names). */
export type E2eUsers = readonly string[] | Readonly<Record<string, string>>;

export interface E2eAppOptions {
  /** 'embedded' (the default): API and worker in one process. 'api': the API process alone, no worker. */
  process?: 'embedded' | 'api';
  /** The store, put in place by backendEnvironment; left out, the config's default (a SQLite file) and no backend of its own. */
  backend?: StoreKind;
  /**
   * Whether to start a real Temporal dev server: by default for the embedded process, not for the API
   * alone. Without one, TEMPORAL_ADDRESS names a free port where nothing listens.
   */
  temporal?: boolean;
  /** More environment for testConfig, over the backend's (rate limits, attachment sizes…). */
  env?: NodeJS.ProcessEnv;
  /** A deadline policy merged over the default one (see withDeadlinePolicy). */
  deadlinePolicy?: unknown;
  /** The Nest logger; none by default. */
  logger?: LoggerService | false;
  /** Signed in once the app listens, into `tokens`. */
  users?: E2eUsers;
}

/** An application of a test, listening on a free port of 127.0.0.1, and what a test needs of it. */
export interface E2eApp {
  app: INestApplication;
  config: YixinConfig;
  api: ApiClient;
  store: EventStore;
  /** The directory, idempotency keys, residents' data keys…: on SQLite, the log's own file. */
  recordStore: SqlDatabase;
  /** The read models. */
  readStore: SqlDatabase;
  /** The Temporal dev server, if one was started. */
  temporal: TemporalDevServer | undefined;
  /** The backend's environment and its stop (both empty without a backend of its own). */
  backendServer: { env: NodeJS.ProcessEnv; stop(): Promise<void> };
  /** The tokens of the users of the options, by username or by the names given them. */
  tokens: Record<string, string>;
  /** Signs users in, as `users` of the options does. */
  login(users: E2eUsers): Promise<Record<string, string>>;
  /** A client of the Temporal dev server, connected on the first call and closed by stop(). */
  temporalClient(): Promise<Client>;
  /** Closes the application (once; stop() then leaves it), e.g. before working on its stores directly. */
  closeApp(): Promise<void>;
  /** Closes the Temporal client and the application, then stops Temporal and the backend. */
  stop(): Promise<void>;
}

/** Boots an application for an end-to-end test: backend, Temporal, config, app, an ApiClient and its users' tokens. */
export async function startE2eApp(options: E2eAppOptions = {}): Promise<E2eApp> {
  const processKind = options.process ?? 'embedded';
  const withTemporal = options.temporal ?? processKind === 'embedded';
  const noBackend = { env: {}, stop: async () => undefined };
  const [startedTemporal, startedBackend] = await Promise.allSettled([
    withTemporal ? startTestTemporal() : undefined,
    options.backend ? backendEnvironment(options.backend) : noBackend,
  ]);
  if (startedTemporal.status === 'rejected' || startedBackend.status === 'rejected') {
    if (startedTemporal.status === 'fulfilled') await startedTemporal.value?.stop();
    if (startedBackend.status === 'fulfilled') await startedBackend.value.stop();
    throw startedTemporal.status === 'rejected' ? startedTemporal.reason : (startedBackend as PromiseRejectedResult).reason;
  }
  const temporal = startedTemporal.value;
  const backendServer = startedBackend.value;
  let app: INestApplication | undefined;
  let temporalClient: Promise<Client> | undefined;
  let appClosed: Promise<void> | undefined;
  const closeApp = () => (appClosed ??= app?.close() ?? Promise.resolve());
  const stop = async () => {
    await temporalClient?.then((client) => client.connection.close()).catch(() => undefined);
    await closeApp();
    await temporal?.stop();
    await backendServer.stop();
  };
  try {
    const temporalAddress = temporal?.address ?? `127.0.0.1:${await pickFreePort()}`;
    // Keep-alive outlasts a suite: fetch reusing a socket the server is closing as idle gets a reset that says
    // nothing about the request, and a loaded machine delays the client's own idle timer into that race.
    const keepAlive = { HTTP_KEEP_ALIVE_TIMEOUT_MS: '600000' };
    let config = testConfig(temporaryDirectory(), temporalAddress, { ...keepAlive, ...backendServer.env, ...options.env });
    if (options.deadlinePolicy !== undefined) config = withDeadlinePolicy(config, options.deadlinePolicy);
    // Loaded when an app starts, so that a test importing @yixin/testing for something else does not load both apps.
    const create = processKind === 'embedded' ? (await import('@yixin/embedded')).createEmbeddedApp : (await import('@yixin/api')).createApiApp;
    app = await create(config, { logger: options.logger ?? false });
    await app.listen(0, '127.0.0.1');
    const api = new ApiClient(await app.getUrl());
    const login = (users: E2eUsers) => logIn(api, users);
    return {
      app,
      config,
      api,
      store: app.get(EVENT_STORE),
      recordStore: app.get(RECORD_STORE),
      readStore: app.get(READ_STORE),
      temporal,
      backendServer,
      tokens: await login(options.users ?? []),
      login,
      temporalClient() {
        if (!temporal) throw new Error('this test app has no Temporal dev server');
        return (temporalClient ??= Connection.connect({ address: temporal.address }).then((connection) => new Client({ connection })));
      },
      closeApp,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function logIn(api: ApiClient, users: E2eUsers): Promise<Record<string, string>> {
  const named: Array<[string, string]> = Array.isArray(users) ? users.map((username: string) => [username, username]) : Object.entries(users);
  const tokens = await Promise.all(named.map(([, username]) => api.login(username)));
  return Object.fromEntries(named.map(([name], index) => [name, tokens[index]]));
}
