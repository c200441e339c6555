import type { CanActivate, INestApplication, Provider, Type } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { JwtModule, JwtService } from '@nestjs/jwt';
import { Test } from '@nestjs/testing';
import { randomUUID } from 'node:crypto';
import { YIXIN_CONFIG, type YixinConfig } from '@yixin/config';
import { TokenRevocation } from '@yixin/directory';
import type { Role } from '@yixin/domain';
import { Metrics } from '@yixin/observability';
import { ApiClient, testConfig, type HttpResult } from './harness';

/** A CommandBus or QueryBus that records what it was given and answers what the test says. */
export class RecordingBus {
  readonly executed: unknown[] = [];
  /** The answer to a command or query; throw from it to refuse (a DomainError, say). */
  answer: (message: unknown) => unknown = () => undefined;

  async execute(message: unknown): Promise<unknown> {
    this.executed.push(message);
    return this.answer(message);
  }

  reset(): void {
    this.executed.length = 0;
    this.answer = () => undefined;
  }
}

export interface ControllerUnderTestOptions {
  controllers: Type[];
  /** The API's global guards, in order (its AuthGuard); they get the JwtService and a TokenRevocation that holds every token live. */
  guards?: Array<Type<CanActivate>>;
  /** Fakes of whatever else the controllers inject (DirectoryService, AttachmentStore…), or real classes that need nothing more. */
  providers?: Provider[];
  /** How the API sets up an application (its configureHttpApp: pipes, filters, body limits), so that answers are in its error format. */
  configure: (app: INestApplication) => INestApplication;
  /** Environment over testConfig's. */
  env?: NodeJS.ProcessEnv;
}

export interface TokenOptions {
  organisationId?: string;
  userId?: string;
  /** The user administers their organisation's users. */
  administrator?: boolean;
}

/** Controllers in a Nest application of their own, with fake buses, listening on 127.0.0.1: no database, no Temporal. */
export interface ControllerUnderTest {
  app: INestApplication;
  config: YixinConfig;
  commandBus: RecordingBus;
  queryBus: RecordingBus;
  /** A token the AuthGuard accepts, of a user with this role. */
  tokenFor(role: Role, options?: TokenOptions): Promise<string>;
  request<T = any>(method: string, path: string, token?: string, body?: unknown, headers?: Record<string, string>): Promise<HttpResult<T>>;
  /** Forgets what the buses recorded and their answers. */
  reset(): void;
  close(): Promise<void>;
}

export async function controllerUnderTest(options: ControllerUnderTestOptions): Promise<ControllerUnderTest> {
  // Secrets given, no files named: loadConfig reads nothing from disk.
  const config = testConfig('/nonexistent/yixin-controller-test', '127.0.0.1:1', { YIXIN_CONSOLE_DIR: '/nonexistent/yixin-console', ...options.env });
  const commandBus = new RecordingBus();
  const queryBus = new RecordingBus();
  const revocation: Partial<TokenRevocation> = {
    isLive: async () => true,
    isLiveNow: async () => true,
    revoke: async () => undefined,
  };
  const moduleRef = await Test.createTestingModule({
    imports: [JwtModule.register({ secret: config.jwt.secret, signOptions: { expiresIn: 3600, algorithm: 'HS256' }, verifyOptions: { algorithms: ['HS256'] } })],
    controllers: options.controllers,
    providers: [
      { provide: YIXIN_CONFIG, useValue: config },
      { provide: CommandBus, useValue: commandBus },
      { provide: QueryBus, useValue: queryBus },
      { provide: TokenRevocation, useValue: revocation },
      Metrics,
      ...(options.guards ?? []).map((guard) => ({ provide: APP_GUARD, useClass: guard })),
      ...(options.providers ?? []),
    ],
  }).compile();
  const app = options.configure(moduleRef.createNestApplication({ logger: false }));
  await app.listen(0, '127.0.0.1');
  const client = new ApiClient(await app.getUrl());
  const jwt = app.get(JwtService);
  return {
    app,
    config,
    commandBus,
    queryBus,
    tokenFor: (role, { organisationId = 'org-under-test', userId = `user-${role}`, administrator = false } = {}) =>
      jwt.signAsync({ sub: userId, role, org: organisationId, adm: administrator, gen: 0 }, { jwtid: randomUUID() }),
    request: (method, path, token, body, headers) => client.request(method, path, token, body, headers),
    reset: () => {
      commandBus.reset();
      queryBus.reset();
    },
    close: () => app.close(),
  };
}

export interface SuiteControllerUnderTestOptions extends ControllerUnderTestOptions {
  /** Before each test, after the buses are reset: the test's default answers, the fakes' records emptied. */
  beforeEach?: (under: ControllerUnderTest) => void;
}

/**
 * A controller under test for the enclosing describe block: registers its hooks (started in beforeAll,
 * closed in afterAll, its buses reset before each test, then `options.beforeEach`) and returns it at
 * once; it may be used only inside the tests and hooks, once beforeAll has started it.
 */
export function setUpControllerUnderTest(options: SuiteControllerUnderTestOptions): ControllerUnderTest {
  let started: ControllerUnderTest | undefined;
  const current = (): ControllerUnderTest => {
    if (!started) throw new Error('the controller under test starts in beforeAll: use it inside a test or a hook');
    return started;
  };
  beforeAll(async () => {
    started = await controllerUnderTest(options);
  });
  afterAll(() => started?.close());
  beforeEach(() => {
    current().reset();
    options.beforeEach?.(current());
  });
  return {
    get app() {
      return current().app;
    },
    get config() {
      return current().config;
    },
    get commandBus() {
      return current().commandBus;
    },
    get queryBus() {
      return current().queryBus;
    },
    tokenFor: (role, tokenOptions) => current().tokenFor(role, tokenOptions),
    request: (method, path, token, body, headers) => current().request(method, path, token, body, headers),
    reset: () => current().reset(),
    close: () => current().close(),
  };
}

/** The roles people sign in with (every role but the workflow's `system`). */
export const PERSON_ROLES_UNDER_TEST = ['community_staff', 'property_company', 'owners_committee', 'council_member', 'street_officer', 'district_officer', 'auditor'] as const;

export type PersonRoleUnderTest = (typeof PERSON_ROLES_UNDER_TEST)[number];

/** A route's statuses by caller: without a token (`anonymous`), and with a token of each person role. */
export type StatusByRole = Record<'anonymous' | PersonRoleUnderTest, number>;

/**
 * The table statusByRole gives for a route that `roles` may use: `status` (200 unless given) for them,
 * 403 for the other roles, 401 without a token; `except` states what differs from that.
 */
export function rolesAllowed(roles: readonly PersonRoleUnderTest[], { status = 200, except = {} }: { status?: number; except?: Partial<StatusByRole> } = {}): StatusByRole {
  const table = { anonymous: 401 } as StatusByRole;
  for (const role of PERSON_ROLES_UNDER_TEST) table[role] = roles.includes(role) ? status : 403;
  return { ...table, ...except };
}

/**
 * The status of one request made without a token (`anonymous`) and with a token of each person role:
 * a route's access rules, as a table to compare with the expected one.
 */
export async function statusByRole(
  under: ControllerUnderTest,
  method: string,
  path: string,
  body?: unknown,
  options: TokenOptions = {},
): Promise<StatusByRole> {
  const statuses = { anonymous: (await under.request(method, path, undefined, body)).status } as StatusByRole;
  for (const role of PERSON_ROLES_UNDER_TEST) statuses[role] = (await under.request(method, path, await under.tokenFor(role, options), body)).status;
  return statuses;
}
