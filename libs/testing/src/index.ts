/**
 * What the tests share (@yixin/testing): the harness (temporary directories, test configuration, a
 * Temporal dev server, an HTTP client), PostgreSQL for the tests, case fixtures, the application of an
 * end-to-end test, a controller under test (controller-under-test.ts), a local SMTP server (smtp-catcher.ts), the processes of /proc (processes.ts), the production sources, for tests that read them, and the run's own temporary folder (run-folder.ts). Only tests import it; tsconfig.build.json leaves it out of dist.
 * The Temporal runtime's quiet logger (quiet-temporal.ts) is a jest setup file, not exported.
 */
export * from './harness';
export * from './postgres';
export * from './case-fixtures';
export * from './e2e-app';
export * from './controller-under-test';
export * from './production-sources';
export * from './smtp-catcher';
export * from './processes';
export * from './run-folder';
