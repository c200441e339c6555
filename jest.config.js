/**
 * One jest run, three projects named by the tests' kind (see docs/architecture.md):
 * - unit: `*.unit.spec.ts` beside the code, pure (no file, network, process, database or Temporal);
 *   `npm run test:unit` runs them alone, in seconds;
 * - int: `*.int.spec.ts`, against a real store or server (a SQLite file, PostgreSQL, a Temporal dev
 *   server, a forked process), beside the code and under test/workflows;
 * - e2e: `*.e2e.spec.ts` under test/, the running system over HTTP, the console's browser suites too.
 * `npm test` (and plain `npx jest`) runs all three.
 */
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
    },
    module: { type: 'commonjs' },
    sourceMaps: 'inline',
  },
];

const shared = {
  testEnvironment: 'node',
  roots: ['<rootDir>/libs', '<rootDir>/apps', '<rootDir>/workflows', '<rootDir>/test'],
  transform: { '^.+\\.ts$': swc },
  // The packages' aliases, as in tsconfig.json `paths` (libs/module-aliases/src/register.ts does it for Node).
  moduleNameMapper: { '^@yixin/([^/]+)$': ['<rootDir>/libs/$1/src', '<rootDir>/apps/$1/src'] },
  setupFiles: ['<rootDir>/libs/testing/src/quiet-temporal.ts'],
};

module.exports = {
  // A global option: jest ignores it inside a project.
  testTimeout: 120000,
  // Two suites at a time, not jest's default of the cores less one (one, on the 2-core machines this
  // runs on): most suites wait on servers, timers and browsers more than they compute, and the run
  // took 12 minutes instead of 25 (docs/infrastructure.md).
  maxWorkers: 2,
  // Every temporary file of the run in one folder, removed at its end (libs/testing/src/run-folder.ts).
  globalSetup: '<rootDir>/test/support/run-folder.global-setup.ts',
  globalTeardown: '<rootDir>/test/support/run-folder.global-teardown.ts',
  projects: [
    { ...shared, displayName: 'unit', testMatch: ['**/*.unit.spec.ts'] },
    { ...shared, displayName: 'int', testMatch: ['**/*.int.spec.ts'] },
    { ...shared, displayName: 'e2e', testMatch: ['**/*.e2e.spec.ts'] },
  ],
};
