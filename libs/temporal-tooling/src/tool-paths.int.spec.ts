import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findRepoRoot, readToolPaths } from './tool-paths';

describe('readToolPaths', () => {
  let repoRoot: string;

  beforeEach(() => {
    repoRoot = mkdtempSync(join(tmpdir(), 'yixin-tool-paths-'));
    writeFileSync(join(repoRoot, 'package.json'), '{}');
  });

  afterEach(() => {
    rmSync(repoRoot, { recursive: true, force: true });
  });

  it('finds the repository root from a folder below it', () => {
    const compiledDir = join(repoRoot, 'dist', 'libs', 'infra', 'src');
    mkdirSync(compiledDir, { recursive: true });

    expect(findRepoRoot(compiledDir)).toBe(repoRoot);
  });

  it('tells the user to run the setup when .tools/paths.json is missing', () => {
    expect(() => readToolPaths(repoRoot)).toThrow(/paths\.json is missing: run `npm start` or `npm test`/);
  });

  it('returns the paths that the setup recorded', () => {
    const binary = join(repoRoot, 'fake-temporal');
    writeFileSync(binary, '#!/bin/sh\n');
    chmodSync(binary, 0o755);
    mkdirSync(join(repoRoot, '.tools'));
    writeFileSync(
      join(repoRoot, '.tools', 'paths.json'),
      JSON.stringify({ temporalCli: binary, temporalTestServer: binary }),
    );

    expect(readToolPaths(repoRoot)).toEqual({ temporalCli: binary, temporalTestServer: binary });
  });

  it('rejects a recorded path that is no longer there', () => {
    mkdirSync(join(repoRoot, '.tools'));
    writeFileSync(
      join(repoRoot, '.tools', 'paths.json'),
      JSON.stringify({ temporalCli: join(repoRoot, 'gone'), temporalTestServer: join(repoRoot, 'gone') }),
    );

    expect(() => readToolPaths(repoRoot)).toThrow(/temporalCli .*gone .*is not an executable file/);
  });
});
