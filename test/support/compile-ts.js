'use strict';
/**
 * Compiles the TypeScript sources on first require, with @swc/core and the same options as jest,
 * and does nothing else: a process started with it alone runs the sources as compiled code runs,
 * without the packages' aliases unless its entry point registers them. register-ts.js adds those.
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
