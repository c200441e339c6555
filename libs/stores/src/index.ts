export * from './sql-database';
export * from './store.tokens';
export * from './stores';
export * from './log-writes';
