import 'reflect-metadata';
import { execSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { removeRunFolder, useRunFolder } from '@yixin/testing';
import type { Benchmark, Figure } from './bench-kit';
import { postgresEventLog } from './event-log-postgres.bench';
import { sqliteEventLog } from './event-log.bench';
import { httpFiling } from './http-filing.bench';
import { inboxLatency } from './inbox-latency.bench';
import { wholeLife } from './whole-life.bench';
import { inboxQuery } from './inbox-query.bench';
import { consoleFigures } from './console.bench';
import { open311SearchPostgres, open311SearchSqlite } from './open311-search.bench';
import { notifications } from './notifications.bench';
import { scaledWholeLife } from './scaled-whole-life.bench';

/**
 * `npm run bench [name…]`: runs the benchmarks (all, or those named), prints their figures beside
 * their baselines and writes them to docs/benchmarks.md, each section replacing the one of the same
 * title and marked with its date and commit. Never a pass/fail.
 */
const BENCHMARKS: Record<string, Benchmark> = {
  'event-log-sqlite': sqliteEventLog,
  'event-log-postgres': postgresEventLog,
  'inbox-latency': inboxLatency,
  'whole-life': wholeLife,
  'http-filing': httpFiling,
  'inbox-query': inboxQuery,
  console: consoleFigures,
  'open311-search-sqlite': open311SearchSqlite,
  'open311-search-postgres': open311SearchPostgres,
  notifications,
  'scaled-whole-life': scaledWholeLife,
};

async function main(): Promise<void> {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  useRunFolder('yixin-bench-run-');
  const chosen = process.argv.slice(2);
  const names = chosen.length > 0 ? chosen : Object.keys(BENCHMARKS);
  const sections = new Map<string, string>();
  const commit = execSync('git rev-parse --short HEAD', { encoding: 'utf8' }).trim();
  const dirty = execSync('git status --porcelain', { encoding: 'utf8' }).trim() ? ' (with uncommitted changes)' : '';
  for (const name of names) {
    const benchmark = BENCHMARKS[name];
    if (!benchmark) throw new Error(`unknown benchmark ${name}; known: ${Object.keys(BENCHMARKS).join(', ')}`);
    console.log(`\n## ${benchmark.title}`);
    const figures = await benchmark.run();
    const table = renderTable(figures);
    console.log(table);
    const measured = `Measured on ${new Date().toISOString().slice(0, 10)}, commit ${commit}${dirty}, ${cpus().length} cores.`;
    sections.set(benchmark.title, `## ${benchmark.title}\n\n${measured}\n\n${table}\n`);
  }
  writeBenchmarksDocument(sections);
}

const DOCUMENT = join(__dirname, '..', 'docs', 'benchmarks.md');
const HEADER = '# Benchmarks\n\nWritten by `npm run bench`; each section by its own latest run. Figures are measurements, never test assertions.\n';

/** Replaces the sections measured now, keeps the others as they were, in the order of BENCHMARKS. */
function writeBenchmarksDocument(measured: Map<string, string>): void {
  const kept = new Map<string, string>();
  const previous = existsSync(DOCUMENT) ? readFileSync(DOCUMENT, 'utf8') : '';
  for (const section of previous.split(/^(?=## )/m).filter((part) => part.startsWith('## '))) {
    kept.set(section.slice(3, section.indexOf('\n')).trim(), section.trimEnd() + '\n');
  }
  for (const [title, section] of measured) kept.set(title, section);
  const order = Object.values(BENCHMARKS).map((benchmark) => benchmark.title);
  const titles = [...kept.keys()].sort((a, b) => rank(order, a) - rank(order, b));
  writeFileSync(DOCUMENT, [HEADER, ...titles.map((title) => kept.get(title)!)].join('\n'));
}

function rank(order: string[], title: string): number {
  const index = order.indexOf(title);
  return index < 0 ? order.length : index;
}

function renderTable(figures: Figure[]): string {
  const rows = figures.map((figure) => {
    const baseline = figure.baseline ? `${figure.baseline.value} (${figure.baseline.name})` : '';
    const ratio = figure.baseline ? `${(figure.value / figure.baseline.value).toFixed(2)}×` : '';
    return `| ${figure.name} | ${figure.value} ${figure.unit} | ${baseline} | ${ratio} | ${figure.target ?? ''} | ${figure.note ?? ''} |`;
  });
  return ['| figure | value | baseline | ratio | target | note |', '| --- | --- | --- | --- | --- | --- |', ...rows].join('\n');
}

main().then(
  () => {
    removeRunFolder();
    process.exit(0);
  },
  (error: unknown) => {
    console.error(error);
    removeRunFolder();
    process.exit(1);
  },
);
