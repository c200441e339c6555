import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import {
  DEFAULT_DEADLINE_POLICY,
  DEFAULT_NOTIFICATION_SETTINGS,
  DEFAULT_NOTIFICATION_TEMPLATES,
  NOTIFICATION_TEMPLATES,
  parseDeadlinePolicy,
  parseNotificationTemplates,
  type DeadlinePolicy,
  type NotificationSettings,
  type NotificationTemplate,
} from '@yixin/domain';
import { LOG_LEVELS, type LogLevel } from '@yixin/observability';
import { parseMasterKey } from './master-key';

/**
 * Every environment variable yixin's processes read, and which of them reads it: `loadConfig` (the
 * API, the worker and the command line), the embedded launcher of `npm start`
 * (`loadEmbeddedLauncherConfig`, `embeddedSystemEnv`), or the command line alone (`loadCliSecrets`).
 * Nothing else in apps/, libs/ or workflows/ reads the environment. What each one means, and its
 * default, is written once, in docs/configuration.md; config-documentation.int.spec.ts holds the two
 * to each other and to the code.
 */
export const ENVIRONMENT_VARIABLES = {
  loadConfig: [
    'YIXIN_STORE', 'DATABASE_URL', 'KURRENTDB_CONNECTION_STRING', 'PG_POOL_SIZE', 'PG_STATEMENT_TIMEOUT_MS',
    'YIXIN_DATA_DIR', 'SQLITE_FILE', 'SQLITE_READ_MODELS_FILE', 'SQLITE_SYNCHRONOUS', 'SQLITE_AUTO_CHECKPOINT',
    'TEMPORAL_ADDRESS', 'TEMPORAL_NAMESPACE', 'TEMPORAL_TASK_QUEUE', 'TEMPORAL_TLS', 'TEMPORAL_TLS_CA_FILE',
    'TEMPORAL_TLS_CERT_FILE', 'TEMPORAL_TLS_KEY_FILE', 'TEMPORAL_TLS_SERVER_NAME', 'TEMPORAL_API_KEY',
    'PORT', 'PUBLIC_BASE_URL', 'HTTP_BODY_LIMIT_BYTES', 'HTTP_HEADERS_TIMEOUT_MS', 'HTTP_REQUEST_TIMEOUT_MS',
    'HTTP_KEEP_ALIVE_TIMEOUT_MS', 'RATE_LIMIT_LOGINS_PER_MINUTE', 'RATE_LIMIT_LOGINS_PER_USERNAME_PER_MINUTE',
    'RATE_LIMIT_WRITES_PER_MINUTE', 'RATE_LIMIT_PUBLIC_READS_PER_MINUTE', 'RATE_LIMIT_API_KEY_FAILURES_PER_MINUTE',
    'RATE_LIMIT_FILINGS_PER_API_KEY_PER_MINUTE', 'IDEMPOTENCY_KEY_TTL_HOURS', 'LOG_LEVEL', 'JWT_SECRET',
    'JWT_EXPIRES_IN_SECONDS', 'YIXIN_PII_MASTER_KEY', 'ATTACHMENT_MAX_BYTES', 'ATTACHMENT_MAX_PER_CASE',
    'ATTACHMENT_MAX_BYTES_PER_ORGANISATION_PER_DAY', 'ATTACHMENT_UNCITED_GRACE_HOURS', 'YIXIN_DEADLINE_POLICY_FILE',
    'YIXIN_CALENDAR_FILE', 'YIXIN_SEED_DEMO_DATA', 'RATE_WEIGHTS', 'YIXIN_CONSOLE_DIR', 'YIXIN_CENTER_ORGANISATION_ID',
    'YIXIN_SMS_PROVIDER', 'YIXIN_SMS_ENDPOINT', 'YIXIN_SMS_SIGN_NAME', 'YIXIN_SMS_TEMPLATE_CODES', 'ALIBABA_CLOUD_ACCESS_KEY_ID',
    'ALIBABA_CLOUD_ACCESS_KEY_SECRET', 'TENCENTCLOUD_SECRET_ID', 'TENCENTCLOUD_SECRET_KEY', 'YIXIN_SMS_TENCENT_REGION',
    'YIXIN_SMS_TENCENT_SDK_APP_ID', 'YIXIN_WECOM', 'SMTP_URL', 'MAIL_FROM', 'YIXIN_NOTIFICATION_CONTACTS_FILE',
    'YIXIN_NOTIFICATION_TEMPLATES_FILE', 'YIXIN_QUIET_HOURS', 'YIXIN_DEADLINE_WARNINGS', 'YIXIN_RESIDENT_LINK_SECRET', 'YIXIN_RESIDENT_PAGE_URL',
  ],
  embeddedLauncher: [
    'YIXIN_DATA_DIR', 'LOG_LEVEL', 'TEMPORAL_ADDRESS', 'TEMPORAL_PORT', 'TEMPORAL_UI_PORT', 'JWT_SECRET', 'YIXIN_PII_MASTER_KEY', 'YIXIN_SEED_DEMO_DATA',
    'SMTP_URL', 'YIXIN_WECOM', 'YIXIN_RESIDENT_LINK_SECRET', 'MAIL_CATCHER_SMTP_PORT', 'MAIL_CATCHER_WEB_PORT',
  ],
  cli: ['YIXIN_NEW_PII_MASTER_KEY', 'YIXIN_ADMIN_PASSWORD'],
} as const satisfies Record<string, readonly string[]>;

