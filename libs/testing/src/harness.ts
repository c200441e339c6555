import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { temporal } from '@temporalio/proto';
import { CASE_STREAM_PREFIX, readCaseStream } from '@yixin/case-stream';
import { type ComplaintForm } from '@yixin/cases';
import { loadConfig, type StoreKind, type YixinConfig } from '@yixin/config';
import type { EventStore } from '@yixin/event-store';
import { parseDeadlinePolicy } from '@yixin/domain';
import { startTemporalDevServer, type TemporalDevServer } from '@yixin/temporal-tooling';
import { readToolPaths } from '@yixin/temporal-tooling';
import { startTestPostgres } from './postgres';

export function temporaryDirectory(prefix = 'yixin-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** A real Temporal dev server on free ports, without UI. */
export function startTestTemporal(options: { port?: number; dbFilename?: string } = {}): Promise<TemporalDevServer> {
  return startTemporalDevServer({ cliPath: readToolPaths().temporalCli, headless: true, port: options.port ?? 0, dbFilename: options.dbFilename });
}

/** The configuration of a test process: a fresh SQLite file, a task queue of its own, the demo directory. */
export function testConfig(dataDir: string, temporalAddress: string, overrides: NodeJS.ProcessEnv = {}): YixinConfig {
  return loadConfig(testEnvironment(dataDir, temporalAddress, overrides));
}

/** The environment `testConfig` reads: for a test that starts processes configured by their environment. */
export function testEnvironment(dataDir: string, temporalAddress: string, overrides: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    YIXIN_DATA_DIR: dataDir,
    JWT_SECRET: randomBytes(16).toString('hex'),
    YIXIN_PII_MASTER_KEY: randomBytes(32).toString('base64'),
    YIXIN_RESIDENT_LINK_SECRET: randomBytes(16).toString('hex'),
    // Residents are told at once whatever the hour of the run; the quiet hours have their own test.
    YIXIN_QUIET_HOURS: 'off',
    TEMPORAL_ADDRESS: temporalAddress,
    TEMPORAL_TASK_QUEUE: `yixin-test-${randomBytes(4).toString('hex')}`,
    YIXIN_SEED_DEMO_DATA: 'true',
    SQLITE_SYNCHRONOUS: 'NORMAL',
    // Tests poll public endpoints (Open311 searches, health) as fast as they answer; those that test the limit set their own.
    RATE_LIMIT_PUBLIC_READS_PER_MINUTE: '1000000',
    ...overrides,
  };
}

/**
 * `config` with its deadline policy changed by `overrides`, the JSON of a policy file merged over the
 * config's own policy: e.g. limits of a few seconds, so that a real-time Temporal server reminds and
 * escalates within a test.
 */
export function withDeadlinePolicy(config: YixinConfig, overrides: unknown): YixinConfig {
  return { ...config, deadlinePolicy: parseDeadlinePolicy(overrides, config.deadlinePolicy) };
}

/** The backends every end-to-end suite runs on (KurrentDB needs a server these machines cannot run). */
export const E2E_BACKENDS: StoreKind[] = ['sqlite', 'postgres'];

/** The environment that puts a test process on `kind`: a fresh PostgreSQL database for postgres. */
export async function backendEnvironment(kind: StoreKind): Promise<{ env: NodeJS.ProcessEnv; stop(): Promise<void> }> {
  if (kind === 'sqlite') return { env: { YIXIN_STORE: 'sqlite' }, stop: async () => undefined };
  if (kind === 'postgres') {
    const postgres = await startTestPostgres();
    return { env: { YIXIN_STORE: 'postgres', DATABASE_URL: postgres.connectionString }, stop: () => postgres.stop() };
  }
  throw new Error(`no end-to-end environment for ${kind}`);
}

/** The types of a case's events, in revision order, read through the event-store port. */
export async function caseEventTypes(store: EventStore, caseId: string): Promise<string[]> {
  return (await readCaseStream(store, caseId)).map((event) => event.type);
}

