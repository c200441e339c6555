export * from './case-counts.queries';
export * from './rate-table';
export * from './rates.projection';
export * from './rates.queries';
export * from './rates.module';
