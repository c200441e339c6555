import type { Client } from '@temporalio/client';
import type { EventStore } from '@yixin/event-store';
import { startE2eApp, type E2eApp } from '@yixin/testing';
import { caseEventTypes, E2E_BACKENDS, eventually, caseLogLength, sampleComplaint, type ApiClient } from '@yixin/testing';

/**
 * The whole first path over HTTP: the real API and worker (one embedded process), a real
 * Temporal dev server, a real store (a SQLite file, a PostgreSQL server).
 */
describe.each(E2E_BACKENDS)('a case travels end to end on %s', (backend) => {
  let e2e: E2eApp;
  let api: ApiClient;
  let store: EventStore;
  let temporalClient: Client;
  let staff: string;
  let company: string;
  let foreignCompany: string;
  let auditor: string;

  beforeAll(async () => {
    e2e = await startE2eApp({
      backend,
      users: { staff: 'staff.xiangyuan', company: 'pc.beichen-aoyuan', foreignCompany: 'pc.wocheng-yinxiang', auditor: 'auditor' },
    });
    ({ api, store } = e2e);
    ({ staff, company, foreignCompany, auditor } = e2e.tokens);
    temporalClient = await e2e.temporalClient();
  });

  afterAll(() => e2e?.stop());

  const eventCount = () => caseLogLength(store);
  const eventTypes = (caseId: string) => caseEventTypes(store, caseId);

  async function fileComplaint(): Promise<string> {
    const filed = await api.request('POST', '/cases', staff, sampleComplaint());
    expect(filed.status).toBe(201);
    expect(filed.body).toMatchObject({ status: 'filed', revision: 0, appended: ['ComplaintFiled'] });
    return filed.body.caseId;
  }

  async function inboxTask(token: string, caseId: string) {
    const inbox = await api.request('GET', '/tasks/inbox', token);
    expect(inbox.status).toBe(200);
    return (inbox.body.items as Array<{ caseId: string }>).find((task) => task.caseId === caseId);
  }

  async function signAndResolve(caseId: string) {
    expect((await api.request('POST', `/cases/${caseId}/task/sign-for`, company)).status).toBe(200);
    const resolved = await api.request('POST', `/cases/${caseId}/task/resolve`, company, { note: '已更换电梯主板，恢复运行' });
    expect(resolved.status).toBe(200);
    expect(resolved.body.status).toBe('resolved');
  }

  it('is filed, dispatched by its workflow, signed for, resolved, called back and closed; the auditor finds the chain intact', async () => {
    const caseId = await fileComplaint();

    const task = await eventually(() => inboxTask(company, caseId), 'the task in the company inbox');
    expect(task).toMatchObject({ status: 'awaiting_sign_for', assigneeOrganisationId: 'pc-beichen-aoyuan', category: 'elevator' });
    const { deadlines, filedAt } = task as unknown as { deadlines: Record<string, { due: string }>; filedAt: string };
    const [signForBy, resolveBy] = [deadlines.sign_for.due, deadlines.resolve.due];
    expect(Date.parse(signForBy) - Date.parse(filedAt)).toBeGreaterThanOrEqual(2 * 3600_000 - 60_000);
    expect(Date.parse(resolveBy) - Date.parse(filedAt)).toBeGreaterThanOrEqual(24 * 3600_000 - 60_000);

    // The company holding the task sees the resident; another company sees neither task nor case.
    const asHolder = await api.request('GET', `/cases/${caseId}`, company);
    expect(asHolder.body.resident).toEqual({ name: '王阿姨', phone: '13800000000', masked: false });
    expect(asHolder.body.location.unit).toBe('2单元1502室');
    expect(await inboxTask(foreignCompany, caseId)).toBeUndefined();
    expect((await api.request('GET', `/cases/${caseId}`, foreignCompany)).status).toBe(404);

    const before = await eventCount();
    const foreignSign = await api.request('POST', `/cases/${caseId}/task/sign-for`, foreignCompany);
    expect(foreignSign.status).toBe(404);
    expect(foreignSign.body.message).toMatch(/does not exist/);
    const resolveUnsigned = await api.request('POST', `/cases/${caseId}/task/resolve`, company, { note: '已处理' });
    expect(resolveUnsigned.status).toBe(409);
    expect(resolveUnsigned.body.message).toMatch(/must be signed for/);
    expect(await eventCount()).toBe(before);

    await signAndResolve(caseId);
    const closed = await api.request('POST', `/cases/${caseId}/call-back`, staff, { outcome: 'satisfied', rating: 5, note: '居民满意' });
    expect(closed.status).toBe(200);
    expect(closed.body).toMatchObject({ status: 'closed', appended: ['CallBackRecorded', 'CaseClosed'] });

    const workflow = temporalClient.workflow.getHandle(caseId);
    expect(await workflow.result()).toBe('closed');
    expect(await eventTypes(caseId)).toEqual(['ComplaintFiled', 'TaskDispatched', 'TaskSignedFor', 'TaskResolved', 'CallBackRecorded', 'CaseClosed']);

    const history = await api.request('GET', `/audit/cases/${caseId}/history`, auditor);
    expect(history.status).toBe(200);
    expect(history.body.verification).toEqual({ intact: true, eventCount: 6, problems: [] });
    const entries = history.body.events as Array<Record<string, any>>;
    expect(entries.map((entry) => [entry.revision, entry.type, entry.actor.role, entry.actor.organisationId, entry.tier])).toEqual([
      [0, 'ComplaintFiled', 'community_staff', 'xiangyuan', 'community'],
      [1, 'TaskDispatched', 'system', 'shushan-center', 'community'],
      [2, 'TaskSignedFor', 'property_company', 'pc-beichen-aoyuan', 'community'],
      [3, 'TaskResolved', 'property_company', 'pc-beichen-aoyuan', 'community'],
      [4, 'CallBackRecorded', 'community_staff', 'xiangyuan', 'community'],
      [5, 'CaseClosed', 'community_staff', 'xiangyuan', 'community'],
    ]);
    for (const [index, entry] of entries.entries()) {
      expect(entry.hash).toMatch(/^[0-9a-f]{64}$/);
      expect(entry.previousHash).toBe(index === 0 ? '0'.repeat(64) : entries[index - 1].hash);
      expect(Date.parse(entry.recordedAt)).not.toBeNaN();
      expect(entry.actor.userId).toEqual(expect.any(String));
    }
    // The auditor sees that the complaint holds personal data, encrypted, and nothing of it in clear.
    expect(entries[0].personalData).toEqual({ encrypted: true, subjectId: expect.stringMatching(/^[0-9a-f]{64}$/), keyId: expect.any(String), erased: false });
    expect(entries[0].data.personalData).toEqual(expect.objectContaining({ ciphertext: expect.any(String), iv: expect.any(String), tag: expect.any(String) }));
    for (const secret of ['王阿姨', '13800000000', '2单元1502室']) expect(JSON.stringify(entries)).not.toContain(secret);
  });

  it('goes back to the company as a redo with a new deadline when the resident is not satisfied', async () => {
    const caseId = await fileComplaint();
    const first = await eventually(() => inboxTask(company, caseId), 'the first dispatch');
    await signAndResolve(caseId);
    const notSatisfied = await api.request('POST', `/cases/${caseId}/call-back`, staff, { outcome: 'not_satisfied', rating: 2, note: '仍有异响' });
    expect(notSatisfied.body).toMatchObject({ status: 'awaiting_redo', appended: ['CallBackRecorded'] });

    const redo = await eventually(async () => {
      const task = (await inboxTask(company, caseId)) as { redoCount: number; resolveBy: string } | undefined;
      return task && task.redoCount === 1 ? task : undefined;
    }, 'the redo in the company inbox');
    expect(Date.parse(redo.resolveBy)).toBeGreaterThan(Date.parse((first as unknown as { resolveBy: string }).resolveBy));

    await signAndResolve(caseId);
    expect((await api.request('POST', `/cases/${caseId}/call-back`, staff, { outcome: 'satisfied', rating: 4 })).body.status).toBe('closed');
    expect(await temporalClient.workflow.getHandle(caseId).result()).toBe('closed');
    expect(await eventTypes(caseId)).toEqual([
      'ComplaintFiled', 'TaskDispatched', 'TaskSignedFor', 'TaskResolved', 'CallBackRecorded',
      'TaskRedoOrdered', 'TaskSignedFor', 'TaskResolved', 'CallBackRecorded', 'CaseClosed',
    ]);
  });

  it('rejects bad input with 400 listing what is wrong, and appends nothing', async () => {
    const before = await eventCount();
    const bad = await api.request('POST', '/cases', staff, {
      resident: { name: ' ', phone: '12345' },
      location: { communityId: 'xiangyuan', building: '' },
      category: 'unicorns',
      description: 'x',
      channel: 'visit',
      extra: true,
    });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toEqual(
      expect.arrayContaining([
        'resident.name must not be blank',
        expect.stringMatching(/^resident\.phone must be a mobile number/),
        expect.stringMatching(/^location\.compoundId/),
        expect.stringMatching(/^category must be one of/),
        'property extra should not exist',
      ]),
    );
    expect((await api.request('POST', '/cases', staff, '{not json')).status).toBe(400);
    expect((await api.request('POST', '/cases/not-a-uuid/task/sign-for', company)).status).toBe(400);
    expect((await api.request('POST', '/cases', staff, { ...sampleComplaint(), location: { ...sampleComplaint().location, compoundId: 'nowhere' } })).status).toBe(400);
    const otherCommunity = await api.request('POST', '/cases', staff, {
      ...sampleComplaint(),
      location: { communityId: 'hushan', compoundId: 'hushan-huayuan', building: '1幢' },
    });
    expect(otherCommunity.status).toBe(403);
    expect(await eventCount()).toBe(before);
  });

  it('refuses requests without a valid token or with the wrong role', async () => {
    expect((await api.request('GET', '/tasks/inbox')).status).toBe(401);
    expect((await api.request('GET', '/tasks/inbox', 'forged.token.value')).status).toBe(401);
    expect((await api.request('POST', '/auth/login', undefined, { username: 'auditor', password: 'wrong' })).status).toBe(401);
    expect((await api.request('GET', '/tasks/inbox', staff)).status).toBe(403);
    expect((await api.request('POST', '/cases', company, sampleComplaint())).status).toBe(403);
    expect((await api.request('GET', `/audit/cases/${'0'.repeat(8)}-0000-4000-8000-${'0'.repeat(12)}/history`, staff)).status).toBe(403);
  });

  it('lets one of two concurrent commands on a case win; the other gets 409 and the stream does not fork', async () => {
    const caseId = await fileComplaint();
    await eventually(() => inboxTask(company, caseId), 'the dispatch');
    const answers = await Promise.all([1, 2, 3].map(() => api.request('POST', `/cases/${caseId}/task/sign-for`, company)));
    expect(answers.map((answer) => answer.status).sort()).toEqual([200, 409, 409]);
    expect((await eventTypes(caseId)).filter((type) => type === 'TaskSignedFor')).toHaveLength(1);
    const revisions = (await store.readStream(`case-${caseId}`)).map((event) => event.revision);
    expect(revisions).toEqual(revisions.map((_, index) => index));
  });

  it('shows a filed task in the company inbox quickly (median over 20 cases)', async () => {
    const latencies: number[] = [];
    for (let i = 0; i < 20; i++) {
      const started = performance.now();
      const caseId = await fileComplaint();
      await eventually(() => inboxTask(company, caseId), 'the task in the inbox');
      latencies.push(performance.now() - started);
    }
    latencies.sort((a, b) => a - b);
    const median = (latencies[9] + latencies[10]) / 2;
    console.log(`${backend}: file → inbox over HTTP, 20 cases: median ${median.toFixed(0)} ms, max ${latencies[19].toFixed(0)} ms`);
    expect(latencies).toHaveLength(20);
  });
});
