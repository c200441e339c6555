import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { cpSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Browser } from 'playwright-core';
import { createApiApp } from '@yixin/api';
import { caseStreamId } from '@yixin/case-stream';
import type { YixinConfig } from '@yixin/config';
import type { EventStore } from '@yixin/event-store';
import { openStores, PROJECTIONS } from '@yixin/platform';
import { rebuildProjections } from '@yixin/projections';
import { launchChromium, newConsoleContext } from '../test/support/browser';
import { ApiClient, temporaryDirectory, testConfig } from '@yixin/testing';
import { percentile, round, type Benchmark, type Figure } from './bench-kit';
import { caseLifeEvents } from './event-data';
import { describeLoad, measureMachineLoad } from './machine-load';

const repoRoot = join(__dirname, '..');
const KIB = 1024;
const BUDGET_KIB = 500;
/** A lazy chunk at least this big (gzipped) gets a row of its own; the smaller ones share one. */
const OWN_ROW_KIB = 10;
/** The demo's company, so that its user can sign in. */
const COMPANY = 'pc-beichen-aoyuan';
const OPEN_TASKS = 10_000;
const LOADS = 20;
const WARM_UP_LOADS = 2;
/** What the inbox page asks for first (apps/console/src/pages/inbox/inbox-page.tsx). */
const INBOX_PAGE_SIZE = 30;

/**
 * The console's weight and speed (issue 15, "Figures"): the JavaScript a first visit downloads
 * before anything shows, gzipped, against a budget of 500 KB; then in Chromium on this machine,
 * the sign-in page until its form is usable and the inbox of a company with 10,000 open tasks
 * until its first rows show, each beside the API call that the screen waits for.
 */
export const consoleFigures: Benchmark = {
  title: 'Console',
  async run() {
    // YIXIN_BENCH_CONSOLE_DIRS=old=/tmp/a,new=/tmp/b: builds of the console side by side, their loads alternated.
    const sideBySide = process.env.YIXIN_BENCH_CONSOLE_DIRS;
    if (sideBySide) return sideBySideFigures(sideBySide.split(',').map((named) => named.split('=') as [string, string]));
    // The console as the tree holds it now (a no-op when dist/console is up to date).
    execFileSync(process.execPath, ['-r', join(repoRoot, 'test/support/register-ts.js'), join(repoRoot, 'apps/console/tools/build-console.ts')], { stdio: 'inherit' });
    const consoleDir = await snapshotOfConsole();
    const figures = bundleFigures(consoleDir);
    figures.push(...(await browserFigures(consoleDir)));
    return figures;
  },
};

/**
 * A copy of dist/console, measured and served: another build of the tree (which empties
 * dist/console first) must not pull the files from under a run. Copied again if caught mid-build.
 */
async function snapshotOfConsole(): Promise<string> {
  for (let attempt = 0; attempt < 30; attempt++) {
    const copy = temporaryDirectory('yixin-bench-console-dist-');
    cpSync(join(repoRoot, 'dist', 'console'), copy, { recursive: true });
    const html = existsSync(join(copy, 'index.html')) ? readFileSync(join(copy, 'index.html'), 'utf8') : '';
    const named = [...html.matchAll(/"\/(assets\/[^"]+)"/g)].map(([, file]) => file);
    if (named.length > 0 && named.every((file) => existsSync(join(copy, file)))) return copy;
    await new Promise((resolve) => setTimeout(resolve, 2000));
  }
  throw new Error('dist/console stayed incomplete for a minute: is a build of the console failing?');
}

function gzippedKib(consoleDir: string, file: string): number {
  return gzipSync(readFileSync(join(consoleDir, file))).length / KIB;
}