/** Everything yixin reads from its environment, read once at start. */
export const STORE_KINDS = ['sqlite', 'postgres', 'kurrentdb'] as const;
export type StoreKind = (typeof STORE_KINDS)[number];

export interface YixinConfig {
  /** Where the event log lives; the record and read stores are SQLite for `sqlite`, else PostgreSQL at `databaseUrl`. */
  store: StoreKind;
  /** PostgreSQL: the log (store `postgres`), the record and read stores (stores `postgres`, `kurrentdb`). */
  databaseUrl?: string;
  kurrentDbConnectionString?: string;
  postgres: { poolSize: number; statementTimeoutMs: number };
  dataDir: string;
  /** SQLite: the event log and the records kept beside it (directory, idempotency keys, residents' data keys). */
  sqliteFile: string;
  /**
   * SQLite: the read models, in a file of their own so that projecting never holds the log's write
   * lock nor leaves pages for the log's fsync to flush. Rebuilt from the log when missing.
   */
  sqliteReadModelsFile: string;
  /** SQLite's durability: FULL survives power loss; NORMAL may lose the last commits on power loss. */
  sqliteSynchronous: 'OFF' | 'NORMAL' | 'FULL' | 'EXTRA';
  /**
   * WAL pages after which a commit of this process also checkpoints the file; 0 leaves checkpoints
   * to another process on the same file (npm start's API leaves them to its worker).
   */
  sqliteAutoCheckpointPages: number;
  temporal: { address: string; namespace: string; taskQueue: string; tls?: TemporalTls; apiKey?: string };
  httpPort: number;
  /** The largest request body the API reads; a larger one is answered 413. */
  httpBodyLimitBytes: number;
  /**
   * How long the HTTP server waits for a request's headers, for the whole request (body included),
   * and for the next request on an idle kept-alive connection; a client slower than that is cut off.
   */
  httpTimeouts: { headersMs: number; requestMs: number; keepAliveMs: number };
  /**
   * The address clients reach the API at, as published in answers (Open311's discovery): taken
   * from configuration, never from a request's Host header, which the client writes.
   */
  publicBaseUrl: string;
  /**
   * Within a minute: unauthenticated reads per client address; wrong Open311 api_keys per client
   * address; Open311 filings per api_key.
   */
  publicRateLimits: { readsPerMinute: number; apiKeyFailuresPerMinute: number; filingsPerApiKeyPerMinute: number };
  /** Logins per client address, logins per username, and writes per authenticated user, within a minute. */
  rateLimits: { loginsPerMinute: number; loginsPerUsernamePerMinute: number; writesPerMinute: number };
  /** How long the answer to a request with an Idempotency-Key is kept for its retries. */
  idempotencyKeyTtlHours: number;
  logLevel: LogLevel;
  /** The largest photo accepted as evidence; a larger upload is answered 413. */
  attachmentMaxBytes: number;
  /** Photos one case takes; bytes one organisation uploads in 24 hours; how long a photo no event cites is kept. */
  attachmentQuotas: { photosPerCase: number; bytesPerOrganisationPerDay: number; uncitedGraceHours: number };
  /** The API refuses to start without a secret; other processes do not need one. */
  jwt: { secret?: string; expiresInSeconds: number };
  /** Wraps the keys of residents' personal data (docs/privacy.md). The API refuses to start without it; other processes do not need it. */
  piiMasterKey?: Buffer;
  /** The organisation on whose behalf the case workflow acts. */
  centerOrganisationId: string;
  deadlinePolicy: DeadlinePolicy;
  /** Holidays and adjusted working days laid over the chinese-days package's (see docs/calendar-and-deadlines.md). */
  calendarFile?: string;
  /** Seed the demo organisations and users of the source article (embedded mode). */
  seedDemoData: boolean;
  /** How the three rates weigh in a unit's score for the monthly ranking (docs/rates.md). */
  rateWeights: RateWeights;
  /** The built web console (`vite build` of apps/console), served at `/`; the API runs without it when the folder is missing. */
  consoleDir: string;
  notifications: NotificationsConfig;
}

