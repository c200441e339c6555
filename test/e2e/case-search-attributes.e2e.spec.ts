import type { Client } from '@temporalio/client';
import { readCaseStream } from '@yixin/case-stream';
import type { EventStore } from '@yixin/event-store';
import { caseEventTypes, eventually, sampleComplaint, startE2eApp, type ApiClient, type E2eApp } from '@yixin/testing';

/**
 * Elevator complaints get short sign-for limits: 18 s when normal (reminded a working day after a
 * miss, so nothing happens to the case within the test), 1.8 s when urgent (reminded 1.8 s after,
 * escalated to the street 3.6 s after the reminder). Every other category keeps the default limits.
 */
const POLICY = {
  tasks: { elevator: { normal: { signFor: { hours: 0.005 } }, urgent: { signFor: { hours: 0.0005 } } } },
  followUp: { urgent: { remindAfter: { hours: 0.0005 }, escalateAfter: { hours: 0.001 } } },
};

/** Temporal's visibility store is written after the workflow task that upserts: eventually consistent. */
const VISIBILITY_TIMEOUT_MS = 60_000;

/**
 * Operators find cases in Temporal by the search attributes each case's workflow carries, as
 * `temporal workflow list --query …` and the Web UI do: the real system (API, bridge, worker) on a
 * real Temporal dev server started as `npm start` starts it.
 */
describe('cases found in Temporal by their search attributes', () => {
  let e2e: E2eApp;
  let api: ApiClient;
  let store: EventStore;
  let client: Client;

  beforeAll(async () => {
    e2e = await startE2eApp({ deadlinePolicy: POLICY, users: { staff: 'staff.xiangyuan', company: 'pc.beichen-aoyuan' } });
    ({ api, store } = e2e);
    client = await e2e.temporalClient();
  });

  afterAll(() => e2e?.stop());

  async function file(complaint: Partial<ReturnType<typeof sampleComplaint>>): Promise<string> {
    const { status, body } = await api.request('POST', '/cases', e2e.tokens.staff, { ...sampleComplaint(), ...complaint });
    expect(status).toBe(201);
    return body.caseId as string;
  }

  async function until(caseId: string, status: string, tier = 'community'): Promise<void> {
    await eventually(async () => {
      const { body } = await api.request('GET', `/cases/${caseId}`, e2e.tokens.staff);
      return body.status === status && body.tier === tier ? true : undefined;
    }, `case ${caseId} ${status} at the ${tier}`, VISIBILITY_TIMEOUT_MS);
  }

  async function signFor(caseId: string): Promise<void> {
    expect((await api.request('POST', `/cases/${caseId}/task/sign-for`, e2e.tokens.company)).status).toBe(200);
  }

  async function listed(query: string): Promise<string[]> {
    const ids: string[] = [];
    for await (const workflow of client.workflow.list({ query })) ids.push(workflow.workflowId);
    return ids.sort();
  }

  /** Polls the list until it is exactly `caseIds`; on timeout, says what it listed last. */
  async function untilListed(query: string, caseIds: string[]): Promise<void> {
    const expected = [...caseIds].sort();
    let last: string[] = [];
    try {
      await eventually(async () => {
        last = await listed(query);
        return JSON.stringify(last) === JSON.stringify(expected) ? true : undefined;
      }, `${query} to list ${expected.join(', ') || 'nothing'}`, VISIBILITY_TIMEOUT_MS);
    } catch (error) {
      throw new Error(`${(error as Error).message}; it listed ${last.join(', ') || 'nothing'}`);
    }
  }

  it('finds a dispatched case by its place, category, tier and status, and by its new status once signed for', async () => {
    const caseId = await file({ category: 'water_leak' });
    await until(caseId, 'awaiting_sign_for');
    const filter = "Community='xiangyuan' AND Compound='beichen-aoyuan' AND Category='water_leak' AND Tier='community'";
    await untilListed(`${filter} AND CaseStatus='awaiting_sign_for' AND Overdue=false`, [caseId]);

    await signFor(caseId);
    await untilListed(`${filter} AND CaseStatus='in_progress'`, [caseId]);
    expect(await listed(`WorkflowId='${caseId}' AND CaseStatus='awaiting_sign_for'`)).toEqual([]);
  });

  it("finds a case escalated to the street and signed for there with the operators' query Tier='street' AND CaseStatus='in_progress'", async () => {
    const caseId = await file({ urgency: 'urgent' });
    await until(caseId, 'awaiting_sign_for', 'street');
    await untilListed("Tier='street' AND CaseStatus='awaiting_sign_for'", [caseId]);

    await signFor(caseId);
    await untilListed("Tier='street' AND CaseStatus='in_progress'", [caseId]);
    expect(await listed(`WorkflowId='${caseId}' AND Tier='community'`)).toEqual([]);
  });

  it('marks a case Overdue when its sign-for deadline passes with no new event, and clears it once signed for', async () => {
    const caseId = await file({});
    await until(caseId, 'awaiting_sign_for');
    const dispatched = (await readCaseStream(store, caseId)).find((event) => event.type === 'TaskDispatched')!;
    const signForDue = Date.parse((dispatched.data.deadlines as Record<string, { due: string }>).sign_for.due);
    const overdueElevators = "Category='elevator' AND Tier='community' AND Overdue=true";

    await untilListed(overdueElevators, [caseId]);
    expect(Date.now()).toBeGreaterThan(signForDue);
    // Nothing happened to the case: the workflow woke at the deadline by itself.
    expect(await caseEventTypes(store, caseId)).toEqual(['ComplaintFiled', 'TaskDispatched']);

    await signFor(caseId);
    await untilListed(overdueElevators, []);
    await untilListed("Category='elevator' AND Tier='community' AND CaseStatus='in_progress' AND Overdue=false", [caseId]);
  });
});
