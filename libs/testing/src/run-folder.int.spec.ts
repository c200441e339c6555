import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { removeRunFolder, useRunFolder } from './run-folder';

describe('the run folder', () => {
  const saved = { TMPDIR: process.env.TMPDIR, YIXIN_RUN_FOLDER: process.env.YIXIN_RUN_FOLDER };

  afterEach(() => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });

  it('holds the temporary files of this process and of those it starts, and goes with them', () => {
    const folder = useRunFolder('yixin-run-folder-test-');
    // Given explicitly: jest keeps a test's process.env apart from its worker's, which children inherit.
    const childsTemporaryDirectory = execFileSync(process.execPath, ['-e', "process.stdout.write(require('node:os').tmpdir())"], { encoding: 'utf8', env: process.env });
    expect(childsTemporaryDirectory).toBe(folder);
    mkdirSync(join(folder, 'yixin-test-abc'));
    writeFileSync(join(folder, 'yixin-test-abc', 'yixin.sqlite'), 'rows');

    removeRunFolder();

    expect(existsSync(folder)).toBe(false);
  });

  it('removes nothing when no run folder was made: TMPDIR alone is never deleted', () => {
    const folder = useRunFolder('yixin-run-folder-test-');
    delete process.env.YIXIN_RUN_FOLDER;

    removeRunFolder();

    expect(existsSync(folder)).toBe(true);
    process.env.YIXIN_RUN_FOLDER = folder;
    removeRunFolder();
  });
});
