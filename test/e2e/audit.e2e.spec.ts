import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { verifyLog } from '@yixin/audit';
import { caseStreamId } from '@yixin/case-stream';
import { type YixinConfig } from '@yixin/config';
import { openStores, PROJECTIONS } from '@yixin/platform';
import { rebuildProjections } from '@yixin/projections';
import type { SqlDatabase } from '@yixin/stores';
import { computeEventHash, type EventStore, type RecordedEvent } from '@yixin/event-store';
import { startE2eApp, type E2eApp } from '@yixin/testing';
import { E2E_BACKENDS, eventually, caseLogLength, sampleComplaint, type ApiClient } from '@yixin/testing';

const repoRoot = join(__dirname, '..', '..');

/** The auditor's tools and the read side, over HTTP and the command line, on every backend. */
describe.each(E2E_BACKENDS)('auditing the log and rebuilding the read side on %s', (backend) => {
  let e2e: E2eApp;
  let config: YixinConfig;
  let api: ApiClient;
  let store: EventStore;
  let staff: string;
  let company: string;
  let auditor: string;
  let closedCase: string;
  let openCase: string;
  let closedEvents: RecordedEvent[];

  beforeAll(async () => {
    e2e = await startE2eApp({ backend, users: { staff: 'staff.xiangyuan', company: 'pc.beichen-aoyuan', auditor: 'auditor' } });
    ({ config, api, store } = e2e);
    ({ staff, company, auditor } = e2e.tokens);

    const inboxHas = (caseId: string) => async () =>
      ((await api.request<{ items: Array<{ caseId: string }> }>('GET', '/tasks/inbox', company)).body.items.some((task) => task.caseId === caseId) ? true : undefined);
    closedCase = (await api.request('POST', '/cases', staff, sampleComplaint())).body.caseId;
    await eventually(inboxHas(closedCase), 'the dispatch');
    await api.request('POST', `/cases/${closedCase}/task/sign-for`, company);
    await api.request('POST', `/cases/${closedCase}/task/resolve`, company, { note: '已修复' });
    await api.request('POST', `/cases/${closedCase}/call-back`, staff, { outcome: 'satisfied', rating: 5 });
    openCase = (await api.request('POST', '/cases', staff, { ...sampleComplaint(), category: 'water_leak', description: '楼上渗水' })).body.caseId;
    await eventually(inboxHas(openCase), 'the second dispatch');
    closedEvents = await store.readStream(caseStreamId(closedCase));
    // The live projections have caught up once the case list shows the closure.
    await eventually(async () => ((await api.request('GET', `/cases?status=closed`, staff)).body.total === 1 ? true : undefined), 'the list');
  });

  afterAll(() => e2e?.stop());

  it('shows a case as it stood at a past revision or moment', async () => {
    const atRevision1 = await api.request('GET', `/audit/cases/${closedCase}/state?revision=1`, auditor);
    expect(atRevision1.status).toBe(200);
    expect(atRevision1.body).toMatchObject({ revision: 1, state: { status: 'awaiting_sign_for', task: { assigneeOrganisationId: 'pc-beichen-aoyuan' } } });

    const signedAt = closedEvents[2].recordedAt;
    const atMoment = await api.request('GET', `/audit/cases/${closedCase}/state?at=${encodeURIComponent(signedAt)}`, auditor);
    expect(atMoment.body).toMatchObject({ revision: 2, recordedAt: signedAt, state: { status: 'in_progress' } });

    const before = await api.request('GET', `/audit/cases/${closedCase}/state?at=2000-01-01T00:00:00Z`, auditor);
    expect(before.body).toMatchObject({ revision: -1, state: { status: 'not_filed' } });

    expect((await api.request('GET', `/audit/cases/${closedCase}/state?at=yesterday`, auditor)).status).toBe(400);
    expect((await api.request('GET', `/audit/cases/${closedCase}/state?revision=1`, staff)).status).toBe(403);
  });

  it('verifies the whole log and exports it as JSON Lines and CSV with personal data masked', async () => {
    const verification = await api.request('GET', '/audit/verify', auditor);
    // The cases' two streams, and beside them the streams of what was sent about each, which grow on the worker's time.
    expect(verification.body).toEqual({ intact: true, eventsChecked: expect.any(Number), streamsChecked: expect.any(Number), problems: [] });
    expect(verification.body.eventsChecked).toBeGreaterThanOrEqual(await caseLogLength(store));
    expect([2, 3, 4]).toContain(verification.body.streamsChecked);

    const jsonl = await fetch(`${api.baseUrl}/audit/export?format=jsonl&caseId=${closedCase}`, { headers: { authorization: `Bearer ${auditor}` } });
    expect(jsonl.headers.get('content-type')).toMatch(/application\/x-ndjson/);
    const exported = (await jsonl.text()).trim().split('\n').map((line) => JSON.parse(line));
    expect(exported.map((event) => [event.revision, event.type, event.hash])).toEqual(closedEvents.map((event) => [event.revision, event.type, event.hash]));
    // Personal data is exported encrypted, as stored: nothing of it in clear, and every hash recomputes from the export.
    expect(exported[0].personal_data).toEqual({ encrypted: true, subjectId: expect.stringMatching(/^[0-9a-f]{64}$/), keyId: expect.any(String), erased: false });
    expect(exported.map((event) => event.personal_data_masked)).toEqual(closedEvents.map(() => false));
    expect(exported.map((event) => computeEventHash(event))).toEqual(closedEvents.map((event) => event.hash));
    for (const secret of ['王阿姨', '13800000000', '2单元1502室']) expect(JSON.stringify(exported)).not.toContain(secret);

    const csv = await fetch(`${api.baseUrl}/audit/export?format=csv`, { headers: { authorization: `Bearer ${auditor}` } });
    const rows = (await csv.text()).trim().split('\n');
    expect(rows[0]).toBe(
      'global_position,stream_id,revision,event_id,type,recorded_at,actor_user_id,actor_role,actor_organisation_id,tier,correlation_id,causation_id,schema_version,previous_hash,hash,data',
    );
    // Every event of the cases' streams; beside them, what was sent about each so far.
    const streams = rows.slice(1).map((row) => row.split(',')[1]);
    expect(streams.filter((stream) => stream.startsWith('case-'))).toHaveLength(await caseLogLength(store));
    expect(streams.every((stream) => stream.startsWith('case-') || stream.startsWith('notification-'))).toBe(true);

    const firstOnly = await fetch(
      `${api.baseUrl}/audit/export?format=jsonl&from=${encodeURIComponent(closedEvents[0].recordedAt)}&to=${encodeURIComponent(closedEvents[0].recordedAt)}`,
      { headers: { authorization: `Bearer ${auditor}` } },
    );
    expect((await firstOnly.text()).trim().split('\n').map((line) => JSON.parse(line).id)).toContain(closedEvents[0].id);
  });

  it('lists cases with filters and paging, and shows each case’s timeline', async () => {
    const open = await api.request('GET', '/cases?status=awaiting_sign_for&category=water_leak', staff);
    expect(open.body.total).toBe(1);
    expect(open.body.items[0]).toMatchObject({ caseId: openCase, compoundId: 'beichen-aoyuan', urgency: 'normal' });
    expect((await api.request('GET', '/cases?limit=1&offset=1', staff)).body).toMatchObject({ total: 2, items: [expect.any(Object)] });
    expect((await api.request('GET', '/cases?overdue=true', staff)).body.total).toBe(0);
    expect((await api.request('GET', '/cases?tier=district', staff)).body.total).toBe(0);
    expect((await api.request('GET', '/cases', await api.login('staff.hushan'))).body.total).toBe(0);
    expect((await api.request('GET', '/cases?status=nonsense', staff)).status).toBe(400);

    const timeline = await api.request('GET', `/cases/${closedCase}/timeline`, staff);
    expect(timeline.body.map((entry: { type: string }) => entry.type)).toEqual(closedEvents.map((event) => event.type));
    expect(timeline.body[1]).toMatchObject({ actorRole: 'system', tier: 'community', summary: expect.stringContaining('pc-beichen-aoyuan') });
  });

  it('reads events stored in an older schema through their upcaster', async () => {
    const caseId = randomUUID();
    const { urgency: _notInVersion1, ...version1 } = { ...sampleComplaint(), caseId, propertyCompanyId: 'pc-beichen-aoyuan', filedAt: new Date().toISOString() };
    await store.append(caseStreamId(caseId), [
      {
        id: randomUUID(),
        type: 'ComplaintFiled',
        schemaVersion: 1,
        data: version1,
        metadata: { actor: { userId: 'user-staff-xiangyuan', role: 'community_staff', organisationId: 'xiangyuan' }, tier: 'community', correlationId: 'legacy', causationId: 'legacy' },
      },
    ], 'no_stream');
    const read = await api.request('GET', `/cases/${caseId}`, staff);
    expect(read.body).toMatchObject({ caseId, urgency: 'normal', category: 'elevator' });
    // Stored in clear before personal data was encrypted, it stays so: staff see it, the auditor sees it masked.
    expect(read.body).toMatchObject({ resident: { name: '王阿姨', phone: '13800000000', masked: false }, location: { unit: '2单元1502室' } });
    const history = await api.request('GET', `/audit/cases/${caseId}/history`, auditor);
    expect(history.body.events[0]).toMatchObject({
      personalData: { encrypted: false, masked: true },
      data: { resident: { name: '王**', phone: '138****0000' }, location: { unit: '***' } },
    });
    const reads = await api.request('GET', `/audit/cases/${caseId}/personal-data-reads`, auditor);
    const byPeople = (reads.body.reads as Array<{ reader: { userId: string } }>).filter((read) => read.reader.userId !== 'notifications');
    expect(byPeople).toEqual([{ readAt: expect.any(String), reader: expect.objectContaining({ role: 'community_staff', organisationId: 'xiangyuan' }), subjectId: null }]);
    await eventually(async () => {
      const listed = (await api.request<{ items: Array<{ caseId: string; urgency: string }> }>('GET', '/cases?limit=200', staff)).body.items;
      return listed.find((item) => item.caseId === caseId)?.urgency === 'normal' ? true : undefined;
    }, 'the legacy case in the list');
  });

  it('rebuilds every projection from the log into the same rows, and catches tampering from the command line', async () => {
    // Every case has been dispatched (nothing more will be appended) and every projection has applied the whole log.
    await eventually(
      async () => ((await api.request('GET', '/cases?status=awaiting_sign_for', staff)).body.total === 2 ? true : undefined),
      'the last dispatch',
    );
    const readStoreOfApp = e2e.readStore;
    const end = (await store.readAll(0, 100_000)).at(-1)!.globalPosition;
    await eventually(async () => {
      const checkpoints = await readStoreOfApp.query<{ position: number }>('SELECT position FROM projection_checkpoints');
      return checkpoints.length === PROJECTIONS.length && checkpoints.every((row) => Number(row.position) >= end) ? true : undefined;
    }, 'the projections to catch up');
    // The live runners stop with the application: a rebuild must not race them.
    await e2e.closeApp();
    const stores = await openStores(config);
    const readStore: SqlDatabase = stores.readStore;
    try {
      const snapshot = async () =>
        Promise.all(PROJECTIONS.map((projection) => readStore.query(`SELECT * FROM ${projection.tables[0]} ORDER BY 1, 2`)));
      const live = await snapshot();
      expect(live[0].length).toBe(3);
      await rebuildProjections(stores.eventStore, readStore, PROJECTIONS);
      expect(await snapshot()).toEqual(live);

      const runCli = (...args: string[]) =>
        spawnSync(process.execPath, ['-r', join(repoRoot, 'test/support/register-ts.js'), join(repoRoot, 'apps/cli/src/main.ts'), ...args], {
          cwd: repoRoot,
          env: { ...process.env, YIXIN_DATA_DIR: config.dataDir, ...e2e.backendServer.env },
          encoding: 'utf8',
        });
      expect(runCli('verify').status).toBe(0);

      const altered = closedEvents[3];
      // The log's own tables, through the SQL connection that shares its database.
      const logDatabase = stores.recordStore;
      const [stored] = await logDatabase.query<{ data: unknown }>('SELECT data FROM events WHERE event_id = ?', [altered.id]);
      const text = typeof stored.data === 'string' ? stored.data : JSON.stringify(stored.data);
      await logDatabase.batch([{ sql: 'UPDATE events SET data = ? WHERE event_id = ?', params: [text.replace('已修复', '未修复'), altered.id] }]);
      await logDatabase.batch([{ sql: 'DELETE FROM events WHERE event_id = ?', params: [closedEvents[1].id] }]);

      const verdict = await verifyLog(stores.eventStore);
      expect(verdict.intact).toBe(false);
      expect(verdict.problems).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ eventId: closedEvents[2].id, problem: expect.stringMatching(/events are missing/) }),
          expect.objectContaining({ eventId: altered.id, problem: expect.stringMatching(/content does not match its hash/) }),
        ]),
      );
      const cli = runCli('verify', '--case', closedCase);
      expect(cli.status).toBe(1);
      expect(JSON.parse(cli.stdout).problems.length).toBeGreaterThanOrEqual(2);
    } finally {
      await stores.close();
    }
  });
});
