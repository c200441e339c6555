import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Absolute paths of the Temporal binaries that `scripts/setup.mjs` resolved or installed. */
export interface ToolPaths {
  temporalCli: string;
  temporalTestServer: string;
}

/**
 * The checkout's root: the nearest folder above `startDir` holding a package.json. This module runs
 * from source (jest) and compiled (dist/libs/temporal-tooling/src), so its own folder says nothing fixed.
 */
export function findRepoRoot(startDir: string = __dirname): string {
  for (let dir = startDir; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) {
      throw new Error(`No package.json found in ${startDir} or any folder above it`);
    }
  }
}

/** Reads `.tools/paths.json`, which `npm start` and `npm test` write through `scripts/setup.mjs`. */
export function readToolPaths(repoRoot: string = findRepoRoot()): ToolPaths {
  const pathsFile = join(repoRoot, '.tools', 'paths.json');
  const setupHint = 'run `npm start` or `npm test` (or `node scripts/setup.mjs`) to install the Temporal binaries';
  if (!existsSync(pathsFile)) {
    throw new Error(`${pathsFile} is missing: ${setupHint}`);
  }
  const paths = JSON.parse(readFileSync(pathsFile, 'utf8')) as Partial<ToolPaths>;
  return {
    temporalCli: requireExecutable(paths.temporalCli, 'temporalCli', pathsFile, setupHint),
    temporalTestServer: requireExecutable(paths.temporalTestServer, 'temporalTestServer', pathsFile, setupHint),
  };
}

function requireExecutable(path: unknown, field: keyof ToolPaths, pathsFile: string, setupHint: string): string {
  if (typeof path !== 'string') {
    throw new Error(`${pathsFile} has no "${field}": ${setupHint}`);
  }
  try {
    accessSync(path, constants.X_OK);
  } catch {
    throw new Error(`${field} ${path} (from ${pathsFile}) is not an executable file: ${setupHint}`);
  }
  return path;
}
