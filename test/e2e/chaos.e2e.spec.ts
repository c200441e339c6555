import { spawn } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { join } from 'node:path';
import type { ChaosReport } from '../../apps/chaos/src/chaos-run';
import { temporaryDirectory } from '@yixin/testing';

const repoRoot = join(__dirname, '..', '..');

/**
 * The short fault run inside `npm test` (`npm run chaos` as users run it, from the sources): the
 * scaled topology (2 APIs, 3 workers, PostgreSQL, a Temporal dev server), a few cases through their
 * whole life while every kind of process is SIGKILLed at least once. A failure names its seed:
 * `npm run chaos -- --seed <seed> --cases 8` replays it.
 */
describe('the fault run, short', () => {
  const seed = Number(process.env.CHAOS_SEED ?? randomInt(1, 2 ** 31));

  it(`loses nothing and does nothing twice while every kind of process is killed (seed ${seed})`, async () => {
    const args = ['--cases', '8', '--concurrency', '3', '--pause', '2-5', '--seed', String(seed), '--data-dir', temporaryDirectory()];
    const run = spawn(process.execPath, ['-r', join(repoRoot, 'test/support/register-ts.js'), join(repoRoot, 'apps/chaos/src/main.ts'), ...args], {
      cwd: repoRoot,
      env: { ...process.env, YIXIN_DATA_DIR: undefined, DATABASE_URL: undefined, TEMPORAL_ADDRESS: undefined, SMTP_URL: undefined },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    run.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    run.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exitCode = await new Promise<number | null>((resolve) => run.once('exit', resolve));
    const reportLine = output.split('\n').reverse().find((line) => line.startsWith('{"seed"'));
    if (!reportLine) throw new Error(`the run (seed ${seed}) printed no report; exit ${exitCode}:\n${output.slice(-4000)}`);
    const report = JSON.parse(reportLine) as ChaosReport;

    expect(report.checks.filter((check) => !check.ok)).toEqual([]);
    expect(report.commands).toMatchObject({ lost: 0, duplicated: 0 });
    // Answers lost to a kill are settled from the log, not acknowledged; most still are.
    expect(report.commands.acknowledged + report.commands.doneUnacknowledged).toBeGreaterThanOrEqual(8 * 4);
    expect(report.commands.acknowledged).toBeGreaterThan(report.commands.doneUnacknowledged);
    expect(report.cases).toMatchObject({ asked: 8, finished: 8, failed: [] });
    for (const kills of Object.values(report.kills)) expect(kills).toBeGreaterThanOrEqual(1);
    expect(exitCode).toBe(0);
  }, 20 * 60_000);
});
