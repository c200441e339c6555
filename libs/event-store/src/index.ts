export * from './event-store';
export * from './hash-chain';
export * from './sqlite/sqlite-database';
export * from './sqlite/sqlite-event-store';
