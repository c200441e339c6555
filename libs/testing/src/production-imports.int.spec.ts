import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = join(__dirname, '..', '..', '..');

/** Every TypeScript source of apps/, libs/ and workflows/ that is not a test nor the tests' support. */
function productionSources(): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!['node_modules', '__fixtures__', 'contract'].includes(entry.name) && path !== join(root, 'libs', 'testing')) walk(path);
      } else if (/\.tsx?$/.test(entry.name) && !/\.(spec|test)\.tsx?$/.test(entry.name)) {
        files.push(path);
      }
    }
  };
  for (const dir of ['apps', 'libs', 'workflows']) walk(join(root, dir));
  return files;
}

describe('the tests support (libs/testing)', () => {
  it('is imported by no production source, nor is the root test/ folder', () => {
    const offending = productionSources().filter((file) => /from '(@yixin\/testing|(\.\.\/)+test\/[^']*)'|require\('@yixin\/testing'\)/.test(readFileSync(file, 'utf8')));
    expect(offending.map((file) => relative(root, file))).toEqual([]);
  });
});