/** What yixin tells residents and organisations, and through which providers (docs/notifications.md). */
export interface NotificationsConfig {
  sms: SmsProviderConfig;
  /** WeCom group robots: their webhooks, or the local outbox (embedded). */
  wecom: 'webhook' | 'outbox';
  smtp?: { url: string; from: string };
  contacts: Record<string, OrganisationContact>;
  templates: Record<NotificationTemplate, string>;
  settings: NotificationSettings;
  /** HMAC key of residents' check codes; the resident page and links are off without it. */
  residentLinkSecret?: string;
  /** Where SMS links point: `${residentPageUrl}/<caseNumber>/<checkCode>`. */
  residentPageUrl: string;
}

export type SmsProviderConfig =
  | { provider: 'outbox' }
  | {
      provider: 'alibaba';
      accessKeyId: string;
      accessKeySecret: string;
      endpoint: string;
      protocol: 'https' | 'http';
      signName: string;
      templateCodes: Partial<Record<NotificationTemplate, string>>;
    }
  | {
      provider: 'tencent';
      secretId: string;
      secretKey: string;
      endpoint: string;
      protocol: 'https' | 'http';
      region: string;
      sdkAppId: string;
      signName: string;
      templateIds: Partial<Record<NotificationTemplate, string>>;
    };

/** How an organisation is reached: any of these it has. */
export interface OrganisationContact {
  email?: string;
  phone?: string;
  wecomWebhookUrl?: string;
}

export interface RateWeights {
  response: number;
  resolution: number;
  satisfaction: number;
}

/** TLS to the Temporal frontend: the CA to trust (else the system's), a client certificate for mTLS, the name to expect. */
export interface TemporalTls {
  serverRootCACertificate?: Buffer;
  clientCertPair?: { crt: Buffer; key: Buffer };
  serverNameOverride?: string;
}

/** How every process connects to Temporal (client, worker, health check): address, and TLS and API key when configured. */
export function temporalConnectionOptions({ address, tls, apiKey }: YixinConfig['temporal']): { address: string; tls?: TemporalTls; apiKey?: string } {
  return { address, ...(tls ? { tls } : {}), ...(apiKey ? { apiKey } : {}) };
}

export const YIXIN_CONFIG = Symbol('YIXIN_CONFIG');

