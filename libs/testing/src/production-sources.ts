import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';

/** The repository's root, as tests that read its sources see it. */
export const REPOSITORY_ROOT = join(__dirname, '..', '..', '..');

/**
 * Every TypeScript source of apps/, libs/ and workflows/ that is not a test nor the tests' support
 * (libs/testing), without the folders in `skipped` (a folder's name, or its path from the root).
 */
export function productionSources(skipped: readonly string[] = []): string[] {
  const leftOut = new Set(['node_modules', 'libs/testing', ...skipped]);
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!leftOut.has(entry.name) && !leftOut.has(relative(REPOSITORY_ROOT, path))) walk(path);
      } else if (/\.tsx?$/.test(entry.name) && !/\.(spec|test)\.tsx?$/.test(entry.name)) {
        files.push(path);
      }
    }
  };
  for (const dir of ['apps', 'libs', 'workflows']) walk(join(REPOSITORY_ROOT, dir));
  return files;
}
