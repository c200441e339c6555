import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ENVIRONMENT_VARIABLES, loadConfig, loadEmbeddedLauncherConfig } from '@yixin/config';
import { REPOSITORY_ROOT, temporaryDirectory } from '@yixin/testing';
import { clusterEnvironment } from './cluster-environment';

// js-yaml comes with the development tools, without type declarations: this is the little of it used here.
const { load } = require('js-yaml') as { load(text: string): unknown };

interface Compose {
  'x-yixin-environment': Record<string, string>;
  services: Record<string, { environment?: Record<string, string> }>;
}
const compose = load(readFileSync(join(REPOSITORY_ROOT, 'docker-compose.yml'), 'utf8')) as Compose;
const composeEnvironment = compose['x-yixin-environment'];
const composeNames = Object.keys(composeEnvironment);

/** The value compose gives a variable when the operator sets nothing: `${NAME:-default}` is its default. */
const composeDefault = (value: string) => value.replace(/\$\{[A-Z0-9_]+:-([^}]*)\}/g, '$1');
/** Compose's variables that are the operator's alone: `${NAME:-}`, empty unless set. */
const operatorsOwn = composeNames.filter((name) => composeEnvironment[name] === `\${${name}:-}`);
/** Compose's secrets, which the operator must set (`${NAME:?…}`); the topology keeps its own in its data directory. */
const secrets = composeNames.filter((name) => /\$\{[A-Z0-9_]+:\?/.test(composeEnvironment[name]));

/** Where the topology departs from compose's values on purpose, and why. */
const DIFFERENT_ON_PURPOSE: Record<string, string> = {
  YIXIN_STORE: 'the event log in PostgreSQL, the one database embedded here (compose: YIXIN_STORE=postgres)',
  DATABASE_URL: 'the embedded PostgreSQL on this machine',
  TEMPORAL_ADDRESS: 'the dev server on this machine',
  YIXIN_WECOM: 'WeCom messages to the local outbox: no network here, as for npm start',
};
/** Compose's variables the topology has no use for, and why. */
const UNUSED: Record<string, string> = {
  KURRENTDB_CONNECTION_STRING: 'the topology keeps its event log in PostgreSQL',
};

const addresses = { databaseUrl: 'postgres://postgres:secret@127.0.0.1:5432/yixin', temporalAddress: '127.0.0.1:7233', httpPort: 3000 };
function topologyEnvironment(env: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const withDataDir = { YIXIN_DATA_DIR: temporaryDirectory(), ...env };
  return clusterEnvironment(withDataDir, loadEmbeddedLauncherConfig(withDataDir), addresses);
}

describe('docker-compose.yml and npm run start:cluster configure the API and worker processes alike', () => {
  it('compose gives its api and worker services x-yixin-environment', () => {
    expect(compose.services.api.environment).toEqual(composeEnvironment);
    expect(compose.services.worker.environment).toEqual(composeEnvironment);
  });

  it('compose sets only variables loadConfig reads', () => {
    expect(composeNames.length).toBeGreaterThan(10);
    expect(composeNames.filter((name) => !(ENVIRONMENT_VARIABLES.loadConfig as readonly string[]).includes(name))).toEqual([]);
  });

  it('the topology sets every variable compose sets, with compose’s values where nothing but the machine differs', () => {
    const environment = topologyEnvironment();
    const settable = composeNames.filter((name) => !(name in UNUSED) && !operatorsOwn.includes(name));
    expect(settable.filter((name) => !environment[name])).toEqual([]);
    const alike = settable.filter((name) => !(name in DIFFERENT_ON_PURPOSE) && !secrets.includes(name));
    expect(alike.length).toBeGreaterThan(3);
    expect(Object.fromEntries(alike.map((name) => [name, environment[name]]))).toEqual(Object.fromEntries(alike.map((name) => [name, composeDefault(composeEnvironment[name])])));
  });

  it('the topology passes the operator’s own variables (providers’ keys, a mail server) on, as compose does', () => {
    expect(operatorsOwn).toEqual(expect.arrayContaining(['SMTP_URL', 'YIXIN_SMS_SIGN_NAME']));
    const operators = Object.fromEntries(operatorsOwn.map((name) => [name, `${name.toLowerCase()} of the operator`]));
    const environment = topologyEnvironment(operators);
    expect(Object.fromEntries(operatorsOwn.map((name) => [name, environment[name]]))).toEqual(operators);
  });

  it('loadConfig takes the topology’s environment: PostgreSQL, the dev server, the shared port, secrets of its own', () => {
    const config = loadConfig(topologyEnvironment());
    expect(config.store).toBe('postgres');
    expect(config.databaseUrl).toBe(addresses.databaseUrl);
    expect(config.temporal).toEqual(expect.objectContaining({ address: addresses.temporalAddress, namespace: 'default', taskQueue: 'yixin-cases' }));
    expect(config.httpPort).toBe(addresses.httpPort);
    expect(config.notifications.residentLinkSecret).toMatch(/^[0-9a-f]{64}$/);
  });
});
