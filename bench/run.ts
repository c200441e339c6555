import 'reflect-metadata';
import { execSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import type { Benchmark, Figure } from './bench-kit';
import { postgresEventLog } from './event-log-postgres.bench';
import { sqliteEventLog } from './event-log.bench';
import { inboxLatency } from './inbox-latency.bench';
import { wholeLife } from './whole-life.bench';

/**
 * `npm run bench [name…]`: runs the benchmarks, prints their figures beside their baselines and
 * writes them to docs/benchmarks.md with the date and the commit. Never a pass/fail.
 */
const BENCHMARKS: Record<string, Benchmark> = {
  'event-log-sqlite': sqliteEventLog,
  'event-log-postgres': postgresEventLog,
  'inbox-latency': inboxLatency,
  'whole-life': wholeLife,
};

async function main(): Promise<void> {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const chosen = process.argv.slice(2);
  const names = chosen.length > 0 ? chosen : Object.keys(BENCHMARKS);
  const sections: string[] = [];
  for (const name of names) {
    const benchmark = BENCHMARKS[name];
    if (!benchmark) throw new Error(`unknown benchmark ${name}; known: ${Object.keys(BENCHMARKS).join(', ')}`);
    console.log(`\n## ${benchmark.title}`);
    const figures = await benchmark.run();
    const table = renderTable(figures);
    console.log(table);
    sections.push(`## ${benchmark.title}\n\n${table}\n`);
  }
  const commit = execSync('git rev-parse --short HEAD', { encoding: 'utf8' }).trim();
  const dirty = execSync('git status --porcelain', { encoding: 'utf8' }).trim() ? ' (with uncommitted changes)' : '';
  const header = `# Benchmarks\n\nWritten by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)}, commit ${commit}${dirty}, on this machine (${cpus().length} cores). Figures are measurements, never test assertions.\n`;
  if (chosen.length === 0) writeFileSync(join(__dirname, '..', 'docs', 'benchmarks.md'), [header, ...sections].join('\n'));
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
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
