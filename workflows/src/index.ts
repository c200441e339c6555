/** The workflows the worker registers; Temporal bundles this file and what it imports. */
export { caseWorkflow } from './case.workflow';