export function loadConfig(env: NodeJS.ProcessEnv = process.env): YixinConfig {
  const dataDir = resolve(env.YIXIN_DATA_DIR ?? '.data');
  const store = (env.YIXIN_STORE ?? 'sqlite') as StoreKind;
  const sqliteFile = resolve(env.SQLITE_FILE ?? join(dataDir, 'yixin.sqlite'));
  if (!STORE_KINDS.includes(store)) throw new Error(`YIXIN_STORE must be one of ${STORE_KINDS.join(', ')}, not ${store}`);
  if (store !== 'sqlite' && !env.DATABASE_URL) throw new Error(`YIXIN_STORE=${store} needs DATABASE_URL (PostgreSQL) for its record and read stores`);
  if (store === 'kurrentdb' && !env.KURRENTDB_CONNECTION_STRING) throw new Error('YIXIN_STORE=kurrentdb needs KURRENTDB_CONNECTION_STRING');
  const sqliteReadModelsFile = resolve(env.SQLITE_READ_MODELS_FILE ?? beside(sqliteFile, 'read-models'));
  if (sqliteReadModelsFile === sqliteFile) throw new Error('SQLITE_READ_MODELS_FILE must be another file than SQLITE_FILE');
  const publicBaseUrl = parsePublicBaseUrl(env.PUBLIC_BASE_URL || `http://127.0.0.1:${Number(env.PORT ?? 3000)}`);
  return {
    store,
    databaseUrl: store === 'sqlite' ? undefined : env.DATABASE_URL,
    kurrentDbConnectionString: store === 'kurrentdb' ? env.KURRENTDB_CONNECTION_STRING : undefined,
    postgres: {
      poolSize: Number(env.PG_POOL_SIZE ?? 10),
      statementTimeoutMs: Number(env.PG_STATEMENT_TIMEOUT_MS ?? 30_000),
    },
    dataDir,
    sqliteFile,
    sqliteReadModelsFile,
    sqliteSynchronous: parseSynchronous(env.SQLITE_SYNCHRONOUS ?? 'FULL'),
    sqliteAutoCheckpointPages: parseAutoCheckpoint(env.SQLITE_AUTO_CHECKPOINT ?? '1000'),
    temporal: {
      address: env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233',
      namespace: env.TEMPORAL_NAMESPACE ?? 'default',
      taskQueue: env.TEMPORAL_TASK_QUEUE ?? 'yixin-cases',
      tls: temporalTlsFrom(env),
      apiKey: env.TEMPORAL_API_KEY || undefined,
    },
    httpPort: Number(env.PORT ?? 3000),
    publicBaseUrl,
    publicRateLimits: {
      readsPerMinute: positiveInteger(env, 'RATE_LIMIT_PUBLIC_READS_PER_MINUTE', 300),
      apiKeyFailuresPerMinute: positiveInteger(env, 'RATE_LIMIT_API_KEY_FAILURES_PER_MINUTE', 10),
      filingsPerApiKeyPerMinute: positiveInteger(env, 'RATE_LIMIT_FILINGS_PER_API_KEY_PER_MINUTE', 120),
    },
    httpBodyLimitBytes: positiveInteger(env, 'HTTP_BODY_LIMIT_BYTES', 1024 * 1024),
    httpTimeouts: httpTimeoutsFrom(env),
    rateLimits: {
      loginsPerMinute: positiveInteger(env, 'RATE_LIMIT_LOGINS_PER_MINUTE', 10),
      loginsPerUsernamePerMinute: positiveInteger(env, 'RATE_LIMIT_LOGINS_PER_USERNAME_PER_MINUTE', 10),
      writesPerMinute: positiveInteger(env, 'RATE_LIMIT_WRITES_PER_MINUTE', 600),
    },
    idempotencyKeyTtlHours: positiveInteger(env, 'IDEMPOTENCY_KEY_TTL_HOURS', 24),
    logLevel: logLevelFrom(env),
    attachmentMaxBytes: positiveInteger(env, 'ATTACHMENT_MAX_BYTES', 10 * 1024 * 1024),
    attachmentQuotas: {
      photosPerCase: positiveInteger(env, 'ATTACHMENT_MAX_PER_CASE', 100),
      bytesPerOrganisationPerDay: positiveInteger(env, 'ATTACHMENT_MAX_BYTES_PER_ORGANISATION_PER_DAY', 1024 * 1024 * 1024),
      uncitedGraceHours: positiveInteger(env, 'ATTACHMENT_UNCITED_GRACE_HOURS', 30 * 24),
    },
    jwt: { secret: env.JWT_SECRET || undefined, expiresInSeconds: Number(env.JWT_EXPIRES_IN_SECONDS ?? 8 * 3600) },
    piiMasterKey: env.YIXIN_PII_MASTER_KEY ? parseMasterKey(env.YIXIN_PII_MASTER_KEY) : undefined,
    centerOrganisationId: env.YIXIN_CENTER_ORGANISATION_ID ?? 'shushan-center',
    deadlinePolicy: env.YIXIN_DEADLINE_POLICY_FILE ? readDeadlinePolicy(env.YIXIN_DEADLINE_POLICY_FILE) : DEFAULT_DEADLINE_POLICY,
    calendarFile: env.YIXIN_CALENDAR_FILE ? resolve(env.YIXIN_CALENDAR_FILE) : undefined,
    seedDemoData: env.YIXIN_SEED_DEMO_DATA === 'true',
    rateWeights: parseRateWeights(env.RATE_WEIGHTS ?? '30,35,35'),
    consoleDir: resolve(env.YIXIN_CONSOLE_DIR ?? join('dist', 'console')),
    notifications: notificationsFrom(env, publicBaseUrl),
  };
}

/** What `npm start`'s launcher (apps/embedded) reads before it starts anything. */
export interface EmbeddedLauncherConfig {
  dataDir: string;
  logLevel: LogLevel;
  /** The Temporal dev server to start; none when TEMPORAL_ADDRESS names a Temporal server of one's own. */
  temporalDevServer?: { port: number; uiPort: number };
  /** The local mail catcher (maildev) that receives the email; none when SMTP_URL names a mail server of one's own. */
  mailCatcher?: { smtpPort: number; webPort: number };
}

