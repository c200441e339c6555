export * from './case-list';
export * from './case-search';
export * from './case-timeline.projection';
export * from './case.commands';
export * from './case.queries';
export * from './council-agenda.queries';
export * from './supervision.queries';
export * from './cases.module';
