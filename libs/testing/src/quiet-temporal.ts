import { DefaultLogger, Runtime } from '@temporalio/worker';

// Temporal workers log every state change at INFO; tests show only warnings and errors.
Runtime.install({ logger: new DefaultLogger('WARN') });