/** The entry script of index.html and the modules it preloads are the initial JavaScript; every other chunk loads with the screen that needs it. */
function bundleFigures(consoleDir: string): Figure[] {
  const html = readFileSync(join(consoleDir, 'index.html'), 'utf8');
  const entry = /<script\b[^>]*type="module"[^>]*\bsrc="\/([^"]+)"/.exec(html)?.[1];
  if (!entry) throw new Error('dist/console/index.html names no module script');
  const preloads = [...html.matchAll(/<link\b[^>]*>/g)]
    .map(([tag]) => (/\brel="modulepreload"/.test(tag) ? /\bhref="\/([^"]+)"/.exec(tag)?.[1] : undefined))
    .filter((file): file is string => file !== undefined);
  const initial = [entry, ...preloads];
  const sizes = initial.map((file) => ({ file, kib: gzippedKib(consoleDir, file), rawKib: readFileSync(join(consoleDir, file)).length / KIB }));
  const total = sizes.reduce((sum, { kib }) => sum + kib, 0);
  const figures: Figure[] = sizes.map(({ file, kib, rawKib }) => ({
    name: `initial JavaScript: ${file}${file === entry ? ' (entry)' : ' (modulepreload)'}`,
    value: round(kib),
    unit: 'KiB gzipped',
    note: `${round(rawKib)} KiB as built`,
  }));
  figures.push({
    name: `initial JavaScript in all (${initial.length} file${initial.length > 1 ? 's' : ''})`,
    value: round(total),
    unit: 'KiB gzipped',
    target: `≤ ${BUDGET_KIB} KiB`,
    note: `${round((total / BUDGET_KIB) * 100)} % of the budget; zlib's default level, as a server's gzip would send it`,
  });
  // Stylesheets block the first paint too (antd's styles of the first screens, the console's own).
  for (const [tag] of html.matchAll(/<link\b[^>]*\brel="stylesheet"[^>]*>/g)) {
    const file = /\bhref="\/([^"]+)"/.exec(tag)?.[1];
    if (file) figures.push({ name: `initial CSS: ${file}`, value: round(gzippedKib(consoleDir, file)), unit: 'KiB gzipped', note: `${round(readFileSync(join(consoleDir, file)).length / KIB)} KiB as built; not JavaScript, outside the budget` });
  }

  const lazy = readdirSync(join(consoleDir, 'assets'))
    .map((name) => `assets/${name}`)
    .filter((file) => file.endsWith('.js') && !initial.includes(file))
    .map((file) => ({ file, kib: gzippedKib(consoleDir, file) }))
    .sort((a, b) => b.kib - a.kib);
  const small = lazy.filter(({ kib }) => kib < OWN_ROW_KIB);
  for (const { file, kib } of lazy.filter(({ kib }) => kib >= OWN_ROW_KIB)) {
    figures.push({ name: `lazy chunk: ${file}`, value: round(kib), unit: 'KiB gzipped', note: 'loaded with the first screen that needs it' });
  }
  figures.push({
    name: `lazy chunks under ${OWN_ROW_KIB} KiB (${small.length})`,
    value: round(small.reduce((sum, { kib }) => sum + kib, 0)),
    unit: 'KiB gzipped in all',
    note: small.map(({ file, kib }) => `${file.replace(/^assets\//, '').replace(/-[\w-]{8}\.js$/, '')} ${round(kib)}`).join(', '),
  });
  return figures;
}

/** OPEN_TASKS cases of COMPANY whose task is open (half awaiting sign-for, half in progress), one append each. */
async function fillInbox(store: EventStore): Promise<void> {
  const start = Date.now() - OPEN_TASKS * 60_000;
  for (let n = 0; n < OPEN_TASKS; n++) {
    const caseId = randomUUID();
    const events = caseLifeEvents(caseId, 0, start + n * 60_000, COMPANY).slice(0, n % 2 === 0 ? 2 : 3);
    await store.append(caseStreamId(caseId), events, 'no_stream');
  }
}

/**
 * Marks in the page, from its navigation start (performance.now()): the frame after the sign-in
 * form with its submit button is in the document, and the frame after the inbox's first task is
 * (`form`, `rows`: when that frame starts); then the same frames once drawn (`form painted`,
 * `rows painted`: a task queued as the frame starts runs after its style, layout and paint).
 */
const PAGE_MARKS = `(() => {
  const marks = (window.__consoleBench = {});
  const onFrame = (name) => requestAnimationFrame(() => {
    marks[name] = performance.now();
    setTimeout(() => { marks[name + ' painted'] = performance.now(); });
  });
  const seen = new Set();
  new MutationObserver(() => {
    if (!seen.has('form') && document.querySelector('form input') && document.querySelector('form button[type=submit]')) { seen.add('form'); onFrame('form'); }
    if (!seen.has('rows') && document.querySelector('[role=listitem][data-case-id]')) { seen.add('rows'); onFrame('rows'); }
  }).observe(document, { childList: true, subtree: true });
})()`;

