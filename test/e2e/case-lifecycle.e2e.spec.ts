import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { readCaseStream } from '@yixin/case-stream';
import { type ComplaintForm } from '@yixin/cases';
import { DEMO_ORGANISATIONS, DEMO_PASSWORD, DirectoryService } from '@yixin/directory';
import type { Category, Deadline, DeadlineKind } from '@yixin/domain';
import type { EventStore, RecordedEvent } from '@yixin/event-store';
import { caseStateQuery } from '../../workflows/src/case.workflow';
import { startE2eApp, type E2eApp } from '@yixin/testing';
import { E2E_BACKENDS, eventually, historyToJson, sampleComplaint, type ApiClient, type HttpResult } from '@yixin/testing';

/** 0.0005 h = 1.8 s, 0.001 h = 3.6 s. */
const SECONDS_1_8 = 1_800;
const SECONDS_3_6 = 3_600;
const HOUR = 3_600_000;

/**
 * Real time, tiny limits: an elevator task not signed for is reminded 3.6 s after its dispatch and
 * escalated 3.6 s after the reminder. Every other category keeps the default limits (hours and
 * working days), so that its clock does not fire while a test runs.
 */
const FAST_SIGN_FOR_POLICY = {
  tasks: { elevator: { normal: { signFor: { hours: 0.0005 } } } },
  followUp: { normal: { remindAfter: { hours: 0.0005 }, escalateAfter: { hours: 0.001 } } },
};

/** Set to a folder, the sqlite run writes the Temporal history of each finished path there (test/workflows/replay.int.spec.ts replays them). */
const recordTo = process.env.RECORD_HISTORIES ? resolve(process.env.RECORD_HISTORIES) : undefined;

type OpenDeadlines = Partial<Record<DeadlineKind, Deadline & { remindedAt?: string; escalateAt?: string }>>;

const plus = (instant: string, ms: number) => new Date(Date.parse(instant) + ms).toISOString();
const fromNow = (ms: number) => new Date(Date.now() + ms).toISOString();

/**
 * Every path of a case's life over HTTP, on the real API and worker (one embedded process), a real
 * Temporal dev server running in real time and a real store: escalation and a council, returns,
 * withdrawal, duplicates, the paused clock and extensions. Each refusal met on the way answers 4xx
 * and appends nothing.
 */
