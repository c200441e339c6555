/**
 * The workflows the worker registers; Temporal bundles this file and what it imports.
 * They import libs/domain by relative paths, not by its alias (@yixin/domain): Temporal's webpack
 * bundle is made in three places (the worker, bundleWorkflowCode and the replay of recorded
 * histories in test/workflows), none of which reads tsconfig's `paths`, and the deterministic
 * sandbox must take nothing but the pure domain anyway.
 */
export { caseWorkflow } from './case.workflow';
export { notificationWorkflow } from './notification.workflow';