export function loadEmbeddedLauncherConfig(env: NodeJS.ProcessEnv = process.env): EmbeddedLauncherConfig {
  return {
    dataDir: resolve(env.YIXIN_DATA_DIR ?? '.data'),
    logLevel: logLevelFrom(env),
    temporalDevServer: env.TEMPORAL_ADDRESS
      ? undefined
      : { port: Number(env.TEMPORAL_PORT ?? 7233), uiPort: Number(env.TEMPORAL_UI_PORT ?? 8233) },
    mailCatcher: env.SMTP_URL
      ? undefined
      : { smtpPort: positiveInteger(env, 'MAIL_CATCHER_SMTP_PORT', 1025), webPort: positiveInteger(env, 'MAIL_CATCHER_WEB_PORT', 1080) },
  };
}

/**
 * The environment the embedded API and worker load their configuration from (`loadConfig`): the
 * launcher's own, with embedded mode's defaults where it sets none: the token key, the
 * personal-data master key and the key of residents' check codes, random and kept in the data
 * directory (so tokens, encrypted data and links sent survive a restart and no secret lives in the
 * repository); the dev server's address; the demo data; email to the mail catcher, WeCom messages
 * to the local outbox.
 */
export function embeddedSystemEnv(env: NodeJS.ProcessEnv, launcher: EmbeddedLauncherConfig, devServerAddress: string | undefined): NodeJS.ProcessEnv {
  return {
    ...env,
    YIXIN_DATA_DIR: launcher.dataDir,
    JWT_SECRET: env.JWT_SECRET ?? persistentSecret(join(launcher.dataDir, 'jwt-secret')),
    YIXIN_PII_MASTER_KEY: env.YIXIN_PII_MASTER_KEY ?? persistentSecret(join(launcher.dataDir, 'pii-master-key'), 'base64'),
    TEMPORAL_ADDRESS: env.TEMPORAL_ADDRESS ?? devServerAddress,
    YIXIN_SEED_DEMO_DATA: env.YIXIN_SEED_DEMO_DATA ?? 'true',
    YIXIN_RESIDENT_LINK_SECRET: env.YIXIN_RESIDENT_LINK_SECRET ?? persistentSecret(join(launcher.dataDir, 'resident-link-secret')),
    ...(launcher.mailCatcher ? { SMTP_URL: `smtp://127.0.0.1:${launcher.mailCatcher.smtpPort}` } : {}),
    YIXIN_WECOM: env.YIXIN_WECOM ?? 'outbox',
  };
}

/** The notifications' settings: providers, contacts, templates, quiet hours, warnings, the residents' links. */
function notificationsFrom(env: NodeJS.ProcessEnv, publicBaseUrl: string): NotificationsConfig {
  const wecom = env.YIXIN_WECOM ?? 'webhook';
  if (wecom !== 'webhook' && wecom !== 'outbox') throw new Error(`YIXIN_WECOM must be webhook or outbox, not ${wecom}`);
  return {
    sms: smsProviderFrom(env),
    wecom,
    smtp: env.SMTP_URL ? { url: parseSmtpUrl(env.SMTP_URL), from: env.MAIL_FROM || '一心 <noreply@yixin.local>' } : undefined,
    contacts: env.YIXIN_NOTIFICATION_CONTACTS_FILE ? readContacts(env.YIXIN_NOTIFICATION_CONTACTS_FILE) : {},
    templates: env.YIXIN_NOTIFICATION_TEMPLATES_FILE
      ? readJsonFile('YIXIN_NOTIFICATION_TEMPLATES_FILE', env.YIXIN_NOTIFICATION_TEMPLATES_FILE, (json) => parseNotificationTemplates(json, DEFAULT_NOTIFICATION_TEMPLATES))
      : DEFAULT_NOTIFICATION_TEMPLATES,
    settings: {
      quietHours: parseQuietHours(env.YIXIN_QUIET_HOURS ?? '21:00-08:00'),
      warningShares: parseWarningShares(env.YIXIN_DEADLINE_WARNINGS ?? DEFAULT_NOTIFICATION_SETTINGS.warningShares.join(',')),
    },
    residentLinkSecret: env.YIXIN_RESIDENT_LINK_SECRET || undefined,
    residentPageUrl: env.YIXIN_RESIDENT_PAGE_URL ? parsePublicBaseUrl(env.YIXIN_RESIDENT_PAGE_URL, 'YIXIN_RESIDENT_PAGE_URL') : `${publicBaseUrl}/r`,
  };
}

