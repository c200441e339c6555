import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_DEADLINE_POLICY } from '@yixin/domain';
import { loadConfig } from './config';

describe('loadConfig: calendar and deadline policy', () => {
  let dir: string;
  beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'yixin-config-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const policyFile = (name: string, text: string) => {
    const file = join(dir, name);
    writeFileSync(file, text);
    return file;
  };

  it('uses the default policy and the packaged calendar when no file is given', () => {
    const config = loadConfig({});
    expect(config.deadlinePolicy).toBe(DEFAULT_DEADLINE_POLICY);
    expect(config.calendarFile).toBeUndefined();
  });

  it('merges a policy file over the default policy', () => {
    const file = policyFile('policy.json', JSON.stringify({ tasks: { elevator: { urgent: { resolve: { hours: 12 } } } } }));
    const { deadlinePolicy } = loadConfig({ YIXIN_DEADLINE_POLICY_FILE: file });
    expect(deadlinePolicy.tasks.elevator.urgent.resolve).toEqual({ hours: 12 });
    expect(deadlinePolicy.tasks.water_leak).toEqual(DEFAULT_DEADLINE_POLICY.tasks.water_leak);
  });

  it('names the policy file when it is not JSON or not a valid policy', () => {
    const notJson = policyFile('not-json.json', '{ tasks: ');
    expect(() => loadConfig({ YIXIN_DEADLINE_POLICY_FILE: notJson })).toThrow(`YIXIN_DEADLINE_POLICY_FILE ${notJson} cannot be read as JSON`);
    const invalid = policyFile('invalid.json', JSON.stringify({ tasks: { lift: {} } }));
    expect(() => loadConfig({ YIXIN_DEADLINE_POLICY_FILE: invalid })).toThrow(`YIXIN_DEADLINE_POLICY_FILE ${invalid}: deadline policy: tasks.lift is not a category`);
  });

  it('reads the calendar file as an absolute path', () =>
    expect(loadConfig({ YIXIN_CALENDAR_FILE: 'calendar-2027.json' }).calendarFile).toBe(join(process.cwd(), 'calendar-2027.json')));
});

describe('loadConfig: the master key of residents’ personal data', () => {
  it('reads YIXIN_PII_MASTER_KEY as 32 bytes', () => {
    const key = Buffer.alloc(32, 7);
    expect(loadConfig({ YIXIN_PII_MASTER_KEY: key.toString('base64') }).piiMasterKey).toEqual(key);
  });

  it('leaves it unset when absent: only the API needs it, and refuses to start without it', () =>
    expect(loadConfig({}).piiMasterKey).toBeUndefined());

  it('refuses a key that is not 32 bytes of base64', () =>
    expect(() => loadConfig({ YIXIN_PII_MASTER_KEY: 'c2hvcnQ=' })).toThrow(/YIXIN_PII_MASTER_KEY must be 32 random bytes in base64/));
});

describe('loadConfig: SQLite files', () => {
  it('keeps the read models in a file beside the log unless told otherwise', () => {
    expect(loadConfig({ YIXIN_DATA_DIR: '/srv/yixin' })).toMatchObject({ sqliteFile: '/srv/yixin/yixin.sqlite', sqliteReadModelsFile: '/srv/yixin/yixin.read-models.sqlite' });
    expect(loadConfig({ SQLITE_FILE: '/var/lib/cases.db' }).sqliteReadModelsFile).toBe('/var/lib/cases.read-models.db');
    expect(loadConfig({ SQLITE_READ_MODELS_FILE: '/tmp/views.sqlite' }).sqliteReadModelsFile).toBe('/tmp/views.sqlite');
  });

  it('refuses read models in the log file itself', () =>
    expect(() => loadConfig({ SQLITE_FILE: '/tmp/one.sqlite', SQLITE_READ_MODELS_FILE: '/tmp/one.sqlite' })).toThrow(/SQLITE_READ_MODELS_FILE must be another file than SQLITE_FILE/));
});

describe('loadConfig: SQLite checkpoints', () => {
  it('checkpoints every 1000 WAL pages unless told otherwise, 0 meaning never', () => {
    expect(loadConfig({}).sqliteAutoCheckpointPages).toBe(1000);
    expect(loadConfig({ SQLITE_AUTO_CHECKPOINT: '0' }).sqliteAutoCheckpointPages).toBe(0);
  });

  it('refuses a value that is not a number of pages', () =>
    expect(() => loadConfig({ SQLITE_AUTO_CHECKPOINT: '-1' })).toThrow(/SQLITE_AUTO_CHECKPOINT must be a number of pages/));
});

describe('loadConfig: the public address and the limits of unauthenticated clients', () => {
  it('publishes the local listening address unless PUBLIC_BASE_URL says otherwise', () => {
    expect(loadConfig({}).publicBaseUrl).toBe('http://127.0.0.1:3000');
    expect(loadConfig({ PORT: '8080' }).publicBaseUrl).toBe('http://127.0.0.1:8080');
    expect(loadConfig({ PUBLIC_BASE_URL: 'https://yixin.example.gov.cn/' }).publicBaseUrl).toBe('https://yixin.example.gov.cn');
    expect(loadConfig({ PUBLIC_BASE_URL: 'https://example.gov.cn/yixin/' }).publicBaseUrl).toBe('https://example.gov.cn/yixin');
  });

  it.each(['yixin.example.gov.cn', 'ftp://example.gov.cn', 'https://example.gov.cn/?a=1', 'https://user:secret@example.gov.cn'])('refuses PUBLIC_BASE_URL %s', (url) =>
    expect(() => loadConfig({ PUBLIC_BASE_URL: url })).toThrow(/PUBLIC_BASE_URL must be/));

  it('limits public reads, wrong api_keys and filings per key, each per minute', () => {
    expect(loadConfig({}).publicRateLimits).toEqual({ readsPerMinute: 300, apiKeyFailuresPerMinute: 10, filingsPerApiKeyPerMinute: 120 });
    expect(
      loadConfig({ RATE_LIMIT_PUBLIC_READS_PER_MINUTE: '5', RATE_LIMIT_API_KEY_FAILURES_PER_MINUTE: '3', RATE_LIMIT_FILINGS_PER_API_KEY_PER_MINUTE: '7' }).publicRateLimits,
    ).toEqual({ readsPerMinute: 5, apiKeyFailuresPerMinute: 3, filingsPerApiKeyPerMinute: 7 });
    expect(() => loadConfig({ RATE_LIMIT_PUBLIC_READS_PER_MINUTE: '0' })).toThrow(/RATE_LIMIT_PUBLIC_READS_PER_MINUTE must be a positive integer/);
  });
});
