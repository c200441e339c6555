export * from './case-command-executor';
export * from './case-stream';
export * from './case-stream.module';
export * from './notification-stream';
