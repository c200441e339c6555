export * from './json-logger';
export * from './metered-event-store';
export * from './metrics';
