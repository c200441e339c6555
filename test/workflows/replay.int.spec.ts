import { Worker } from '@temporalio/worker';
import { DeterminismViolationError } from '@temporalio/workflow';
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { historyFromJson } from '@yixin/testing';

/**
 * The histories of finished case workflows, one per path of a case's life, recorded from the real
 * system by test/e2e/case-lifecycle.e2e.spec.ts:
 *
 *   RECORD_HISTORIES=test/workflows/histories npx jest test/e2e/case-lifecycle.e2e.spec.ts -t sqlite
 *
 * The workflow code of today must replay every one of them: a case runs for weeks, so a deployment
 * meets workflows started by the code before it. No server needed.
 */
const historiesDir = join(__dirname, 'histories');
const historyFiles = readdirSync(historiesDir)
  .filter((file) => file.endsWith('.json'))
  .sort();

const loadHistory = (file: string) => historyFromJson(JSON.parse(readFileSync(join(historiesDir, file), 'utf8')));

/** The history the changed workflow is replayed on: a plain case, dispatched once. */
const CANARY = 'happy-path.json';

describe('recorded case workflow histories', () => {
  describe('replay on the workflow code as it is', () => {
    const errors = new Map<string, Error | undefined>();

    beforeAll(async () => {
      const histories = historyFiles.map((file) => ({ workflowId: basename(file, '.json'), history: loadHistory(file) }));
      const replays = Worker.runReplayHistories({ workflowsPath: require.resolve('../../workflows/src'), replayName: 'case-replay' }, histories);
      for await (const { workflowId, error } of replays) errors.set(workflowId, error);
    });

    it('include every path of a case', () => {
      expect(historyFiles).toEqual(
        expect.arrayContaining(
          [
            'escalation-council', 'returned-redispatched', 'return-rejected', 'disputed-to-council', 'owners-matter',
            'withdrawn', 'duplicate-unmerged', 'pause-extension', 'happy-path', 'redone',
          ].map((name) => `${name}.json`),
        ),
      );
    });

    it.each(historyFiles)('%s', (file) => {
      const workflowId = basename(file, '.json');
      expect(errors.has(workflowId)).toBe(true);
      expect(errors.get(workflowId)).toBeUndefined();
    });
  });

  it(`fail with a DeterminismViolationError on a workflow changed in a way that is not replay-safe (${CANARY})`, async () => {
    const replay = Worker.runReplayHistory(
      { workflowsPath: require.resolve('./__fixtures__/changed-workflow'), replayName: 'changed-case-replay' },
      loadHistory(CANARY),
      basename(CANARY, '.json'),
    );
    await expect(replay).rejects.toThrow(DeterminismViolationError);
    await expect(replay).rejects.toThrow(/nondeterminism/i);
  });
});
