export * from './case-command-executor';
export * from './case-stream';
