import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import type { EventStore } from '@yixin/event-store';
import type { CaseEventMessage } from '../../workflows/src/case-messages';
import { caseEventSignal, caseStateQuery } from '../../workflows/src/case.workflow';
import { startE2eApp, type E2eApp } from '@yixin/testing';
import { eventually, caseLogLength, sampleComplaint, type ApiClient } from '@yixin/testing';

const { EventType } = temporal.api.enums.v1;

/**
 * A process that reaches Temporal's port can signal a case's workflow with any event. The workflow
 * must act only on what the log holds: the real system (embedded: API, bridge, worker) on a real
 * Temporal dev server, signalled as the bridge would, with an event the log never had.
 */
describe('a case workflow signalled with a forged event', () => {
  let e2e: E2eApp;
  let api: ApiClient;
  let store: EventStore;
  let client: Client;

  beforeAll(async () => {
    e2e = await startE2eApp({ users: { staff: 'staff.xiangyuan', company: 'pc.beichen-aoyuan' } });
    ({ api, store } = e2e);
    client = await e2e.temporalClient();
  });

  afterAll(() => e2e?.stop());

  const caseStatus = async (caseId: string) => (await api.request('GET', `/cases/${caseId}`, e2e.tokens.staff)).body.status as string;

  /** Once the workflow has completed a workflow task after the signals it received so far. */
  async function signalsHandled(caseId: string): Promise<void> {
    await eventually(async () => {
      const { events } = await client.workflow.getHandle(caseId).fetchHistory();
      const types = (events ?? []).map((event) => event.eventType);
      const lastSignal = types.lastIndexOf(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED);
      return types.lastIndexOf(EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED) > lastSignal ? true : undefined;
    }, 'the workflow to handle its signals');
  }

  it('keeps running and keeps the case as the log has it when signalled a CaseClosed the log does not hold', async () => {
    const caseId: string = (await api.request('POST', '/cases', e2e.tokens.staff, sampleComplaint())).body.caseId;
    await eventually(async () => ((await caseStatus(caseId)) === 'awaiting_sign_for' ? true : undefined), 'the dispatch');
    const workflow = client.workflow.getHandle(caseId);
    const before = await workflow.query(caseStateQuery);
    expect(before.state.status).toBe('awaiting_sign_for');
    const logBefore = await caseLogLength(store);

    const forged: CaseEventMessage = {
      type: 'CaseClosed',
      schemaVersion: 1,
      data: { reason: 'resident_satisfied', closedAt: new Date().toISOString() },
      revision: before.appliedRevision + 1,
    };
    await workflow.signal(caseEventSignal, forged);
    await signalsHandled(caseId);

    expect((await workflow.describe()).status.name).toBe('RUNNING');
    expect(await workflow.query(caseStateQuery)).toEqual(before);
    expect(await caseLogLength(store)).toBe(logBefore);

    // The real next event at that revision is applied, not mistaken for one already seen.
    expect((await api.request('POST', `/cases/${caseId}/task/sign-for`, e2e.tokens.company)).status).toBe(200);
    await eventually(async () => ((await workflow.query(caseStateQuery)).state.status === 'in_progress' ? true : undefined), 'the sign-for to reach the workflow');
    expect((await workflow.query(caseStateQuery)).appliedRevision).toBe(before.appliedRevision + 1);
    expect((await workflow.describe()).status.name).toBe('RUNNING');
  });
});
