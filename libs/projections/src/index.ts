export * from './projection-runner';
export * from './projection';
