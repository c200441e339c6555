import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { productionSources, REPOSITORY_ROOT } from '@yixin/testing';
import { ENVIRONMENT_VARIABLES, embeddedSystemEnv, loadCliSecrets, loadConfig, loadEmbeddedLauncherConfig } from './config';

/**
 * docs/configuration.md documents every environment variable once; this holds it to the code: the
 * variables config.ts declares, the ones it reads, and no reading of the environment anywhere else.
 */
const root = REPOSITORY_ROOT;
const configSource = readFileSync(join(__dirname, 'config.ts'), 'utf8');

const declared = new Set<string>(Object.values(ENVIRONMENT_VARIABLES).flat());

/** The table under "## Variables of the system": variable name → its "read by" cell. */
function documented(): Map<string, string> {
  const doc = readFileSync(join(root, 'docs', 'configuration.md'), 'utf8');
  const start = doc.indexOf('## Variables of the system');
  expect(start).toBeGreaterThanOrEqual(0);
  const end = doc.indexOf('\n## ', start + 1);
  const rows = new Map<string, string>();
  for (const line of doc.slice(start, end < 0 ? undefined : end).split('\n')) {
    const cells = line.split('|').map((cell) => cell.trim());
    if (cells.length < 4 || !cells[1].startsWith('`')) continue;
    for (const [, name] of cells[1].matchAll(/`([A-Z][A-Z0-9_]*)`/g)) {
      if (rows.has(name)) throw new Error(`${name} is documented twice in docs/configuration.md`);
      rows.set(name, cells[2]);
    }
  }
  return rows;
}

/** What config.ts reads, as written: env.NAME, env['NAME'], and the names its helpers are given. */
function readInConfigSource(): Set<string> {
  const names = new Set<string>();
  const patterns = [/\benv\.([A-Z][A-Z0-9_]*)/g, /\benv\[['"]([A-Z][A-Z0-9_]*)['"]\]/g, /\bpositiveInteger\(env, '([A-Z][A-Z0-9_]*)'/g, /\bread\('([A-Z][A-Z0-9_]*)'\)/g];
  for (const pattern of patterns) for (const [, name] of configSource.matchAll(pattern)) names.add(name);
  return names;
}

/** Every key the functions of config.ts read from `env`, whatever their values make them skip. */
function readAtRunTime(): Set<string> {
  const names = new Set<string>();
  const recording = (values: Record<string, string>) =>
    new Proxy(values, {
      get: (target, key) => {
        if (typeof key === 'string') names.add(key);
        return target[key as string];
      },
      has: (target, key) => {
        if (typeof key === 'string') names.add(key);
        return key in target;
      },
    }) as NodeJS.ProcessEnv;
  loadConfig(recording({}));
  loadConfig(recording({ YIXIN_STORE: 'kurrentdb', DATABASE_URL: 'postgres://x', KURRENTDB_CONNECTION_STRING: 'kurrentdb://x', YIXIN_PII_MASTER_KEY: Buffer.alloc(32).toString('base64') }));
  const launcher = loadEmbeddedLauncherConfig(recording({}));
  loadEmbeddedLauncherConfig(recording({ TEMPORAL_ADDRESS: 'somewhere:7233' }));
  embeddedSystemEnv(recording({ JWT_SECRET: 's', YIXIN_PII_MASTER_KEY: 'k', YIXIN_RESIDENT_LINK_SECRET: 'r' }), launcher, '127.0.0.1:7233');
  loadCliSecrets(recording({}));
  return names;
}

describe('docs/configuration.md and the environment variables the code reads', () => {
  it('documents every variable config.ts declares, and no other', () => {
    const doc = documented();
    expect([...declared].filter((name) => !doc.has(name)).sort()).toEqual([]);
    expect([...doc.keys()].filter((name) => !declared.has(name)).sort()).toEqual([]);
  });

  it('says which process reads each variable', () => {
    const doc = documented();
    for (const name of ENVIRONMENT_VARIABLES.loadConfig) expect([name, doc.get(name)]).toEqual([name, expect.stringMatching(/API|worker|CLI/)]);
    for (const name of ENVIRONMENT_VARIABLES.embeddedLauncher) expect([name, doc.get(name)]).toEqual([name, expect.stringContaining('launcher')]);
    for (const name of ENVIRONMENT_VARIABLES.cli) expect([name, doc.get(name)]).toEqual([name, expect.stringContaining('CLI')]);
  });

  it('declares every variable config.ts reads, as written and when run', () => {
    expect([...readInConfigSource()].filter((name) => !declared.has(name)).sort()).toEqual([]);
    expect([...readAtRunTime()].filter((name) => !declared.has(name)).sort()).toEqual([]);
  });

  it('reads each declared variable somewhere in config.ts', () => {
    const read = new Set([...readInConfigSource(), ...readAtRunTime()]);
    expect([...declared].filter((name) => !read.has(name)).sort()).toEqual([]);
  });

  it('reads the environment nowhere else in apps/, libs/ and workflows/', () => {
    const stray = productionSources(['apps/console'])
      .filter((file) => file !== join(__dirname, 'config.ts'))
      .flatMap((file) =>
        [...readFileSync(file, 'utf8').matchAll(/process\.env(?:\.([A-Za-z_][A-Za-z0-9_]*)|\[)/g)].map((match) => `${relative(root, file)}: process.env${match[1] ? `.${match[1]}` : '['}`),
      );
    expect(stray).toEqual([]);
  });
});
