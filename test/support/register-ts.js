'use strict';
/**
 * Lets a plain Node child process (`node -r ./test/support/register-ts.js …`) run the TypeScript
 * sources (compile-ts.js), so that tests can start, kill and restart real yixin processes. It also
 * resolves the packages' aliases (`@yixin/<name>`), with the same hook the compiled entry points load.
 */
require('./compile-ts');
require('../../libs/module-aliases/src/register.ts');