function smsProviderFrom(env: NodeJS.ProcessEnv): SmsProviderConfig {
  const provider = env.YIXIN_SMS_PROVIDER ?? 'outbox';
  if (provider === 'outbox') return { provider };
  const required = (value: string | undefined, name: string): string => {
    if (!value) throw new Error(`YIXIN_SMS_PROVIDER=${provider} needs ${name}`);
    return value;
  };
  const signName = required(env.YIXIN_SMS_SIGN_NAME, 'YIXIN_SMS_SIGN_NAME');
  const templates = parseTemplateCodes(required(env.YIXIN_SMS_TEMPLATE_CODES, 'YIXIN_SMS_TEMPLATE_CODES'));
  if (provider === 'alibaba') {
    const { host, protocol } = parseSmsEndpoint(env.YIXIN_SMS_ENDPOINT ?? 'https://dysmsapi.aliyuncs.com');
    return {
      provider,
      accessKeyId: required(env.ALIBABA_CLOUD_ACCESS_KEY_ID, 'ALIBABA_CLOUD_ACCESS_KEY_ID'),
      accessKeySecret: required(env.ALIBABA_CLOUD_ACCESS_KEY_SECRET, 'ALIBABA_CLOUD_ACCESS_KEY_SECRET'),
      endpoint: host,
      protocol,
      signName,
      templateCodes: templates,
    };
  }
  if (provider === 'tencent') {
    const { host, protocol } = parseSmsEndpoint(env.YIXIN_SMS_ENDPOINT ?? 'https://sms.tencentcloudapi.com');
    return {
      provider,
      secretId: required(env.TENCENTCLOUD_SECRET_ID, 'TENCENTCLOUD_SECRET_ID'),
      secretKey: required(env.TENCENTCLOUD_SECRET_KEY, 'TENCENTCLOUD_SECRET_KEY'),
      endpoint: host,
      protocol,
      region: env.YIXIN_SMS_TENCENT_REGION ?? 'ap-guangzhou',
      sdkAppId: required(env.YIXIN_SMS_TENCENT_SDK_APP_ID, 'YIXIN_SMS_TENCENT_SDK_APP_ID'),
      signName,
      templateIds: templates,
    };
  }
  throw new Error(`YIXIN_SMS_PROVIDER must be outbox, alibaba or tencent, not ${provider}`);
}

/** `https://dysmsapi.aliyuncs.com`: the SDKs take the host and the protocol apart. */
function parseSmsEndpoint(value: string): { host: string; protocol: 'https' | 'http' } {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`YIXIN_SMS_ENDPOINT must be a URL such as https://dysmsapi.aliyuncs.com, not ${value}`);
  }
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || (url.pathname !== '/' && url.pathname !== '')) {
    throw new Error(`YIXIN_SMS_ENDPOINT must be an http(s) URL of a host, without a path, not ${value}`);
  }
  return { host: url.host, protocol: url.protocol === 'https:' ? 'https' : 'http' };
}

