'use strict';
/**
 * Lets a plain Node child process (`node -r ./test/support/register-ts.js …`) run the TypeScript
 * sources, compiled on first require with @swc/core and the same options as jest, so that tests
 * can start, kill and restart real yixin processes. It also resolves the packages' aliases
 * (`@yixin/<name>`), with the same hook the compiled entry points load.
 */
const fs = require('node:fs');
const swc = require('@swc/core');

require.extensions['.ts'] = (module, filename) => {
  const { code } = swc.transformSync(fs.readFileSync(filename, 'utf8'), {
    filename,
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
    },
    module: { type: 'commonjs' },
  });
  module._compile(code, filename);
};

require('../../libs/module-aliases/src/register.ts');