/** Milliseconds from navigation start to the mark and to its frame painted, each load in a fresh browser context (a first visit: nothing cached). */
async function pageLoads(browser: Browser, baseUrl: string, path: string, mark: 'form' | 'rows', signedIn?: unknown): Promise<{ times: number[]; painted: number[] }> {
  return (await alternatedPageLoads(browser, [baseUrl], path, mark, signedIn))[0];
}

/** As pageLoads, the loads of each base URL in turn (one of each, then again), so that the machine's load weighs on each alike. */
async function alternatedPageLoads(browser: Browser, baseUrls: string[], path: string, mark: 'form' | 'rows', signedIn?: unknown): Promise<Array<{ times: number[]; painted: number[] }>> {
  const results = baseUrls.map(() => ({ times: [] as number[], painted: [] as number[] }));
  for (let turn = 0; turn < (WARM_UP_LOADS + LOADS) * baseUrls.length; turn++) {
    const load = Math.floor(turn / baseUrls.length);
    const baseUrl = baseUrls[turn % baseUrls.length];
    const { times, painted } = results[turn % baseUrls.length];
    const context = await newConsoleContext(browser, baseUrl);
    if (signedIn) await context.addInitScript(`localStorage.setItem('yixin.session', ${JSON.stringify(JSON.stringify(signedIn))})`);
    await context.addInitScript(PAGE_MARKS);
    const page = await context.newPage();
    await page.goto(path, { waitUntil: 'commit' });
    const handle = await page
      .waitForFunction((name) => (globalThis as unknown as { __consoleBench: Record<string, number> }).__consoleBench[`${name} painted`], mark, { timeout: 60_000 })
      .catch(async (error: unknown) => {
        throw new Error(`${path}: no ${mark} after 60 s, the page at ${page.url()} shows ${(await page.locator('body').innerText()).slice(0, 300)}`, { cause: error });
      });
    const paintedMs = (await handle.jsonValue()) as number;
    const ms = (await page.evaluate((name) => (globalThis as unknown as { __consoleBench: Record<string, number> }).__consoleBench[name], mark)) as number;
    if (load >= WARM_UP_LOADS) {
      times.push(ms);
      painted.push(paintedMs);
    }
    await context.close();
  }
  return results.map(({ times, painted }) => ({ times: times.sort((a, b) => a - b), painted: painted.sort((a, b) => a - b) }));
}

/** GET /tasks/inbox from node, the first page as the inbox asks for it, until its JSON is parsed. */
async function apiLatencies(baseUrl: string, token: string): Promise<number[]> {
  const times: number[] = [];
  for (let call = 0; call < WARM_UP_LOADS + LOADS; call++) {
    const started = performance.now();
    const response = await fetch(`${baseUrl}/tasks/inbox?limit=${INBOX_PAGE_SIZE}`, { headers: { authorization: `Bearer ${token}` } });
    const page = (await response.json()) as { total: number };
    if (page.total !== OPEN_TASKS) throw new Error(`the inbox holds ${page.total} tasks, not ${OPEN_TASKS}`);
    if (call >= WARM_UP_LOADS) times.push(performance.now() - started);
  }
  return times.sort((a, b) => a - b);
}

/** p50 and p99 of the times, each beside the same percentile of the baseline's. */
function timing(name: string, times: number[], note: string, baseline?: { name: string; times: number[] }): Figure[] {
  return [50, 99].map((p) => ({
    name: `${name} p${p}`,
    value: round(percentile(times, p)),
    unit: 'ms',
    ...(baseline ? { baseline: { name: `${baseline.name} p${p}`, value: round(percentile(baseline.times, p)) } } : {}),
    note,
  }));
}

