import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { productionSources, REPOSITORY_ROOT } from './production-sources';

describe('the tests support (libs/testing)', () => {
  it('is imported by no production source, nor is the root test/ folder', () => {
    const offending = productionSources(['__fixtures__', 'contract']).filter((file) => /from '(@yixin\/testing|(\.\.\/)+test\/[^']*)'|require\('@yixin\/testing'\)/.test(readFileSync(file, 'utf8')));
    expect(offending.map((file) => relative(REPOSITORY_ROOT, file))).toEqual([]);
  });
});