/**
 * How many events the cases' streams hold: what commands append. The outcomes of notifications go
 * to streams of their own, appended by the worker whenever a message goes out.
 */
export async function caseLogLength(store: EventStore): Promise<number> {
  let count = 0;
  let after = 0;
  for (;;) {
    const batch = await store.readAll(after, 10_000);
    if (batch.length === 0) return count;
    count += batch.filter((event) => event.streamId.startsWith(CASE_STREAM_PREFIX)).length;
    after = batch[batch.length - 1].globalPosition;
  }
}

/** Polls until `probe` returns something other than undefined, or fails after `timeoutMs`. */
export async function eventually<T>(probe: () => Promise<T | undefined> | T | undefined, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export interface HttpResult<T = any> {
  status: number;
  /** Parsed when the answer is JSON, else the text. */
  body: T;
  headers: Headers;
}

/** Talks to the real API over HTTP, as a client of any language would. */
export class ApiClient {
  constructor(readonly baseUrl: string) {}

  async login(username: string, password = 'yixin-demo'): Promise<string> {
    const { status, body } = await this.request('POST', '/auth/login', undefined, { username, password });
    if (status !== 200) throw new Error(`login of ${username} failed: ${status} ${JSON.stringify(body)}`);
    return body.accessToken as string;
  }

  async request<T = any>(method: string, path: string, token?: string, body?: unknown, headers: Record<string, string> = {}): Promise<HttpResult<T>> {
    const response = await fetch(this.baseUrl + path, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    const json = /\bjson\b/.test(response.headers.get('content-type') ?? '');
    return { status: response.status, body: text && json ? JSON.parse(text) : text || undefined, headers: response.headers } as HttpResult<T>;
  }
}

let buildings = 0;

/**
 * An elevator complaint in 北辰奥园, each in a building of its own: a second complaint at the same
 * place and of the same category would be linked to the first as a duplicate, not dispatched.
 */
export function sampleComplaint(): ComplaintForm {
  const building = `${++buildings}幢`;
  return {
    resident: { name: '王阿姨', phone: '13800000000' },
    location: { communityId: 'xiangyuan', compoundId: 'beichen-aoyuan', building, unit: '2单元1502室' },
    category: 'elevator',
    urgency: 'normal',
    description: `${building}电梯停运两天，老人上下楼困难`,
    channel: 'visit',
  };
}

/**
 * A Temporal workflow history as the proto-JSON that other Temporal tools write and read
 * (`temporal workflow show --output json`), and back, for recording histories and replaying them.
 *
 * This is what `historyToJSON` and `historyFromJSON` of @temporalio/common/lib/proto-utils do, but
 * those fail with "type must be a Type" when npm installs two copies of protobufjs 8, one for
 * @temporalio/common and one for @temporalio/proto (it does here: the root's protobufjs is 7.x, for
 * @grpc/proto-loader). protobufjs's JSON extension only takes types of its own copy, so these use the
 * copy @temporalio/proto is built on, wherever npm put it.
 */
export function historyToJson(history: temporal.api.history.v1.IHistory): unknown {
  const type = historyType();
  return protoJson().toJson(type, type.fromObject(history));
}

export function historyFromJson(json: unknown): temporal.api.history.v1.History {
  return protoJson().fromJson(historyType(), json, { ignoreUnknownFields: true }) as temporal.api.history.v1.History;
}

/** Loaded when used, so that suites without histories do not load Temporal's protos. */
function historyType(): typeof temporal.api.history.v1.History {
  return (require('@temporalio/proto') as typeof import('@temporalio/proto')).temporal.api.history.v1.History;
}

interface ProtoJson {
  toJson(type: unknown, message: unknown): unknown;
  fromJson(type: unknown, json: unknown, options?: { ignoreUnknownFields?: boolean }): unknown;
}

function protoJson(): ProtoJson {
  return require(require.resolve('protobufjs/ext/protojson', { paths: [dirname(require.resolve('@temporalio/proto'))] })) as ProtoJson;
}