describe.each(E2E_BACKENDS)('the life of a case on %s', (backend) => {
  let e2e: E2eApp;
  let api: ApiClient;
  let store: EventStore;
  let temporalClient: Client;
  let staff: string;
  let company: string;
  let otherCompany: string;
  let ownersCommittee: string;
  let propertyCouncil: string;
  let ownersCouncil: string;
  let streetOfficer: string;
  let districtOfficer: string;
  let auditor: string;

  beforeAll(async () => {
    e2e = await startE2eApp({
      backend,
      deadlinePolicy: FAST_SIGN_FOR_POLICY,
      users: {
        staff: 'staff.xiangyuan',
        company: 'pc.beichen-aoyuan',
        otherCompany: 'pc.wocheng-yinxiang',
        ownersCommittee: 'oc.beichen-aoyuan',
        propertyCouncil: 'council.property',
        ownersCouncil: 'council.owners',
        streetOfficer: 'street.officer',
        districtOfficer: 'district.officer',
        auditor: 'auditor',
      },
    });
    ({ api, store } = e2e);
    ({ staff, company, otherCompany, ownersCommittee, propertyCouncil, ownersCouncil, streetOfficer, districtOfficer, auditor } = e2e.tokens);
    temporalClient = await e2e.temporalClient();
  });

  afterAll(() => e2e?.stop());

  // ---------------------------------------------------------------- helpers

  const events = (caseId: string): Promise<RecordedEvent[]> => readCaseStream(store, caseId);
  const types = async (caseId: string) => (await events(caseId)).map((event) => event.type);
  const workflow = (caseId: string) => temporalClient.workflow.getHandle(caseId);

  function complaint(category: Category, description: string): ComplaintForm {
    return { ...sampleComplaint(), category, description };
  }

  async function file(body: ComplaintForm): Promise<string> {
    const filed = await api.request('POST', '/cases', staff, body);
    expect(filed.status).toBe(201);
    expect(filed.body).toMatchObject({ status: 'filed', revision: 0, appended: ['ComplaintFiled'] });
    return filed.body.caseId;
  }

  function act(token: string, caseId: string, action: string, body?: unknown): Promise<HttpResult> {
    return api.request('POST', `/cases/${caseId}/${action}`, token, body);
  }

  /** The action is done: 200, the events it appended, the status it left. */
  async function expectDone(token: string, caseId: string, action: string, body: unknown, appended: string[], status: string) {
    const answer = await act(token, caseId, action, body);
    expect({ status: answer.status, body: answer.body }).toMatchObject({ status: 200, body: { appended, status } });
    return answer.body;
  }

  /** The action is refused with `status`, a message matching `message`, and the case's stream does not grow. */
  async function expectRefused(token: string, caseId: string, action: string, body: unknown, status: number, message?: RegExp) {
    const before = (await events(caseId)).length;
    const answer = await act(token, caseId, action, body);
    expect(answer.status).toBe(status);
    if (message) expect(JSON.stringify(answer.body.message)).toMatch(message);
    expect((await events(caseId)).length).toBe(before);
  }

  /** Once the stream holds `count` events of `type` (1 by default); returns the stream. */
  function untilEvent(caseId: string, type: string, count = 1, timeoutMs = 30_000): Promise<RecordedEvent[]> {
    return eventually(
      async () => {
        const stream = await events(caseId);
        return stream.filter((event) => event.type === type).length >= count ? stream : undefined;
      },
      `${count} × ${type} on case ${caseId}`,
      timeoutMs,
    );
  }

  /** Once the case's workflow has applied every event of the stream (it then waits, or acts on what it learnt). */
  async function workflowCaughtUp(caseId: string): Promise<void> {
    const last = (await events(caseId)).length - 1;
    await eventually(async () => {
      // The bridge may not have started the workflow yet.
      const applied = await workflow(caseId)
        .query(caseStateQuery)
        .then(({ appliedRevision }) => appliedRevision)
        .catch((error: unknown) => {
          if (error instanceof WorkflowNotFoundError) return -1;
          throw error;
        });
      return applied >= last ? true : undefined;
    }, `the workflow of ${caseId} to apply revision ${last}`);
  }

  async function inbox(token: string): Promise<Array<Record<string, any>>> {
    const answer = await api.request('GET', '/tasks/inbox?limit=200', token);
    expect(answer.status).toBe(200);
    return answer.body.items;
  }

  const inboxTask = async (token: string, caseId: string) => (await inbox(token)).find((task) => task.caseId === caseId);

  function untilInInbox(token: string, caseId: string, matches: (task: Record<string, any>) => boolean = () => true) {
    return eventually(async () => {
      const task = await inboxTask(token, caseId);
      return task && matches(task) ? task : undefined;
    }, `case ${caseId} in the inbox`);
  }

  function untilNotInInbox(token: string, caseId: string) {
    return eventually(async () => ((await inboxTask(token, caseId)) ? undefined : true), `case ${caseId} to leave the inbox`);
  }

  async function caseView(caseId: string, token = staff): Promise<Record<string, any>> {
    const answer = await api.request('GET', `/cases/${caseId}`, token);
    expect(answer.status).toBe(200);
    return answer.body;
  }

  const dataOf = (stream: RecordedEvent[], type: string, nth = 1): Record<string, any> =>
    stream.filter((event) => event.type === type)[nth - 1].data as Record<string, any>;

  async function signForAndResolve(caseId: string, token = company): Promise<void> {
    await expectDone(token, caseId, 'task/sign-for', undefined, ['TaskSignedFor'], 'in_progress');
    await expectDone(token, caseId, 'task/resolve', { note: '已处理完毕，现场照片已上传' }, ['TaskResolved'], 'resolved');
  }

  async function callBackSatisfied(caseId: string): Promise<void> {
    await expectDone(staff, caseId, 'call-back', { outcome: 'satisfied', rating: 5, note: '居民满意' }, ['CallBackRecorded', 'CaseClosed'], 'closed');
  }

  /**
   * The end of every path: the workflow completes with the case closed, the stream holds exactly
   * `expected`, the audit chain is intact, the timeline (a read model) shows the same events with
   * the same actors and tiers; and, recording, the workflow's history is written as `<name>.json`.
   */
  async function finished(name: string, caseId: string, expected: string[]): Promise<RecordedEvent[]> {
    expect(await workflow(caseId).result()).toBe('closed');
    const stream = await events(caseId);
    expect(stream.map((event) => event.type)).toEqual(expected);

    const history = await api.request('GET', `/audit/cases/${caseId}/history`, auditor);
    expect(history.status).toBe(200);
    expect(history.body.verification).toEqual({ intact: true, eventCount: expected.length, problems: [] });

    const timeline = await eventually(async () => {
      const answer = await api.request<Array<Record<string, any>>>('GET', `/cases/${caseId}/timeline`, staff);
      expect(answer.status).toBe(200);
      return answer.body.length === expected.length ? answer.body : undefined;
    }, `the timeline of ${caseId}`);
    expect(timeline.map((entry) => [entry.revision, entry.type, entry.actorRole, entry.actorOrganisationId, entry.tier])).toEqual(
      stream.map((event) => [event.revision, event.type, event.metadata.actor.role, event.metadata.actor.organisationId, event.metadata.tier]),
    );

    if (recordTo && backend === 'sqlite') {
      expect((await workflow(caseId).describe()).status.name).toBe('COMPLETED');
      const recorded = await workflow(caseId).fetchHistory();
      mkdirSync(recordTo, { recursive: true });
      // The proto-JSON other Temporal tools read, without indentation: the files are committed.
      writeFileSync(join(recordTo, `${name}.json`), JSON.stringify(historyToJson(recorded)) + '\n');
    }
    return stream;
  }

  // ---------------------------------------------------------------- paths

  it('goes the plain way: dispatched, signed for, progress, resolved, called back, closed', async () => {
    const caseId = await file(complaint('water_leak', '卫生间顶部渗水，楼上住户不在家'));
    const task = await untilInInbox(company, caseId);
    expect(task).toMatchObject({ status: 'awaiting_sign_for', tier: 'community', assigneeOrganisationId: 'pc-beichen-aoyuan' });
    await expectDone(company, caseId, 'task/sign-for', undefined, ['TaskSignedFor'], 'in_progress');
    await expectDone(company, caseId, 'task/progress', { note: '已联系楼上住户，明日入户查看' }, ['ProgressReported'], 'in_progress');
    await expectDone(company, caseId, 'task/resolve', { note: '已更换楼上防水层' }, ['TaskResolved'], 'resolved');
    await callBackSatisfied(caseId);
    await finished('happy-path', caseId, [
      'ComplaintFiled', 'TaskDispatched', 'TaskSignedFor', 'ProgressReported', 'TaskResolved', 'CallBackRecorded', 'CaseClosed',
    ]);
  });

  it('is redone with a new deadline when the resident is not satisfied, then closed', async () => {
    const caseId = await file(complaint('water_leak', '厨房墙面渗水'));
    await untilInInbox(company, caseId);
    await signForAndResolve(caseId);
    await expectDone(staff, caseId, 'call-back', { outcome: 'not_satisfied', rating: 2, note: '仍在渗水' }, ['CallBackRecorded'], 'awaiting_redo');
    const redo = await untilInInbox(company, caseId, (task) => task.redoCount === 1);
    expect(redo).toMatchObject({ status: 'awaiting_sign_for', assigneeOrganisationId: 'pc-beichen-aoyuan' });
    await signForAndResolve(caseId);
    await callBackSatisfied(caseId);
    await finished('redone', caseId, [
      'ComplaintFiled', 'TaskDispatched', 'TaskSignedFor', 'TaskResolved', 'CallBackRecorded',
      'TaskRedoOrdered', 'TaskSignedFor', 'TaskResolved', 'CallBackRecorded', 'CaseClosed',
    ]);
  });

  it('is reminded and escalated to the street when the company misses sign-for; the street refers it to the property council, whose decision is dispatched, done and closed', async () => {
    const caseId = await file(complaint('elevator', '电梯停运，老人上下楼困难'));
    const task = await untilInInbox(company, caseId);
    expect(task.deadlines.sign_for.unit).toBe('hours');

    // The company does nothing: reminded 3.6 s after dispatch, escalated 3.6 s after the reminder.
    const stream = await untilEvent(caseId, 'CaseEscalated');
    expect(stream.map((event) => event.type)).toEqual(['ComplaintFiled', 'TaskDispatched', 'DeadlineReminderSent', 'CaseEscalated']);
    const dispatched = dataOf(stream, 'TaskDispatched');
    const reminder = dataOf(stream, 'DeadlineReminderSent');
    const escalated = dataOf(stream, 'CaseEscalated');
    expect(dispatched.deadlines.sign_for).toEqual({
      due: plus(dispatched.dispatchedAt, SECONDS_1_8),
      unit: 'hours',
      remindAt: plus(dispatched.dispatchedAt, 2 * SECONDS_1_8),
    });
    expect(reminder).toMatchObject({
      taskId: dispatched.taskId,
      assigneeOrganisationId: 'pc-beichen-aoyuan',
      deadline: 'sign_for',
      due: dispatched.deadlines.sign_for.due,
      escalateAt: plus(reminder.remindedAt, SECONDS_3_6),
    });
    expect(Date.parse(reminder.remindedAt)).toBeGreaterThanOrEqual(Date.parse(dispatched.deadlines.sign_for.remindAt));
    expect(escalated).toMatchObject({ fromTier: 'community', toTier: 'street', reason: 'overdue', supervisorOrganisationId: 'shushan' });
    expect(Date.parse(escalated.escalatedAt)).toBeGreaterThanOrEqual(Date.parse(reminder.escalateAt));
    // The street sets fresh limits (the default policy's) on everything still open.
    expect(Object.keys(escalated.deadlines).sort()).toEqual(['first_reply', 'resolve', 'sign_for']);
    expect(escalated.deadlines.sign_for).toEqual({ due: plus(escalated.escalatedAt, 2 * HOUR), unit: 'hours', remindAt: plus(escalated.escalatedAt, 2 * HOUR + SECONDS_1_8) });
    expect(escalated.deadlines.resolve.unit).toBe('working_days');
    expect(stream[2].metadata.actor).toMatchObject({ role: 'system', organisationId: 'shushan-center' });
    expect(stream[3].metadata.actor).toMatchObject({ role: 'system', organisationId: 'shushan-center' });

    const atStreet = await caseView(caseId, streetOfficer);
    expect(atStreet).toMatchObject({ status: 'awaiting_sign_for', tier: 'street' });
    expect(atStreet.task.deadlines.sign_for).toEqual(escalated.deadlines.sign_for);
    await untilInInbox(company, caseId, (row) => row.tier === 'street');
    await workflowCaughtUp(caseId);

    // Only the street handles it now.
    const referral = { council: 'property_council', question: '电梯维保责任在物业还是维保单位？' };
    await expectRefused(staff, caseId, 'council-referral', referral, 403, /handled at the street tier by shushan/);
    await expectRefused(districtOfficer, caseId, 'council-referral', referral, 403, /handled at the street tier/);
    await expectRefused(company, caseId, 'council-referral', referral, 403);
    await expectRefused(streetOfficer, caseId, 'council-referral', { council: 'property_council', question: ' ' }, 400);
    await expectDone(streetOfficer, caseId, 'council-referral', referral, ['CaseReferredToCouncil'], 'before_council');
    await untilNotInInbox(company, caseId);

    const session = { scheduledFor: fromNow(24 * HOUR) };
    const dueBy = fromNow(3 * 24 * HOUR);
    const decision = {
      decision: '由北辰奥园物业联系电梯维保单位更换主板，三日内恢复运行',
      assignee: { organisationId: 'pc-beichen-aoyuan', kind: 'property_company' },
      dueBy,
      vote: { for: 5, against: 1, abstain: 0 },
    };
    await expectRefused(company, caseId, 'task/sign-for', undefined, 404, /does not exist/);
    await expectRefused(ownersCouncil, caseId, 'council/session', session, 404, /does not exist/);
    await expectRefused(propertyCouncil, caseId, 'council/decision', decision, 409, /no session/);
    await expectRefused(propertyCouncil, caseId, 'council/session', { scheduledFor: fromNow(-HOUR) }, 400, /past/);
    await expectDone(propertyCouncil, caseId, 'council/session', session, ['CouncilSessionConvened'], 'before_council');
    await expectRefused(propertyCouncil, caseId, 'council/decision', { ...decision, vote: { for: 2, against: 3, abstain: 1 } }, 400, /carries no decision/);
    await expectRefused(propertyCouncil, caseId, 'council/decision', { ...decision, dueBy: fromNow(-HOUR) }, 400);
    await expectRefused(propertyCouncil, caseId, 'council/decision', { ...decision, assignee: { organisationId: 'nobody', kind: 'property_company' } }, 400);
    // Another compound's owners' committee sits on no property council and does not serve this compound: it would read the resident in full.
    const stranger = { organisationId: 'oc-hushan-huayuan', kind: 'owners_committee' };
    await expectRefused(propertyCouncil, caseId, 'council/decision', { ...decision, assignee: stranger }, 400, /neither serves compound beichen-aoyuan nor sits on council/);
    await expectRefused(streetOfficer, caseId, 'council/decision', decision, 403);
    await expectDone(propertyCouncil, caseId, 'council/decision', decision, ['CouncilDecisionRecorded'], 'council_decided');

    // The workflow dispatches the decision as a task; the decision sets the resolve deadline.
    const decided = await untilEvent(caseId, 'TaskDispatched', 2);
    const convened = dataOf(decided, 'CouncilSessionConvened');
    expect(convened).toMatchObject({ councilId: 'property-council', scheduledFor: session.scheduledFor });
    expect(convened.members).toEqual(expect.arrayContaining(['pc-beichen-aoyuan', 'pc-wocheng-yinxiang']));
    expect(dataOf(decided, 'CouncilDecisionRecorded')).toMatchObject({ councilId: 'property-council', sessionId: convened.sessionId, dueBy, vote: decision.vote });
    const councilTask = dataOf(decided, 'TaskDispatched', 2);
    expect(councilTask).toMatchObject({ origin: 'council_decision', assigneeOrganisationId: 'pc-beichen-aoyuan', assigneeKind: 'property_company' });
    expect(councilTask.taskId).not.toBe(dispatched.taskId);
    expect(councilTask.deadlines.resolve).toEqual({ due: dueBy, unit: 'hours', remindAt: plus(dueBy, SECONDS_1_8) });
    expect(councilTask.deadlines.sign_for.due).toBe(plus(councilTask.dispatchedAt, 2 * HOUR));
    const councilRow = await untilInInbox(company, caseId, (row) => row.taskId === councilTask.taskId);
    expect(councilRow).toMatchObject({ status: 'awaiting_sign_for', tier: 'street', resolveBy: dueBy });

    await signForAndResolve(caseId);
    await callBackSatisfied(caseId);
    const final = await finished('escalation-council', caseId, [
      'ComplaintFiled', 'TaskDispatched', 'DeadlineReminderSent', 'CaseEscalated',
      'CaseReferredToCouncil', 'CouncilSessionConvened', 'CouncilDecisionRecorded', 'TaskDispatched',
      'TaskSignedFor', 'TaskResolved', 'CallBackRecorded', 'CaseClosed',
    ]);

    // The auditor sees who acted at which tier.
    const history = await api.request('GET', `/audit/cases/${caseId}/history`, auditor);
    expect((history.body.events as Array<Record<string, any>>).map((entry) => [entry.type, entry.actor.role, entry.actor.organisationId, entry.tier])).toEqual([
      ['ComplaintFiled', 'community_staff', 'xiangyuan', 'community'],
      ['TaskDispatched', 'system', 'shushan-center', 'community'],
      ['DeadlineReminderSent', 'system', 'shushan-center', 'community'],
      ['CaseEscalated', 'system', 'shushan-center', 'community'],
      ['CaseReferredToCouncil', 'street_officer', 'shushan', 'street'],
      ['CouncilSessionConvened', 'council_member', 'property-council', 'street'],
      ['CouncilDecisionRecorded', 'council_member', 'property-council', 'street'],
      ['TaskDispatched', 'system', 'shushan-center', 'street'],
      ['TaskSignedFor', 'property_company', 'pc-beichen-aoyuan', 'street'],
      ['TaskResolved', 'property_company', 'pc-beichen-aoyuan', 'street'],
      ['CallBackRecorded', 'community_staff', 'xiangyuan', 'street'],
      ['CaseClosed', 'community_staff', 'xiangyuan', 'street'],
    ]);
    const timeline = (await api.request<Array<Record<string, any>>>('GET', `/cases/${caseId}/timeline`, staff)).body;
    expect(timeline[2].summary).toBe(`催办: pc-beichen-aoyuan missed the sign_for deadline of ${dispatched.deadlines.sign_for.due}`);
    expect(timeline[3].summary).toBe('督办: community → street (overdue), supervised by shushan');
    expect(timeline[6].summary).toBe(`联席会决定: ${decision.decision}; pc-beichen-aoyuan by ${dueBy}`);
    expect(final[4].data).toMatchObject({ council: 'property_council', councilId: 'property-council', question: referral.question });
  });

  describe('returned', () => {
    it('as wrongly routed waits for the community, which re-dispatches it to another of the compound’s assignees, never to a stranger', async () => {
      const caseId = await file(complaint('water_leak', '地下车库顶板渗水'));
      await untilInInbox(company, caseId);
      await expectRefused(company, caseId, 'task/return', { reason: 'wrongly_routed', note: ' ' }, 400);
      await expectRefused(otherCompany, caseId, 'task/return', { reason: 'wrongly_routed', note: '不归我们管' }, 404, /does not exist/);
      await expectDone(company, caseId, 'task/return', { reason: 'wrongly_routed', note: '该车库由卧城印象物业代管' }, ['TaskReturned'], 'returned');
      await untilNotInInbox(company, caseId);

      // No automatic dispatch: the workflow has seen the return and waits for the community.
      await workflowCaughtUp(caseId);
      await sleep(1_000);
      expect(await types(caseId)).toEqual(['ComplaintFiled', 'TaskDispatched', 'TaskReturned']);
      expect((await workflow(caseId).query(caseStateQuery)).state.status).toBe('returned');

      const redispatch = { assignee: { organisationId: 'oc-beichen-aoyuan', kind: 'owners_committee' }, reason: '地下车库属业主共有，由业委会组织维修' };
      await expectRefused(company, caseId, 'task/sign-for', undefined, 409, /cannot be signed for while returned/);
      await expectRefused(company, caseId, 'redispatch', redispatch, 403);
      await expectRefused(streetOfficer, caseId, 'redispatch', redispatch, 403, /handled at the community tier/);
      await expectRefused(staff, caseId, 'redispatch', { assignee: redispatch.assignee }, 400);
      // A company of another compound would read the resident in full: not one of this compound's.
      const stranger = { ...redispatch, assignee: { organisationId: 'pc-wocheng-yinxiang', kind: 'property_company' } };
      await expectRefused(staff, caseId, 'redispatch', stranger, 400, /pc-wocheng-yinxiang is not the property company of compound beichen-aoyuan/);
      await expectRefused(staff, caseId, 'redispatch', { ...redispatch, assignee: { organisationId: 'oc-beichen-aoyuan', kind: 'property_company' } }, 400, /not the property company of compound beichen-aoyuan/);
      await expectDone(staff, caseId, 'redispatch', redispatch, ['TaskDispatched'], 'awaiting_sign_for');

      const stream = await events(caseId);
      const [first, second] = [dataOf(stream, 'TaskDispatched', 1), dataOf(stream, 'TaskDispatched', 2)];
      expect(second).toMatchObject({ origin: 'redispatch', assigneeOrganisationId: 'oc-beichen-aoyuan', assigneeKind: 'owners_committee', reason: redispatch.reason });
      expect(second.taskId).not.toBe(first.taskId);
      await untilInInbox(ownersCommittee, caseId, (task) => task.taskId === second.taskId);
      expect(await inboxTask(company, caseId)).toBeUndefined();
      expect((await api.request('GET', `/cases/${caseId}`, company)).status).toBe(404);
      await expectRefused(company, caseId, 'task/sign-for', undefined, 404, /does not exist/);

      await signForAndResolve(caseId, ownersCommittee);
      await callBackSatisfied(caseId);
      await finished('returned-redispatched', caseId, [
        'ComplaintFiled', 'TaskDispatched', 'TaskReturned', 'TaskDispatched', 'TaskSignedFor', 'TaskResolved', 'CallBackRecorded', 'CaseClosed',
      ]);
    });

    it('without cause is rejected by the community and goes back to the same company with its original deadlines', async () => {
      const caseId = await file(complaint('water_leak', '外墙渗水到卧室'));
      const dispatched = await untilInInbox(company, caseId);
      const original = (await caseView(caseId)).task;
      expect(original.deadlines).toEqual(dispatched.deadlines);

      await expectRefused(staff, caseId, 'return/reject', { reason: '责任明确' }, 409, /cannot be sent back to its assignee while awaiting sign for/);
      await expectDone(company, caseId, 'task/return', { reason: 'wrongly_routed', note: '外墙不归物业' }, ['TaskReturned'], 'returned');
      await workflowCaughtUp(caseId);
      await expectRefused(company, caseId, 'return/reject', { reason: '责任明确' }, 403);
      await expectRefused(staff, caseId, 'return/reject', { reason: '' }, 400);
      await expectDone(staff, caseId, 'return/reject', { reason: '外墙属物业服务合同约定的公共部位，由物业负责' }, ['ReturnRejected'], 'awaiting_sign_for');

      const back = await caseView(caseId);
      expect(back.task).toEqual(original);
      const row = await untilInInbox(company, caseId);
      expect(row).toMatchObject({ taskId: original.taskId, status: 'awaiting_sign_for', deadlines: original.deadlines });
      expect(dataOf(await events(caseId), 'ReturnRejected')).toMatchObject({ taskId: original.taskId, assigneeOrganisationId: 'pc-beichen-aoyuan' });

      await signForAndResolve(caseId);
      await callBackSatisfied(caseId);
      await finished('return-rejected', caseId, [
        'ComplaintFiled', 'TaskDispatched', 'TaskReturned', 'ReturnRejected', 'TaskSignedFor', 'TaskResolved', 'CallBackRecorded', 'CaseClosed',
      ]);
    });

    it('for a disputed responsibility is referred to the property council by the workflow; the council decides, and the decision is done', async () => {
      const caseId = await file(complaint('water_leak', '屋顶渗水，物业称是开发商质保范围'));
      await untilInInbox(company, caseId);
      await expectDone(company, caseId, 'task/sign-for', undefined, ['TaskSignedFor'], 'in_progress');
      await expectDone(company, caseId, 'task/return', { reason: 'disputed_responsibility', note: '屋顶防水在开发商质保期内' }, ['TaskReturned'], 'returned');

      const referred = await untilEvent(caseId, 'CaseReferredToCouncil');
      expect(referred.map((event) => event.type)).toEqual(['ComplaintFiled', 'TaskDispatched', 'TaskSignedFor', 'TaskReturned', 'CaseReferredToCouncil']);
      expect(referred[4].data).toMatchObject({ council: 'property_council', councilId: 'property-council' });
      expect(referred[4].metadata.actor).toMatchObject({ role: 'system', organisationId: 'shushan-center' });
      await untilNotInInbox(company, caseId);
      await workflowCaughtUp(caseId);

      await expectDone(propertyCouncil, caseId, 'council/session', { scheduledFor: fromNow(2 * HOUR) }, ['CouncilSessionConvened'], 'before_council');
      const dueBy = fromNow(5 * 24 * HOUR);
      await expectDone(
        propertyCouncil,
        caseId,
        'council/decision',
        { decision: '质保期内由北辰奥园物业先行维修，再向开发商追偿', assignee: { organisationId: 'pc-beichen-aoyuan', kind: 'property_company' }, dueBy },
        ['CouncilDecisionRecorded'],
        'council_decided',
      );
      const dispatched = dataOf(await untilEvent(caseId, 'TaskDispatched', 2), 'TaskDispatched', 2);
      expect(dispatched).toMatchObject({ origin: 'council_decision', assigneeOrganisationId: 'pc-beichen-aoyuan' });
      expect(dispatched.deadlines.resolve.due).toBe(dueBy);
      await untilInInbox(company, caseId, (task) => task.taskId === dispatched.taskId);

      await signForAndResolve(caseId);
      await callBackSatisfied(caseId);
      const stream = await finished('disputed-to-council', caseId, [
        'ComplaintFiled', 'TaskDispatched', 'TaskSignedFor', 'TaskReturned', 'CaseReferredToCouncil',
        'CouncilSessionConvened', 'CouncilDecisionRecorded', 'TaskDispatched', 'TaskSignedFor', 'TaskResolved', 'CallBackRecorded', 'CaseClosed',
      ]);
      expect(stream.every((event) => event.metadata.tier === 'community')).toBe(true);
    });
  });

  describe("an owners' matter", () => {
    it("is dispatched to the compound's owners' committee, which handles it", async () => {
      const caseId = await file(complaint('maintenance_fund', '申请动用维修基金更换屋面防水'));
      const dispatched = dataOf(await untilEvent(caseId, 'TaskDispatched'), 'TaskDispatched');
      expect(dispatched).toMatchObject({ origin: 'complaint', assigneeOrganisationId: 'oc-beichen-aoyuan', assigneeKind: 'owners_committee' });
      const asCommittee = await caseView(caseId, ownersCommittee);
      expect(asCommittee).toMatchObject({ status: 'awaiting_sign_for', category: 'maintenance_fund', task: { assigneeOrganisationId: 'oc-beichen-aoyuan' } });
      await workflowCaughtUp(caseId);
      expect(await inboxTask(company, caseId)).toBeUndefined();
      await expectRefused(company, caseId, 'task/sign-for', undefined, 404, /does not exist/);
      await expectRefused(ownersCommittee, caseId, 'task/return', { reason: 'needs_owners_decision', note: '需业主表决' }, 400, /owners committee is the one/);

      await signForAndResolve(caseId, ownersCommittee);
      await callBackSatisfied(caseId);
      await finished('owners-matter', caseId, ['ComplaintFiled', 'TaskDispatched', 'TaskSignedFor', 'TaskResolved', 'CallBackRecorded', 'CaseClosed']);
    });

    it("waits when the compound has no owners' committee to dispatch to, until staff re-dispatch it", async () => {
      const directory = e2e.app.get(DirectoryService);
      const lonelyCourt = { id: 'lonely-court', kind: 'compound' as const, name: '孤园', parentId: 'xiangyuan', propertyCompanyId: 'pc-beichen-aoyuan' };
      await directory.seed([...DEMO_ORGANISATIONS, lonelyCourt], [], DEMO_PASSWORD, []);
      const body = complaint('maintenance_fund', '申请动用维修基金修缮外墙');
      const caseId = await file({ ...body, location: { ...body.location, compoundId: 'lonely-court' } });
      // The domain refuses the dispatch (no owners' committee); the workflow appends nothing and waits for news.
      await workflowCaughtUp(caseId);
      await sleep(500);
      expect(await types(caseId)).toEqual(['ComplaintFiled']);

      await expectDone(
        staff,
        caseId,
        'redispatch',
        { assignee: { organisationId: 'pc-beichen-aoyuan', kind: 'property_company' }, reason: '孤园尚未成立业委会，由物业先行组织业主表决' },
        ['TaskDispatched'],
        'awaiting_sign_for',
      );
      await signForAndResolve(caseId);
      await callBackSatisfied(caseId);
      await finished('refused-dispatch', caseId, ['ComplaintFiled', 'TaskDispatched', 'TaskSignedFor', 'TaskResolved', 'CallBackRecorded', 'CaseClosed']);
    });

    it("shows in the owners' committee's inbox", async () => {
      const caseId = await file(complaint('maintenance_fund', '申请动用维修基金维修消防泵'));
      await untilEvent(caseId, 'TaskDispatched');
      const task = await eventually(async () => {
        const answer = await api.request('GET', '/tasks/inbox?limit=200', ownersCommittee);
        expect(answer.status).toBe(200);
        return (answer.body.items as Array<Record<string, any>>).find((row) => row.caseId === caseId);
      }, "the task in the owners' committee's inbox");
      expect(task).toMatchObject({ assigneeOrganisationId: 'oc-beichen-aoyuan', status: 'awaiting_sign_for' });
    });
  });

  it('is withdrawn: closed as withdrawn, the workflow ends and the task leaves the company inbox', async () => {
    const caseId = await file(complaint('water_leak', '阳台渗水'));
    await untilInInbox(company, caseId);
    await workflowCaughtUp(caseId);
    await expectRefused(company, caseId, 'withdraw', { note: '居民撤回' }, 403);
    await expectRefused(staff, caseId, 'withdraw', { note: '   ' }, 400);
    await expectDone(staff, caseId, 'withdraw', { note: '居民表示已自行解决，撤回诉求' }, ['CaseClosed'], 'closed');
    expect(dataOf(await events(caseId), 'CaseClosed')).toMatchObject({ reason: 'withdrawn', note: '居民表示已自行解决，撤回诉求' });
    expect(await workflow(caseId).result()).toBe('closed');
    await untilNotInInbox(company, caseId);
    await expectRefused(company, caseId, 'task/sign-for', undefined, 409, /is closed/);
    await expectRefused(staff, caseId, 'withdraw', { note: '再次撤回' }, 409, /is closed/);
    await finished('withdrawn', caseId, ['ComplaintFiled', 'TaskDispatched', 'CaseClosed']);
  });

  it('is linked to the open case at the same place as a duplicate, never dispatched, and dispatched when unmerged', async () => {
    const first = complaint('water_leak', '3单元楼道顶部渗水');
    const primaryId = await file(first);
    await untilInInbox(company, primaryId);

    const second = await api.request('POST', '/cases', staff, { ...first, resident: { name: '李先生', phone: '13900000000' }, description: '楼道漏水，同一处' });
    expect(second.status).toBe(201);
    expect(second.body).toMatchObject({ status: 'duplicate', revision: 1, appended: ['ComplaintFiled', 'CaseLinkedAsDuplicate'] });
    const duplicateId = second.body.caseId as string;
    expect(dataOf(await events(duplicateId), 'CaseLinkedAsDuplicate')).toMatchObject({ primaryCaseId: primaryId });

    // Never dispatched while linked.
    await workflowCaughtUp(duplicateId);
    await sleep(1_000);
    expect(await types(duplicateId)).toEqual(['ComplaintFiled', 'CaseLinkedAsDuplicate']);
    expect(await caseView(duplicateId)).toMatchObject({ status: 'duplicate', task: null });
    expect(await inboxTask(company, duplicateId)).toBeUndefined();
    await expectRefused(company, duplicateId, 'task/sign-for', undefined, 404, /does not exist/);
    await expectRefused(company, duplicateId, 'unmerge', undefined, 403);
    await expectRefused(staff, primaryId, 'unmerge', undefined, 409, /cannot be unmerged while awaiting sign for/);
    await expectRefused(staff, primaryId, 'merge', { primaryCaseId: '00000000-0000-4000-8000-000000000000' }, 400, /does not exist/);
    await expectRefused(staff, primaryId, 'merge', { primaryCaseId: duplicateId }, 409, /is duplicate/);

    await expectDone(staff, duplicateId, 'unmerge', undefined, ['CaseUnlinked'], 'filed');
    const dispatched = dataOf(await untilEvent(duplicateId, 'TaskDispatched'), 'TaskDispatched');
    expect(dispatched).toMatchObject({ origin: 'complaint', assigneeOrganisationId: 'pc-beichen-aoyuan' });
    await untilInInbox(company, duplicateId);

    await signForAndResolve(duplicateId);
    await callBackSatisfied(duplicateId);
    await finished('duplicate-unmerged', duplicateId, [
      'ComplaintFiled', 'CaseLinkedAsDuplicate', 'CaseUnlinked', 'TaskDispatched', 'TaskSignedFor', 'TaskResolved', 'CallBackRecorded', 'CaseClosed',
    ]);
    await signForAndResolve(primaryId);
    await callBackSatisfied(primaryId);
    expect(await workflow(primaryId).result()).toBe('closed');
  });

  it('is neither reminded nor escalated while its clock is paused; resumed, it is reminded at the pushed-back time', async () => {
    const caseId = await file(complaint('elevator', '电梯按钮失灵'));
    const dispatched = dataOf(await untilEvent(caseId, 'TaskDispatched'), 'TaskDispatched');
    const paused = await expectDone(staff, caseId, 'clock/pause', { reason: '等待居民确认维修时间' }, ['ClockPaused'], 'awaiting_sign_for');
    const pausedAt = dataOf(await events(caseId), 'ClockPaused').pausedAt as string;
    expect(paused.revision).toBe(2);
    // Paused before the reminder fell due (3.6 s after the dispatch): else this test proves nothing.
    expect(Date.parse(pausedAt)).toBeLessThan(Date.parse(dispatched.deadlines.sign_for.remindAt));

    // Well past when the reminder and the escalation would have come, nothing has.
    await sleep(Math.max(0, Date.parse(dispatched.deadlines.sign_for.remindAt) + SECONDS_3_6 + 1_500 - Date.now()));
    expect(await types(caseId)).toEqual(['ComplaintFiled', 'TaskDispatched', 'ClockPaused']);
    expect((await caseView(caseId)).task.deadlines.sign_for).toEqual(dispatched.deadlines.sign_for);

    await expectDone(staff, caseId, 'clock/resume', undefined, ['ClockResumed'], 'awaiting_sign_for');
    const resumedAt = dataOf(await events(caseId), 'ClockResumed').resumedAt as string;
    const due = plus(dispatched.deadlines.sign_for.due, Date.parse(resumedAt) - Date.parse(pausedAt));
    const signFor = (await caseView(caseId)).task.deadlines.sign_for;
    expect(signFor).toEqual({ due, unit: 'hours', remindAt: plus(due, SECONDS_1_8) });

    const stream = await untilEvent(caseId, 'DeadlineReminderSent');
    expect(stream.slice(0, 5).map((event) => event.type)).toEqual(['ComplaintFiled', 'TaskDispatched', 'ClockPaused', 'ClockResumed', 'DeadlineReminderSent']);
    const reminder = dataOf(stream, 'DeadlineReminderSent');
    expect(reminder).toMatchObject({ deadline: 'sign_for', due });
    expect(Date.parse(reminder.remindedAt)).toBeGreaterThanOrEqual(Date.parse(signFor.remindAt));
    await expectDone(staff, caseId, 'withdraw', { note: '居民已自行联系维保单位' }, ['CaseClosed'], 'closed');
    expect(await workflow(caseId).result()).toBe('closed');
  });

  it('moves its deadlines when the clock is paused and resumed, and when an extension is granted; a refused one moves nothing', async () => {
    const caseId = await file(complaint('water_leak', '吊顶渗水，需入户查看'));
    await untilInInbox(company, caseId);
    await workflowCaughtUp(caseId);
    const initial: OpenDeadlines = (await caseView(caseId)).task.deadlines;
    expect([initial.sign_for!.unit, initial.first_reply!.unit, initial.resolve!.unit]).toEqual(['hours', 'working_days', 'hours']);

    // Paused: nothing moves yet, and the inbox shows no running deadline.
    await expectRefused(otherCompany, caseId, 'clock/pause', { reason: '等待居民' }, 404);
    await expectRefused(staff, caseId, 'clock/resume', undefined, 409, /is not paused/);
    await expectDone(staff, caseId, 'clock/pause', { reason: '居民出差，约定下周一入户' }, ['ClockPaused'], 'awaiting_sign_for');
    await expectRefused(company, caseId, 'clock/pause', { reason: '再次暂停' }, 409, /already paused/);
    expect((await caseView(caseId)).task.deadlines).toEqual(initial);
    expect(await untilInInbox(company, caseId, (task) => task.clockPaused === true)).toMatchObject({ nextDeadline: null });
    await sleep(1_200);

    // Resumed: deadlines counted in hours move back by exactly the paused time; working days by the working days passed (none).
    await expectDone(company, caseId, 'clock/resume', undefined, ['ClockResumed'], 'awaiting_sign_for');
    const stream = await events(caseId);
    const pausedMs = Date.parse(dataOf(stream, 'ClockResumed').resumedAt) - Date.parse(dataOf(stream, 'ClockPaused').pausedAt);
    expect(pausedMs).toBeGreaterThanOrEqual(1_200);
    const resumed: OpenDeadlines = (await caseView(caseId)).task.deadlines;
    for (const kind of ['sign_for', 'resolve'] as const) {
      const due = plus(initial[kind]!.due, pausedMs);
      expect(resumed[kind]).toEqual({ due, unit: 'hours', remindAt: plus(due, SECONDS_1_8) });
    }
    expect(resumed.first_reply).toEqual(initial.first_reply);
    expect(await untilInInbox(company, caseId, (task) => task.clockPaused === false)).toMatchObject({ nextDeadline: resumed.sign_for!.due });

    // An extension requested and granted moves the resolve deadline by what was asked.
    await expectDone(company, caseId, 'task/sign-for', undefined, ['TaskSignedFor'], 'in_progress');
    await expectRefused(staff, caseId, 'extension/grant', undefined, 409, /no extension request/);
    await expectRefused(staff, caseId, 'task/extension-request', { extension: { hours: 4 }, reason: '等待配件' }, 403);
    await expectRefused(company, caseId, 'task/extension-request', { extension: { hours: 0.1 }, reason: '等待配件' }, 400);
    await expectRefused(company, caseId, 'task/extension-request', { extension: { hours: 4, workingDays: 1 }, reason: '等待配件' }, 400, /exactly one/);
    await expectDone(company, caseId, 'task/extension-request', { extension: { hours: 4 }, reason: '防水材料明日到货' }, ['ExtensionRequested'], 'in_progress');
    await expectRefused(company, caseId, 'task/extension-request', { extension: { hours: 2 }, reason: '再延' }, 409, /already has an extension request/);
    await expectRefused(company, caseId, 'extension/grant', undefined, 403);
    expect((await caseView(caseId)).task.deadlines.resolve).toEqual(resumed.resolve);
    await expectDone(staff, caseId, 'extension/grant', undefined, ['DeadlineExtended'], 'in_progress');
    const extended: OpenDeadlines = (await caseView(caseId)).task.deadlines;
    const extendedDue = plus(resumed.resolve!.due, 4 * HOUR);
    expect(extended.resolve).toEqual({ due: extendedDue, unit: 'hours', remindAt: plus(extendedDue, SECONDS_1_8) });
    expect(extended.first_reply).toEqual(resumed.first_reply);
    expect(dataOf(await events(caseId), 'DeadlineExtended')).toMatchObject({ requested: true, resolve: extended.resolve });
    await untilInInbox(company, caseId, (task) => task.resolveBy === extendedDue);

    // Refused: nothing moves.
    await expectDone(company, caseId, 'task/extension-request', { extension: { workingDays: 2 }, reason: '还需两天' }, ['ExtensionRequested'], 'in_progress');
    await expectRefused(staff, caseId, 'extension/refuse', { reason: ' ' }, 400);
    await expectDone(staff, caseId, 'extension/refuse', { reason: '已延期一次，不再延期' }, ['ExtensionRefused'], 'in_progress');
    expect((await caseView(caseId)).task.deadlines).toEqual(extended);

    await expectDone(company, caseId, 'task/progress', { note: '已入户查看，防水层破损' }, ['ProgressReported'], 'in_progress');
    await expectDone(company, caseId, 'task/resolve', { note: '已重做防水层' }, ['TaskResolved'], 'resolved');
    await callBackSatisfied(caseId);
    await finished('pause-extension', caseId, [
      'ComplaintFiled', 'TaskDispatched', 'ClockPaused', 'ClockResumed', 'TaskSignedFor',
      'ExtensionRequested', 'DeadlineExtended', 'ExtensionRequested', 'ExtensionRefused',
      'ProgressReported', 'TaskResolved', 'CallBackRecorded', 'CaseClosed',
    ]);
  });
});
