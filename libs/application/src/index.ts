/**
 * Left only for two files another change is editing (apps/console/tools/write-api-types.ts and
 * bench/console.bench.ts): what they import, from the packages that own it now. Import
 * `@yixin/<package>` instead; delete this folder when nothing imports it.
 */
export { loadConfig, type YixinConfig } from '@yixin/config';
export { caseStreamId } from '@yixin/case-stream';
export { rebuildProjections } from '@yixin/projections';
export { openStores, PROJECTIONS } from '@yixin/platform';
