import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { writeApiTypes } from './write-api-types';

const repoRoot = join(__dirname, '..', '..', '..');
const consoleRoot = join(repoRoot, 'apps', 'console');
const outDir = join(repoRoot, 'dist', 'console');
const marker = join(outDir, '.inputs-sha256');

/** What the built console depends on: its own sources, and the API's (through the generated types), and the packages. */
const INPUTS = ['apps/console/index.html', 'apps/console/vite.config.mts', 'apps/console/tsconfig.json', 'apps/console/src', 'apps/console/tools', 'apps/api/src', 'libs', 'package-lock.json'];

/**
 * `npm start` and `npm test` build the console only when what it is built from changed: the API's
 * types of the console are written anew, the console is type-checked, then Vite builds it into
 * dist/console and antd's styles of the first screens are written beside it (extract-antd-styles.ts).
 * `--force` builds whatever the marker says.
 */
async function main(args: string[]): Promise<void> {
  const started = Date.now();
  const inputs = inputsHash();
  if (!args.includes('--force') && existsSync(marker) && readFileSync(marker, 'utf8').trim() === inputs) {
    log(`up to date (${Date.now() - started} ms)`);
    return;
  }
  log((await writeApiTypes()) ? 'API types written anew from the OpenAPI document' : 'API types unchanged');
  run('type-check', [join(repoRoot, 'node_modules', '.bin', 'tsc'), '--noEmit', '-p', join(consoleRoot, 'tsconfig.json')]);
  run('vite build', [join(repoRoot, 'node_modules', '.bin', 'vite'), 'build', '--logLevel', 'warn', '--config', join(consoleRoot, 'vite.config.mts')]);
  // React and antd as the browser runs them (production): antd's class names and records differ in development.
  run('antd styles', [process.execPath, '-r', join(repoRoot, 'test', 'support', 'register-ts.js'), join(consoleRoot, 'tools', 'extract-antd-styles.ts')], { NODE_ENV: 'production' });
  // Hashed after the types were written, since they are among the inputs.
  writeFileSync(marker, `${inputsHash()}\n`);
  log(`built into ${relative(repoRoot, outDir)} in ${Date.now() - started} ms`);
}

function run(label: string, [command, ...args]: string[], env: Record<string, string> = {}): void {
  const result = spawnSync(command, args, { cwd: repoRoot, stdio: 'inherit', env: { ...process.env, ...env } });
  if (result.status !== 0) throw new Error(`console ${label} failed (exit ${result.status ?? result.signal})`);
}

function inputsHash(): string {
  const hash = createHash('sha256');
  for (const file of INPUTS.flatMap((input) => filesUnder(join(repoRoot, input))).sort()) {
    hash.update(relative(repoRoot, file)).update('\0').update(readFileSync(file)).update('\0');
  }
  return hash.digest('hex');
}

function filesUnder(path: string): string[] {
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path).flatMap((name) => (name === 'node_modules' ? [] : filesUnder(join(path, name))));
}

function log(message: string): void {
  console.log(`console: ${message}`);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(`console: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
