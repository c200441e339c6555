import { sleep } from '@temporalio/workflow';
import { caseWorkflow as currentCaseWorkflow } from '../../../../workflows/src/case.workflow';
import type { CaseWorkflowInput } from '../../../../workflows/src/case-messages';

export { caseEventSignal, caseStateQuery } from '../../../../workflows/src/case.workflow';

/**
 * The case workflow with a change that is not replay-safe and not patched: a timer before anything
 * else. Replaying a recorded history against it must fail, or the replay tests prove nothing.
 */
export async function caseWorkflow(input: CaseWorkflowInput): ReturnType<typeof currentCaseWorkflow> {
  await sleep('1 second');
  return currentCaseWorkflow(input);
}
