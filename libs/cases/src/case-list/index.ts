/**
 * The case list: one read model (case-list.projection.ts, with its table), the queries that read it
 * (one file per family: lists, inbox, supervision queues, council agendas, Open311's public cases,
 * the changes live streams push), the inbox's cursor and the duplicate lookup that filing calls.
 */
export * from './case-list.projection';
export * from './case-list-page';
export * from './inbox-cursor';
export * from './select-cases';
export * from './select-inbox';
export * from './select-supervision-queue';
export * from './select-council-agenda';
export * from './select-public-cases';
export * from './select-changes';
export * from './duplicate-lookup';
