/**
 * Resolves the packages' aliases (`@yixin/<name>`, see tsconfig.json `paths`) when Node runs the
 * code: tsc leaves `require('@yixin/cases')` as it is, so each entry point (apps/*\/src/main.ts)
 * imports this file first, by a relative path, before anything that uses an alias. It works from
 * the sources (test/support/register-ts.js requires it) and from dist/, because it resolves against
 * its own folder: `<libs>/module-aliases/src`. `@yixin/<name>` is `<libs>/<name>/src`, or, for the
 * apps' deliberate exports (apps/<name>/src/index.ts), `<apps>/<name>/src`.
 * Jest maps the same aliases with `moduleNameMapper` (jest.config.js); the Temporal workflow bundle
 * needs none (workflows/src imports libs/domain by relative paths, see workflows/src/index.ts).
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

const PREFIX = '@yixin/';
const REGISTERED = Symbol.for('yixin.module-aliases');
const libs = resolve(__dirname, '..', '..');
const apps = resolve(libs, '..', 'apps');

/** The folder an alias names, or undefined when it names no package. */
export function aliasTarget(request: string): string | undefined {
  if (!request.startsWith(PREFIX)) return undefined;
  const [name, ...rest] = request.slice(PREFIX.length).split('/');
  for (const root of [libs, apps]) {
    const folder = join(root, name, 'src');
    if (existsSync(folder)) return join(folder, ...rest);
  }
  return undefined;
}

type ResolveFilename = (request: string, ...rest: unknown[]) => string;
const Module = require('node:module') as { _resolveFilename: ResolveFilename } & Record<symbol, boolean>;

if (!Module[REGISTERED]) {
  Module[REGISTERED] = true;
  const resolveFilename = Module._resolveFilename;
  Module._resolveFilename = function (this: unknown, request: string, ...rest: unknown[]): string {
    return resolveFilename.call(this, aliasTarget(request) ?? request, ...rest);
  };
}
