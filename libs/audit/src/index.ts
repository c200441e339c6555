export * from './audit.queries';
export * from './event-export';
export * from './log-verification';
export * from './audit.module';