/** `{"resident_receipt":"SMS_123456789", …}`: the template each message is sent as, registered with the provider. */
function parseTemplateCodes(value: string): Partial<Record<NotificationTemplate, string>> {
  let json: unknown;
  try {
    json = JSON.parse(value);
  } catch {
    throw new Error('YIXIN_SMS_TEMPLATE_CODES must be a JSON object of message → the provider\'s template code, such as {"resident_receipt":"SMS_123456789"}');
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new Error('YIXIN_SMS_TEMPLATE_CODES must be a JSON object');
  for (const [template, code] of Object.entries(json)) {
    if (!(NOTIFICATION_TEMPLATES as readonly string[]).includes(template)) {
      throw new Error(`YIXIN_SMS_TEMPLATE_CODES names ${template}, which is none of ${NOTIFICATION_TEMPLATES.join(', ')}`);
    }
    if (typeof code !== 'string' || code === '') throw new Error(`YIXIN_SMS_TEMPLATE_CODES: the code of ${template} must be a non-empty string`);
  }
  return json as Partial<Record<NotificationTemplate, string>>;
}

function parseSmtpUrl(value: string): string {
  try {
    const url = new URL(value);
    if (url.protocol === 'smtp:' || url.protocol === 'smtps:') return value;
  } catch {
    // answered below
  }
  throw new Error(`SMTP_URL must be an smtp:// or smtps:// URL, such as smtp://user:password@mail.example.com:587, not ${value}`);
}

/** `21:00-08:00` (China time), or `off`. */
function parseQuietHours(value: string): NotificationSettings['quietHours'] {
  if (value === 'off') return undefined;
  const match = /^([01][0-9]|2[0-3]):([0-5][0-9])-([01][0-9]|2[0-3]):([0-5][0-9])$/.exec(value);
  if (!match || value.slice(0, 5) === value.slice(6)) {
    throw new Error(`YIXIN_QUIET_HOURS must be two different China times HH:MM-HH:MM (such as 21:00-08:00), or off, not ${value}`);
  }
  return { start: value.slice(0, 5), end: value.slice(6) };
}

/** `0.5,0.8`: the shares of a deadline's time after which its holder is warned; empty for none. */
function parseWarningShares(value: string): number[] {
  if (value.trim() === '') return [];
  const shares = value.split(',').map((part) => Number(part.trim()));
  if (shares.some((share) => !Number.isFinite(share) || share <= 0 || share >= 1)) {
    throw new Error(`YIXIN_DEADLINE_WARNINGS must be shares between 0 and 1, separated by commas (such as 0.5,0.8), not ${value}`);
  }
  return [...new Set(shares)].sort((a, b) => a - b);
}

const EMAIL = /^[^\s@<>]+@[^\s@<>]+$/;
const PHONE = /^1[3-9][0-9]{9}$/;

/** `{"pc-hushan-huayuan": {"email": "…", "phone": "…", "wecomWebhookUrl": "https://qyapi.weixin.qq.com/…"}, …}` */
function readContacts(file: string): Record<string, OrganisationContact> {
  return readJsonFile('YIXIN_NOTIFICATION_CONTACTS_FILE', file, (json) => {
    if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new Error('must hold a JSON object of organisation id → contact');
    const contacts: Record<string, OrganisationContact> = {};
    for (const [organisationId, contact] of Object.entries(json as Record<string, unknown>)) {
      if (typeof contact !== 'object' || contact === null) throw new Error(`the contact of ${organisationId} must be an object`);
      const { email, phone, wecomWebhookUrl, ...rest } = contact as Record<string, unknown>;
      const unknownFields = Object.keys(rest);
      if (unknownFields.length > 0) throw new Error(`the contact of ${organisationId} has unknown fields ${unknownFields.join(', ')} (email, phone, wecomWebhookUrl)`);
      if (email !== undefined && (typeof email !== 'string' || !EMAIL.test(email))) throw new Error(`the email of ${organisationId} is not an address`);
      if (phone !== undefined && (typeof phone !== 'string' || !PHONE.test(phone))) throw new Error(`the phone of ${organisationId} must be a mainland mobile number of 11 digits`);
      if (wecomWebhookUrl !== undefined && (typeof wecomWebhookUrl !== 'string' || !/^https?:\/\//.test(wecomWebhookUrl))) {
        throw new Error(`the wecomWebhookUrl of ${organisationId} must be an http(s) URL`);
      }
      contacts[organisationId] = {
        ...(email === undefined ? {} : { email: email as string }),
        ...(phone === undefined ? {} : { phone: phone as string }),
        ...(wecomWebhookUrl === undefined ? {} : { wecomWebhookUrl: wecomWebhookUrl as string }),
      };
    }
    return contacts;
  });
}

function readJsonFile<T>(variable: string, file: string, parse: (json: unknown) => T): T {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`${variable} ${file} cannot be read as JSON: ${(error as Error).message}`);
  }
  try {
    return parse(json);
  } catch (error) {
    throw new Error(`${variable} ${file}: ${(error as Error).message}`);
  }
}

/** A random key kept in `file`, made the first time it is asked for. */
export function persistentSecret(file: string, encoding: BufferEncoding = 'hex'): string {
  if (!existsSync(file)) writeFileSync(file, randomBytes(32).toString(encoding), { mode: 0o600 });
  return readFileSync(file, 'utf8').trim();
}

/** The secrets the command line (apps/cli) reads for one command, never as arguments: every user of the machine sees those in `ps`. */
export interface CliSecrets {
  /** rotate-pii-master-key: the key to rewrap residents' data keys under. */
  newPiiMasterKey?: string;
  /** create-admin: the new administrator's password (else the first line of stdin). */
  adminPassword?: string;
}

export function loadCliSecrets(env: NodeJS.ProcessEnv = process.env): CliSecrets {
  return { newPiiMasterKey: env.YIXIN_NEW_PII_MASTER_KEY || undefined, adminPassword: env.YIXIN_ADMIN_PASSWORD || undefined };
}

/** "30,35,35": response, resolution and satisfaction; any non-negative numbers, not all zero (only their proportions count). */
export function parseRateWeights(value: string): RateWeights {
  const parts = value.split(',').map((part) => part.trim());
  const numbers = parts.map(Number);
  if (parts.length !== 3 || parts.some((part) => part === '') || numbers.some((n) => !Number.isFinite(n) || n < 0) || numbers.every((n) => n === 0)) {
    throw new Error(`RATE_WEIGHTS must be three non-negative numbers, not all zero, for response, resolution and satisfaction (e.g. 30,35,35), not ${value}`);
  }
  const [response, resolution, satisfaction] = numbers;
  return { response, resolution, satisfaction };
}

