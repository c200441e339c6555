// First: resolves the packages' aliases (@yixin/…) when Node runs the compiled code.
import '../../../libs/module-aliases/src/register';
import 'reflect-metadata';
import { randomInt } from 'node:crypto';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { runChaos } from './chaos-run';

const USAGE = 'npm run chaos -- [--cases 40] [--seed N] [--concurrency 4] [--apis 2] [--workers 3] [--pause 4-12] [--data-dir .data/chaos-<seed>]';

function positive(value: string, option: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1) throw new Error(`--${option} must be a positive integer, not ${value} (${USAGE})`);
  return parsed;
}

/**
 * `npm run chaos`: a fault run on the scaled topology (see chaos-run.ts). Prints its progress, then
 * the report as one JSON line; exits 0 when every check passed, 1 otherwise. A run is replayed by
 * its seed (`--seed`), printed first.
 */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      cases: { type: 'string', default: '40' },
      seed: { type: 'string' },
      concurrency: { type: 'string', default: '4' },
      apis: { type: 'string', default: '2' },
      workers: { type: 'string', default: '3' },
      pause: { type: 'string', default: '4-12' },
      'data-dir': { type: 'string' },
    },
  });
  const seed = values.seed === undefined ? randomInt(1, 2 ** 31) : positive(values.seed, 'seed');
  const [minPause, maxPause] = values.pause.split('-').map((bound) => Number(bound));
  if (!(minPause > 0 && maxPause >= minPause)) throw new Error(`--pause must be <min>-<max> seconds, not ${values.pause} (${USAGE})`);
  const progress = (line: string) => process.stdout.write(`[chaos ${new Date().toISOString().slice(11, 19)}] ${line}\n`);
  progress(`seed ${seed} (replay with --seed ${seed})`);
  const report = await runChaos({
    cases: positive(values.cases, 'cases'),
    seed,
    concurrency: positive(values.concurrency, 'concurrency'),
    apis: positive(values.apis, 'apis'),
    workers: positive(values.workers, 'workers'),
    minPauseMs: minPause * 1000,
    maxPauseMs: maxPause * 1000,
    dataDir: resolve(values['data-dir'] ?? join('.data', `chaos-${seed}`)),
    progress,
  });
  for (const check of report.checks) progress(`${check.ok ? 'PASS' : 'FAIL'} ${check.name}: ${check.detail}`);
  progress(
    `kills survived: ${Object.entries(report.kills).map(([kind, count]) => `${kind} ${count}`).join(', ')}; ` +
      `commands acknowledged ${report.commands.acknowledged}, lost ${report.commands.lost}, duplicated ${report.commands.duplicated} ` +
      `(${report.commands.doneUnacknowledged} done with their answer lost, ${report.commands.resent} sent again); ${report.seconds} s`,
  );
  process.stdout.write(`${JSON.stringify(report)}\n`);
  process.exit(report.passed ? 0 : 1);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
