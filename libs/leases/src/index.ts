export * from './leases';
export * from './database-leases';
export * from './sole-writer-leases';