/** LOG_LEVEL; read on its own too by launchers that log before the rest of the configuration is known. */
export function logLevelFrom(env: NodeJS.ProcessEnv): LogLevel {
  const level = (env.LOG_LEVEL ?? 'info').toLowerCase() as LogLevel;
  if (!LOG_LEVELS.includes(level)) throw new Error(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, not ${env.LOG_LEVEL}`);
  return level;
}

function httpTimeoutsFrom(env: NodeJS.ProcessEnv): YixinConfig['httpTimeouts'] {
  const timeouts = {
    headersMs: positiveInteger(env, 'HTTP_HEADERS_TIMEOUT_MS', 10_000),
    requestMs: positiveInteger(env, 'HTTP_REQUEST_TIMEOUT_MS', 60_000),
    keepAliveMs: positiveInteger(env, 'HTTP_KEEP_ALIVE_TIMEOUT_MS', 5_000),
  };
  // Node refuses a server whose headers may take longer than the whole request.
  if (timeouts.headersMs > timeouts.requestMs) throw new Error('HTTP_HEADERS_TIMEOUT_MS must not exceed HTTP_REQUEST_TIMEOUT_MS');
  return timeouts;
}

/**
 * TLS for the Temporal connection when any of its variables is set, or an API key is (Temporal
 * takes API keys over TLS only). Without them the connection is plain, as to the embedded dev server
 * on 127.0.0.1.
 */
function temporalTlsFrom(env: NodeJS.ProcessEnv): TemporalTls | undefined {
  const read = (name: string) => {
    const file = env[name];
    if (!file) return undefined;
    try {
      return readFileSync(resolve(file));
    } catch (error) {
      throw new Error(`${name} ${file} cannot be read: ${(error as Error).message}`);
    }
  };
  const [crt, key] = [read('TEMPORAL_TLS_CERT_FILE'), read('TEMPORAL_TLS_KEY_FILE')];
  if (Boolean(crt) !== Boolean(key)) throw new Error('TEMPORAL_TLS_CERT_FILE and TEMPORAL_TLS_KEY_FILE go together: the client certificate and its key');
  const tls: TemporalTls = {
    serverRootCACertificate: read('TEMPORAL_TLS_CA_FILE'),
    clientCertPair: crt && key ? { crt, key } : undefined,
    serverNameOverride: env.TEMPORAL_TLS_SERVER_NAME || undefined,
  };
  const wanted = env.TEMPORAL_TLS === 'true' || env.TEMPORAL_API_KEY || Object.values(tls).some((value) => value !== undefined);
  return wanted ? tls : undefined;
}

/** An absolute http(s) URL without query or fragment, kept without its trailing slash so that paths are appended to it. */
export function parsePublicBaseUrl(value: string, variable = 'PUBLIC_BASE_URL'): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`${variable} must be an absolute http or https URL, such as https://yixin.example.gov.cn, not ${value}`);
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '') {
    throw new Error(`${variable} must be an http or https URL without credentials, query or fragment, not ${value}`);
  }
  return url.href.replace(/\/+$/, '');
}

function positiveInteger(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const value = env[name];
  if (value === undefined || value === '') return fallback;
  if (!/^[1-9][0-9]*$/.test(value)) throw new Error(`${name} must be a positive integer, not ${value}`);
  return Number(value);
}

function readDeadlinePolicy(file: string): DeadlinePolicy {
  return readJsonFile('YIXIN_DEADLINE_POLICY_FILE', file, (json) => parseDeadlinePolicy(json, DEFAULT_DEADLINE_POLICY));
}

function parseAutoCheckpoint(value: string): number {
  if (/^\d{1,9}$/.test(value)) return Number(value);
  throw new Error(`SQLITE_AUTO_CHECKPOINT must be a number of pages (0 for none), not ${value}`);
}

function parseSynchronous(value: string): YixinConfig['sqliteSynchronous'] {
  const upper = value.toUpperCase();
  if (upper === 'OFF' || upper === 'NORMAL' || upper === 'FULL' || upper === 'EXTRA') return upper;
  throw new Error(`SQLITE_SYNCHRONOUS must be OFF, NORMAL, FULL or EXTRA, not ${value}`);
}

/** `yixin.sqlite` → `yixin.read-models.sqlite`, in the same directory. */
function beside(file: string, infix: string): string {
  const extension = extname(file);
  return join(dirname(file), `${basename(file, extension)}.${infix}${extension}`);
}
