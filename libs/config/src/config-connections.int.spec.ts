import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, temporalConnectionOptions } from './config';

describe('loadConfig: how Temporal is reached', () => {
  let dir: string;
  beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'yixin-config-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const pem = (name: string) => {
    const file = join(dir, name);
    writeFileSync(file, `-----BEGIN ${name}-----\n`);
    return file;
  };

  it('connects in plain text by default, as to the embedded dev server on 127.0.0.1', () => {
    const { temporal } = loadConfig({ TEMPORAL_ADDRESS: '127.0.0.1:7233' });
    expect(temporalConnectionOptions(temporal)).toEqual({ address: '127.0.0.1:7233' });
  });

  it('connects over TLS with the system’s CAs when asked, and whenever an API key is given', () => {
    expect(temporalConnectionOptions(loadConfig({ TEMPORAL_TLS: 'true' }).temporal).tls).toEqual({});
    expect(temporalConnectionOptions(loadConfig({ TEMPORAL_API_KEY: 'key-1' }).temporal)).toMatchObject({ tls: {}, apiKey: 'key-1' });
  });

  it('reads the CA, the client certificate and its key for mTLS, and the server name to expect', () => {
    const { tls } = loadConfig({
      TEMPORAL_TLS_CA_FILE: pem('CA'),
      TEMPORAL_TLS_CERT_FILE: pem('CERT'),
      TEMPORAL_TLS_KEY_FILE: pem('KEY'),
      TEMPORAL_TLS_SERVER_NAME: 'temporal.internal',
    }).temporal;
    expect(tls?.serverRootCACertificate?.toString()).toBe('-----BEGIN CA-----\n');
    expect(tls?.clientCertPair?.crt.toString()).toBe('-----BEGIN CERT-----\n');
    expect(tls?.clientCertPair?.key.toString()).toBe('-----BEGIN KEY-----\n');
    expect(tls?.serverNameOverride).toBe('temporal.internal');
  });

  it('refuses a client certificate without its key, and a file it cannot read', () => {
    expect(() => loadConfig({ TEMPORAL_TLS_CERT_FILE: pem('CERT') })).toThrow(/TEMPORAL_TLS_CERT_FILE and TEMPORAL_TLS_KEY_FILE go together/);
    expect(() => loadConfig({ TEMPORAL_TLS_CA_FILE: join(dir, 'missing.pem') })).toThrow(/TEMPORAL_TLS_CA_FILE .*missing\.pem cannot be read/);
  });
});

describe('loadConfig: HTTP timeouts', () => {
  it('waits 10 s for headers, 60 s for a whole request, 5 s for the next on an idle connection', () => {
    expect(loadConfig({}).httpTimeouts).toEqual({ headersMs: 10_000, requestMs: 60_000, keepAliveMs: 5_000 });
  });

  it('refuses headers allowed longer than the whole request, as Node would', () => {
    expect(() => loadConfig({ HTTP_HEADERS_TIMEOUT_MS: '30000', HTTP_REQUEST_TIMEOUT_MS: '20000' })).toThrow(/HTTP_HEADERS_TIMEOUT_MS must not exceed/);
  });
});
