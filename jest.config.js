/** One jest run: unit specs beside the code, integration and end-to-end suites under test/. */
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

module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/libs', '<rootDir>/apps', '<rootDir>/workflows', '<rootDir>/test'],
  testMatch: ['**/*.spec.ts', '**/*.test.ts'],
  transform: { '^.+\\.ts$': swc },
  // The packages' aliases, as in tsconfig.json `paths` (libs/module-aliases/src/register.ts does it for Node).
  moduleNameMapper: { '^@yixin/([^/]+)$': ['<rootDir>/libs/$1/src', '<rootDir>/apps/$1/src'] },
  setupFiles: ['<rootDir>/libs/testing/src/quiet-temporal.ts'],
  testTimeout: 120000,
};