async function browserFigures(consoleDir: string): Promise<Figure[]> {
  const dataDir = temporaryDirectory('yixin-bench-console-');
  // Never contacted: the API process connects to Temporal only for a health probe.
  const config: YixinConfig = testConfig(dataDir, '127.0.0.1:7233', { SQLITE_FILE: join(dataDir, 'yixin.sqlite'), YIXIN_CONSOLE_DIR: consoleDir });
  const started = performance.now();
  // Built without syncing, like a bulk import; the app opens the file as configured afterwards.
  const stores = await openStores({ ...config, sqliteSynchronous: 'OFF' });
  await fillInbox(stores.eventStore);
  await rebuildProjections(stores.eventStore, stores.readStore, PROJECTIONS);
  await stores.close();
  const fillSeconds = (performance.now() - started) / 1000;

  const app = await createApiApp(config, { logger: false });
  const browser = await launchChromium();
  try {
    await app.listen(0, '127.0.0.1');
    const baseUrl = await app.getUrl();
    const signedIn = (await new ApiClient(baseUrl).request('POST', '/auth/login', undefined, { username: 'pc.beichen-aoyuan', password: 'yixin-demo' })).body as { accessToken: string };
    // Chromium's renderers exit with their contexts, before a load measured around the runs could count them as ours:
    // what the rest of the machine was doing is measured alone, just before.
    const idle = measureMachineLoad();
    await new Promise((resolve) => setTimeout(resolve, 5000));
    const machine = `the machine in the 5 s before: ${describeLoad(idle.stop())}`;
    const signIn = await pageLoads(browser, baseUrl, '/#/login', 'form');
    const inbox = await pageLoads(browser, baseUrl, '/#/inbox', 'rows', signedIn);
    const apiTimes = await apiLatencies(baseUrl, signedIn.accessToken);
    const how = `${LOADS} loads after ${WARM_UP_LOADS} to warm up, each in a fresh Chromium context (nothing cached), from navigation start to the next frame; headless, same machine as the API; ${machine}`;
    const api = `GET /tasks/inbox?limit=${INBOX_PAGE_SIZE} alone, from node`;
    return [
      ...timing('sign-in page until its form is usable', signIn.times, how),
      ...timing('sign-in page until its form is usable, that frame painted', signIn.painted, `${how}, then its style, layout and paint`),
      ...timing(`inbox of a company with ${OPEN_TASKS.toLocaleString('en')} open tasks until its first rows show`, inbox.times, `${how}; its tasks and read models built in ${round(fillSeconds)} s`, {
        name: api,
        times: apiTimes,
      }),
      ...timing(`inbox of a company with ${OPEN_TASKS.toLocaleString('en')} open tasks until its first rows show, that frame painted`, inbox.painted, `${how}, then its style, layout and paint`),
      ...timing(`${api} (the call the inbox waits for)`, apiTimes, `${LOADS} calls after ${WARM_UP_LOADS} to warm up, one at a time, until the JSON is parsed`),
    ];
  } finally {
    await browser.close();
    await app.close();
  }
}

/** Sign-in and the inbox, each build served by an API process of its own over the same data, one load of each in turn. */
async function sideBySideFigures(builds: Array<[string, string]>): Promise<Figure[]> {
  const dataDir = temporaryDirectory('yixin-bench-console-');
  const config: YixinConfig = testConfig(dataDir, '127.0.0.1:7233', { SQLITE_FILE: join(dataDir, 'yixin.sqlite') });
  // One configuration (its PII master key among it), each build's directory.
  const configOf = (consoleDir: string): YixinConfig => ({ ...config, consoleDir: resolve(consoleDir) });
  const stores = await openStores({ ...config, sqliteSynchronous: 'OFF' });
  await fillInbox(stores.eventStore);
  await rebuildProjections(stores.eventStore, stores.readStore, PROJECTIONS);
  await stores.close();
  const apps = [];
  for (const [, dir] of builds) apps.push(await createApiApp(configOf(dir), { logger: false }));
  const browser = await launchChromium();
  try {
    const baseUrls: string[] = [];
    for (const app of apps) {
      await app.listen(0, '127.0.0.1');
      baseUrls.push(await app.getUrl());
    }
    const signedIn = (await new ApiClient(baseUrls[0]).request('POST', '/auth/login', undefined, { username: 'pc.beichen-aoyuan', password: 'yixin-demo' })).body as { accessToken: string };
    const idle = measureMachineLoad();
    await new Promise((resolve) => setTimeout(resolve, 5000));
    const how = `${LOADS} loads of each after ${WARM_UP_LOADS}, the builds in turn; the machine in the 5 s before: ${describeLoad(idle.stop())}`;
    const signIn = await alternatedPageLoads(browser, baseUrls, '/#/login', 'form');
    const inbox = await alternatedPageLoads(browser, baseUrls, '/#/inbox', 'rows', signedIn);
    return builds.flatMap(([name], index) => [
      ...timing(`${name}: sign-in page until its form is usable`, signIn[index].times, how),
      ...timing(`${name}: inbox of a company with ${OPEN_TASKS.toLocaleString('en')} open tasks until its first rows show`, inbox[index].times, how),
      ...timing(`${name}: the same, that frame painted`, inbox[index].painted, how),
    ]);
  } finally {
    await browser.close();
    for (const app of apps) await app.close();
  }
}
