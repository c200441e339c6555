import { condition, defineSignal, proxyActivities, setHandler } from '@temporalio/workflow';
import { BARE_EVENT_SIGNAL, DISPATCH_REVISION, type BareActivities, type BareEventMessage } from './bare-messages';

export const bareEventSignal = defineSignal<[BareEventMessage]>(BARE_EVENT_SIGNAL);

// The same activity options as the case workflow's.
const { dispatch } = proxyActivities<BareActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
});

/**
 * Folds the signalled events in revision order like the case workflow, dispatches once when the
 * complaint is filed, and ends when the case is closed.
 */
export async function bareCaseWorkflow(input: { caseId: string }): Promise<string> {
  const received: BareEventMessage[] = [];
  let appliedRevision = -1;
  let status = 'not_filed';
  let dispatched = false;
  setHandler(bareEventSignal, (message) => {
    received.push(message);
  });
  for (;;) {
    // Messages ahead of the next revision wait for it (here: the dispatch the activity brings).
    const ahead: BareEventMessage[] = [];
    for (const message of received.splice(0).sort((a, b) => a.revision - b.revision)) {
      if (message.revision <= appliedRevision) continue;
      if (message.revision > appliedRevision + 1) {
        ahead.push(message);
        continue;
      }
      appliedRevision = message.revision;
      if (message.type === 'ComplaintFiled') status = 'filed';
      if (message.type === 'CaseClosed') status = 'closed';
    }
    if (status === 'closed') return status;
    if (status === 'filed' && !dispatched) {
      await dispatch(input.caseId, new Date().toISOString());
      // Like the case workflow, it learns its own dispatch from the activity, not from a signal.
      appliedRevision = DISPATCH_REVISION;
      dispatched = true;
      received.push(...ahead);
      continue;
    }
    received.push(...ahead);
    const waiting = received.length;
    await condition(() => received.length > waiting);
  }
}
