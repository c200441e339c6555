import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CASE_SEARCH_ATTRIBUTES } from '../../workflows/src/case-search-attributes';

const root = join(__dirname, '..', '..');
const read = (file: string) => readFileSync(join(root, file), 'utf8');

/** A type as the `temporal` CLI spells it: KEYWORD is Keyword, KEYWORD_LIST is KeywordList. */
const cliType = (type: string) =>
  type
    .split('_')
    .map((word) => word[0] + word.slice(1).toLowerCase())
    .join('');

/** The `--name X --type Y` pairs of a `temporal operator search-attribute create` command line. */
const createdBy = (text: string) => [...text.matchAll(/--name (\w+) --type (\w+)/g)].map(([, name, type]) => `${name}=${type}`);

/**
 * A cluster gets the case search attributes from commands written by hand, in the compose file and
 * the docs: they must create exactly the attributes the case workflow upserts, with their types,
 * or its workflow tasks fail on the cluster.
 */
describe('the case search attributes a cluster is told to create', () => {
  const expected = Object.values(CASE_SEARCH_ATTRIBUTES).map(({ name, type }) => `${name}=${cliType(type)}`);

  it.each(['docker-compose.yml', 'docs/infrastructure.md'])('are those of the workflow in %s', (file) => {
    expect(createdBy(read(file))).toEqual(expected);
  });
});
