import type { Client } from '@temporalio/client';
import { caseStreamId } from '@yixin/case-stream';
import { type ComplaintForm } from '@yixin/cases';
import { type SqlDatabase } from '@yixin/stores';
import type { EventStore } from '@yixin/event-store';
import { startE2eApp, type E2eApp } from '@yixin/testing';
import { caseEventTypes, E2E_BACKENDS, eventually, caseLogLength, sampleComplaint, type ApiClient } from '@yixin/testing';

const UNIT = '2单元1502室';

/**
 * Residents' personal data over HTTP, on a real store and a real Temporal dev server: encrypted
 * under the resident's own key, shown in full only to those who need it (and each time recorded),
 * erased on request by deleting the key, the log untouched and still verifiable.
 */
describe.each(E2E_BACKENDS)('residents’ personal data on %s', (backend) => {
  let e2e: E2eApp;
  let api: ApiClient;
  let store: EventStore;
  let recordStore: SqlDatabase;
  let temporalClient: Client;
  let staff: string;
  let otherStaff: string;
  let company: string;
  let foreignCompany: string;
  let ownersCommittee: string;
  let streetOfficer: string;
  let auditor: string;

  beforeAll(async () => {
    e2e = await startE2eApp({
      backend,
      users: {
        staff: 'staff.xiangyuan',
        otherStaff: 'staff.hushan',
        company: 'pc.beichen-aoyuan',
        foreignCompany: 'pc.wocheng-yinxiang',
        ownersCommittee: 'oc.beichen-aoyuan',
        streetOfficer: 'street.officer',
        auditor: 'auditor',
      },
    });
    ({ api, store, recordStore } = e2e);
    ({ staff, otherStaff, company, foreignCompany, ownersCommittee, streetOfficer, auditor } = e2e.tokens);
    temporalClient = await e2e.temporalClient();
  });

  afterAll(() => e2e?.stop());

  /** Each test has a resident of its own: an erasure takes every case of the phone number. */
  const complaintOf = (name: string, phone: string): ComplaintForm => ({ ...sampleComplaint(), resident: { name, phone } });

  async function file(complaint: ComplaintForm): Promise<string> {
    const filed = await api.request('POST', '/cases', staff, complaint);
    expect(filed.status).toBe(201);
    return filed.body.caseId;
  }

  async function fileAndDispatch(complaint: ComplaintForm): Promise<string> {
    const caseId = await file(complaint);
    await eventually(async () => {
      const inbox = await api.request<{ items: Array<{ caseId: string }> }>('GET', '/tasks/inbox?limit=200', company);
      return inbox.body.items.some((task) => task.caseId === caseId) ? true : undefined;
    }, 'the dispatch');
    return caseId;
  }

  async function close(caseId: string): Promise<void> {
    expect((await api.request('POST', `/cases/${caseId}/task/sign-for`, company)).status).toBe(200);
    expect((await api.request('POST', `/cases/${caseId}/task/resolve`, company, { note: '已修复' })).status).toBe(200);
    expect((await api.request('POST', `/cases/${caseId}/call-back`, staff, { outcome: 'satisfied', rating: 5 })).body.status).toBe('closed');
  }

  const view = (token: string, caseId: string) => api.request('GET', `/cases/${caseId}`, token);
  const reads = async (caseId: string) => (await api.request('GET', `/audit/cases/${caseId}/personal-data-reads`, auditor)).body.reads as Array<Record<string, any>>;
  const firstHistoryEntry = async (caseId: string) => (await api.request('GET', `/audit/cases/${caseId}/history`, auditor)).body.events[0];

  it('shows the resident in full to the community’s staff and to the company holding the task, masked to everyone else', async () => {
    const caseId = await fileAndDispatch(complaintOf('李奶奶', '13911110001'));
    const inFull = { resident: { name: '李奶奶', phone: '13911110001', masked: false }, location: { unit: UNIT } };
    expect((await view(staff, caseId)).body).toMatchObject(inFull);
    expect((await view(company, caseId)).body).toMatchObject(inFull);

    const foreign = await view(foreignCompany, caseId);
    expect(foreign.status).toBe(404);
    expect(JSON.stringify(foreign.body)).not.toContain('李奶奶');
    for (const [who, token] of [['the compound’s owners’ committee', ownersCommittee], ['the street officer', streetOfficer], ['the auditor', auditor]]) {
      const masked = await view(token, caseId);
      expect({ who, status: masked.status, resident: masked.body.resident, unit: masked.body.location.unit }).toEqual({
        who,
        status: 200,
        resident: { masked: true, encrypted: true },
        unit: undefined,
      });
    }

    // Once the case is closed, the company holds no task any more.
    await close(caseId);
    expect((await view(company, caseId)).body.resident).toEqual({ masked: true, encrypted: true });
    expect((await view(staff, caseId)).body.resident).toEqual(inFull.resident);
  });

  it('stores no clear name, phone or unit: not in the log, nor in the history of the case’s workflow in Temporal', async () => {
    const secrets = ['赵先生', '13911110002', UNIT];
    const complaint = complaintOf('赵先生', '13911110002');
    const caseId = await fileAndDispatch(complaint);

    const rows = await recordStore.query<{ type: string; schema_version: number; data: unknown }>(
      'SELECT type, schema_version, data FROM events WHERE stream_id = ? ORDER BY stream_revision',
      [caseStreamId(caseId)],
    );
    const stored = rows.map((row) => (typeof row.data === 'string' ? row.data : JSON.stringify(row.data)));
    expect(rows[0]).toMatchObject({ type: 'ComplaintFiled', schema_version: 4 });
    expect(JSON.parse(stored[0]).personalData).toEqual({
      subjectId: expect.stringMatching(/^[0-9a-f]{64}$/),
      keyId: expect.any(String),
      ciphertext: expect.any(String),
      iv: expect.any(String),
      tag: expect.any(String),
    });
    for (const secret of secrets) expect(stored.join('\n')).not.toContain(secret);

    const history = await temporalClient.workflow.getHandle(caseId).fetchHistory();
    const text = readableText(history);
    // The payloads were read: the complaint's other fields are there in clear.
    expect(text).toContain('ComplaintFiled');
    expect(text).toContain(complaint.description);
    for (const secret of secrets) expect(text).not.toContain(secret);
  });

  it('records every full view of the resident, and shows the auditor who read it and when', async () => {
    const caseId = await fileAndDispatch(complaintOf('孙阿姨', '13911110003'));
    const before = Date.now();
    await view(staff, caseId);
    await view(company, caseId);
    await view(streetOfficer, caseId);
    await view(auditor, caseId);

    const { subjectId } = (await firstHistoryEntry(caseId)).personalData;
    // The resident's SMS are read too, by the notifications, as they go out (on the worker's time): those are the center's.
    const all = await reads(caseId);
    for (const read of all.filter((one) => one.reader.userId === 'notifications')) expect(read.reader).toMatchObject({ role: 'system', organisationId: 'shushan-center' });
    const logged = all.filter((read) => read.reader.userId !== 'notifications');
    // Two reads within the same millisecond may come in either order.
    expect(logged.map((read) => [read.reader.role, read.reader.organisationId, read.subjectId]).sort()).toEqual([
      ['community_staff', 'xiangyuan', subjectId],
      ['property_company', 'pc-beichen-aoyuan', subjectId],
    ]);
    expect(logged.every((read) => Date.parse(read.readAt) >= before - 1000)).toBe(true);
    expect(logged[0].reader.userId).toEqual(expect.any(String));

    expect((await api.request('GET', `/audit/cases/${caseId}/personal-data-reads`, staff)).status).toBe(403);
    expect((await api.request('GET', `/audit/cases/${'0'.repeat(8)}-0000-4000-8000-${'0'.repeat(12)}/personal-data-reads`, auditor)).status).toBe(404);
  });

  it('erases a resident’s data on request: every view shows it erased, each case records it, the log still verifies; again, nothing changes', async () => {
    const phone = '13911110004';
    const closedCase = await fileAndDispatch(complaintOf('钱先生', phone));
    await close(closedCase);
    const openCase = await fileAndDispatch(complaintOf('钱先生', phone));
    const neighboursCase = await fileAndDispatch(complaintOf('周女士', '13911110005'));
    const storedBefore = await Promise.all([closedCase, openCase].map((caseId) => store.readStream(caseStreamId(caseId))));
    const readsBefore = (await reads(openCase)).length;

    const erased = await api.request('POST', '/privacy/erasure', staff, { phone });
    expect(erased.status).toBe(200);
    expect(erased.body).toEqual({ subjectId: expect.stringMatching(/^[0-9a-f]{64}$/), casesAffected: 2, erasuresRecorded: 2 });
    const { subjectId } = erased.body;

    for (const caseId of [closedCase, openCase]) {
      const events = await store.readStream(caseStreamId(caseId));
      const erasure = events.at(-1)!;
      expect({ type: erasure.type, actor: erasure.metadata.actor.organisationId, data: erasure.data }).toEqual({
        type: 'PersonalDataErased',
        actor: 'xiangyuan',
        data: { subjectId, keyId: expect.any(String), erasedAt: expect.any(String) },
      });
      for (const token of [staff, company, streetOfficer, auditor]) {
        const seen = await view(token, caseId);
        expect({ status: seen.status, resident: seen.body.resident, unit: seen.body.location.unit }).toEqual({ status: 200, resident: { erased: true }, unit: undefined });
      }
      expect((await firstHistoryEntry(caseId)).personalData).toEqual({ encrypted: true, subjectId, keyId: expect.any(String), erased: true });
      const timeline = await eventually(async () => {
        const entries = (await api.request('GET', `/cases/${caseId}/timeline`, staff)).body as Array<{ type: string }>;
        return entries.at(-1)?.type === 'PersonalDataErased' ? entries : undefined;
      }, 'the erasure in the timeline');
      expect(timeline.length).toBe(events.length);
    }
    expect((await view(company, openCase)).body.resident).toEqual({ erased: true });
    expect((await reads(openCase)).length).toBe(readsBefore);
    // Another resident's case is untouched.
    expect((await view(staff, neighboursCase)).body.resident).toEqual({ name: '周女士', phone: '13911110005', masked: false });

    // The log was appended to, never rewritten: the encrypted complaint and every hash are as they were, and the chain verifies.
    for (const [index, caseId] of [closedCase, openCase].entries()) {
      expect((await store.readStream(caseStreamId(caseId))).slice(0, -1)).toEqual(storedBefore[index]);
    }
    expect((await api.request('GET', '/audit/verify', auditor)).body).toMatchObject({ intact: true, problems: [] });

    // The open case goes on: its process never needed the resident's data.
    expect((await api.request('POST', `/cases/${openCase}/task/sign-for`, company)).status).toBe(200);

    const eventsBefore = await caseLogLength(store);
    const again = await api.request('POST', '/privacy/erasure', staff, { subjectId });
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ subjectId, casesAffected: 2, erasuresRecorded: 0 });
    expect(await caseLogLength(store)).toBe(eventsBefore);

    // The resident may come back: a new complaint gets a new key and reads in full; the erased ones stay erased.
    const comeBack = await fileAndDispatch(complaintOf('钱先生', phone));
    expect((await view(staff, comeBack)).body.resident).toEqual({ name: '钱先生', phone, masked: false });
    expect((await firstHistoryEntry(comeBack)).personalData).toMatchObject({ subjectId, erased: false });
    expect((await firstHistoryEntry(comeBack)).personalData.keyId).not.toBe((await firstHistoryEntry(openCase)).personalData.keyId);
    expect((await view(staff, closedCase)).body.resident).toEqual({ erased: true });
  });

  it('erases only the cases of the caller’s community, and answers the same whether or not the resident has cases elsewhere', async () => {
    // The attack: staff of 湖山 file a throwaway case with the phone of a resident of 湘源, then ask for the erasure.
    const phone = '13911110007';
    const residentsCase = await fileAndDispatch(complaintOf('郑阿姨', phone));
    const inHushan = (name: string, residentPhone: string): ComplaintForm => ({
      ...complaintOf(name, residentPhone),
      location: { communityId: 'hushan', compoundId: 'hushan-huayuan', building: '1幢', unit: UNIT },
    });
    const throwaway = await api.request('POST', '/cases', otherStaff, inHushan('郑阿姨', phone));
    expect(throwaway.status).toBe(201);
    const hushanOnly = await api.request('POST', '/cases', otherStaff, inHushan('冯先生', '13911110008'));
    expect(hushanOnly.status).toBe(201);

    const erased = await api.request('POST', '/privacy/erasure', otherStaff, { phone });
    const erasedWithoutCasesElsewhere = await api.request('POST', '/privacy/erasure', otherStaff, { phone: '13911110008' });
    for (const answer of [erased, erasedWithoutCasesElsewhere]) {
      expect({ status: answer.status, body: answer.body }).toEqual({
        status: 200,
        body: { subjectId: expect.stringMatching(/^[0-9a-f]{64}$/), casesAffected: 1, erasuresRecorded: 1 },
      });
    }
    expect((await view(otherStaff, throwaway.body.caseId)).body.resident).toEqual({ erased: true });

    // 湘源's case is 湘源's to erase: untouched, its resident still read in full by those who need her.
    expect(await caseEventTypes(store, residentsCase)).not.toContain('PersonalDataErased');
    expect((await view(staff, residentsCase)).body.resident).toEqual({ name: '郑阿姨', phone, masked: false });
    expect((await view(company, residentsCase)).body.resident).toEqual({ name: '郑阿姨', phone, masked: false });
    expect((await firstHistoryEntry(residentsCase)).personalData).toMatchObject({ erased: false });

    const erasedAtHome = await api.request('POST', '/privacy/erasure', staff, { phone });
    expect(erasedAtHome.body).toEqual({ subjectId: erased.body.subjectId, casesAffected: 1, erasuresRecorded: 1 });
    expect((await view(staff, residentsCase)).body.resident).toEqual({ erased: true });
  });

  it('refuses an erasure that matches no case of the caller’s community, from other roles, and without exactly one of phone or subjectId', async () => {
    const phone = '13911110006';
    const caseId = await fileAndDispatch(complaintOf('吴先生', phone));
    const eventsBefore = await caseLogLength(store);

    const unknown = await api.request('POST', '/privacy/erasure', staff, { phone: '13911119999' });
    expect(unknown.status).toBe(404);
    expect(unknown.body.message).toMatch(/no case of community xiangyuan holds encrypted personal data of this resident/);
    const elsewhere = await api.request('POST', '/privacy/erasure', otherStaff, { phone });
    expect(elsewhere.status).toBe(404);
    expect(elsewhere.body.message).toBe(unknown.body.message.replace('xiangyuan', 'hushan'));
    for (const token of [company, streetOfficer, auditor]) expect((await api.request('POST', '/privacy/erasure', token, { phone })).status).toBe(403);

    const both = await api.request('POST', '/privacy/erasure', staff, { phone, subjectId: 'a'.repeat(64) });
    expect(both.status).toBe(400);
    expect(both.body.message).toEqual(['give exactly one of phone or subjectId']);
    expect((await api.request('POST', '/privacy/erasure', staff, {})).status).toBe(400);
    expect((await api.request('POST', '/privacy/erasure', staff, { phone: '12345' })).status).toBe(400);
    expect((await api.request('POST', '/privacy/erasure', staff, { subjectId: 'not-a-subject' })).status).toBe(400);

    expect(await caseLogLength(store)).toBe(eventsBefore);
    expect(await caseEventTypes(store, caseId)).not.toContain('PersonalDataErased');
    expect((await view(staff, caseId)).body.resident).toEqual({ name: '吴先生', phone, masked: false });
  });
});

/** Every string in a Temporal history, its payloads' bytes decoded as UTF-8 (they hold JSON). */
function readableText(value: unknown): string {
  if (value instanceof Uint8Array) return Buffer.from(value).toString('utf8');
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map(readableText).join('\n');
  if (value !== null && typeof value === 'object') return Object.values(value).map(readableText).join('\n');
  return '';
}
