import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { readCaseStream } from '@yixin/case-stream';
import { type ComplaintForm } from '@yixin/cases';
import { DEMO_ORGANISATIONS, DEMO_PASSWORD, DirectoryService } from '@yixin/directory';
import { CHANGE_POLL_INTERVAL_MS } from '@yixin/live-updates';
import type { Category } from '@yixin/domain';
import type { EventStore, RecordedEvent } from '@yixin/event-store';
import { TOKEN_RECHECK_INTERVAL_MS } from '../../apps/api/src/auth/token-standing';
import { startE2eApp, type E2eApp } from '@yixin/testing';
import { E2E_BACKENDS, eventually, type ApiClient, type HttpResult } from '@yixin/testing';

/**
 * Normal elevator tasks must be signed for within 1.8 s, are reminded 1.8 s later and escalated
 * 3.6 s after the reminder (as in case-lifecycle.e2e.spec.ts). Urgent sanitation tasks must be signed
 * for within 1.8 s too, but urgent follow-up keeps its default (a reminder after an hour): they stay
 * overdue while the tests run. Everything else keeps the default limits.
 */
const FAST_SIGN_FOR_POLICY = {
  tasks: { elevator: { normal: { signFor: { hours: 0.0005 } } }, sanitation: { urgent: { signFor: { hours: 0.0005 } } } },
  followUp: { normal: { remindAfter: { hours: 0.0005 }, escalateAfter: { hours: 0.001 } } },
};

interface ServerSentEvent {
  event?: string;
  id?: string;
  data?: string;
  comment?: string;
}

/** A client of a server-sent event stream: node's fetch, reading the body as it arrives. */
class EventStream {
  readonly received: ServerSentEvent[] = [];
  /** The server ended the stream. */
  ended = false;
  private wakeUp: Array<() => void> = [];

  private constructor(readonly status: number, readonly contentType: string, private readonly connection: AbortController) {}

  static async open(url: string, headers: Record<string, string> = {}): Promise<EventStream> {
    const connection = new AbortController();
    const response = await fetch(url, { headers: { accept: 'text/event-stream', ...headers }, signal: connection.signal });
    const stream = new EventStream(response.status, response.headers.get('content-type') ?? '', connection);
    if (response.ok) void stream.read(response.body!);
    else connection.abort();
    return stream;
  }

  /** The data of the `case` and `removed` messages, parsed. */
  get updates(): Array<{ event: string; id: string; data: Record<string, any> }> {
    return this.received.filter((message) => message.event !== undefined).map((message) => ({ event: message.event!, id: message.id!, data: JSON.parse(message.data!) }));
  }

  /** The first message that `matches`, once it has arrived. */
  async next(matches: (message: { event: string; id: string; data: Record<string, any> }) => boolean, what: string, timeoutMs = 20_000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.updates.find(matches);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; got ${JSON.stringify(this.received)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, deadline - Date.now());
        this.wakeUp.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  async comment(text: string): Promise<void> {
    await eventually(() => (this.received.some((message) => message.comment === text) ? true : undefined), `the comment "${text}"`);
  }

  close(): void {
    this.connection.abort();
  }

  private async read(body: ReadableStream<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
          this.received.push(parseMessage(buffer.slice(0, end)));
          buffer = buffer.slice(end + 2);
        }
        this.wakeUp.splice(0).forEach((wake) => wake());
      }
      this.ended = true;
    } catch {
      // closed by the test
    }
  }
}

function parseMessage(block: string): ServerSentEvent {
  const message: ServerSentEvent = {};
  for (const line of block.split('\n').filter((line) => line.length > 0)) {
    const [field, value] = line.startsWith(':') ? ['comment', line.slice(1).trim()] : [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 1).trim()];
    if (field === 'data') message.data = message.data === undefined ? value : `${message.data}\n${value}`;
    else (message as Record<string, string>)[field] = value;
  }
  return message;
}

const uniqueWord = () => `kw${randomBytes(4).toString('hex')}`;
const fromNow = (ms: number) => new Date(Date.now() + ms).toISOString();
const caseIds = (answer: HttpResult) => (answer.body.items as Array<{ caseId: string }>).map((row) => row.caseId).sort();

/**
 * What each group of users has in front of them, over HTTP on the real API and worker (one
 * embedded process), a real Temporal dev server and a real store: community staff filing in
 * batches and searching their cases, a company's inbox with the time left, an owners' committee's
 * compound, a council's agenda, the supervisors' queues, and the live streams of inboxes and queues.
 */
describe.each(E2E_BACKENDS)('role views on %s', (backend) => {
  let e2e: E2eApp;
  let api: ApiClient;
  let store: EventStore;
  let token: Record<string, string>;

  beforeAll(async () => {
    // More users log in from this one address than the default login limit allows in a minute.
    e2e = await startE2eApp({ backend, env: { RATE_LIMIT_LOGINS_PER_MINUTE: '100' }, deadlinePolicy: FAST_SIGN_FOR_POLICY });
    ({ api, store } = e2e);
    // A second street of the district, with an officer whose jurisdiction holds none of the cases
    // below; and a compound of Hushan whose company has no other tasks than those of the inbox test.
    await e2e.app.get(DirectoryService).seed(
      [
        ...DEMO_ORGANISATIONS,
        { id: 'beigan', kind: 'street', name: '北干街道', parentId: 'xiaoshan' },
        { id: 'jincheng', kind: 'community', name: '金城社区', parentId: 'beigan' },
        { id: 'jinxiu-huayuan', kind: 'compound', name: '锦绣华苑', parentId: 'hushan', propertyCompanyId: 'pc-jinxiu-huayuan' },
        { id: 'pc-jinxiu-huayuan', kind: 'property_company', name: '锦绣华苑物业服务中心', parentId: 'property-council' },
      ],
      [
        { username: 'street.beigan', userId: 'user-street-beigan', displayName: '北干街道督办员', role: 'street_officer', organisationId: 'beigan' },
        { username: 'pc.jinxiu-huayuan', userId: 'user-pc-jinxiu-huayuan', displayName: '锦绣华苑物业', role: 'property_company', organisationId: 'pc-jinxiu-huayuan' },
      ],
      DEMO_PASSWORD,
      [],
    );
    const users = [
      'staff.xiangyuan', 'staff.hushan', 'staff.xiushui',
      'pc.beichen-aoyuan', 'pc.wocheng-yinxiang', 'pc.jinxiu-huayuan', 'pc.hushan-xinyuan',
      'oc.beichen-aoyuan', 'oc.hushan-huayuan', 'oc.hushan-xinyuan', 'council.property', 'council.owners',
      'street.officer', 'street.beigan', 'district.officer', 'auditor', 'admin.district',
    ];
    token = await e2e.login(users);
  });

  afterAll(() => e2e?.stop());

  // ---------------------------------------------------------------- helpers

  function complaint(
    communityId: string,
    compoundId: string,
    fields: { category: Category; building: string; description: string },
  ): ComplaintForm {
    return {
      resident: { name: '王阿姨', phone: '13800000000' },
      location: { communityId, compoundId, building: fields.building, unit: '1单元101室' },
      category: fields.category,
      urgency: 'normal',
      description: fields.description,
      channel: 'visit',
    };
  }

  async function file(staff: string, body: ComplaintForm): Promise<string> {
    const filed = await api.request('POST', '/cases', token[staff], body);
    expect(filed.status).toBe(201);
    return filed.body.caseId;
  }

  const get = (user: string, path: string) => api.request('GET', path, token[user]);

  async function page(user: string, path: string): Promise<{ total: number; items: Array<Record<string, any>> }> {
    const answer = await get(user, path);
    expect({ path, status: answer.status }).toEqual({ path, status: 200 });
    return answer.body;
  }

  /** Once the list at `path` shows `caseId` and the row satisfies `matches`. */
  function untilListed(user: string, path: string, caseId: string, matches: (row: Record<string, any>) => boolean = () => true) {
    return eventually(async () => {
      const row = (await page(user, path)).items.find((item) => item.caseId === caseId);
      return row && matches(row) ? row : undefined;
    }, `case ${caseId} in ${path} of ${user}`);
  }

  function untilUnlisted(user: string, path: string, caseId: string) {
    return eventually(async () => ((await page(user, path)).items.some((item) => item.caseId === caseId) ? undefined : true), `case ${caseId} to leave ${path}`);
  }

  function untilEvent(caseId: string, type: string): Promise<RecordedEvent[]> {
    return eventually(async () => {
      const events = await readCaseStream(store, caseId);
      return events.some((event) => event.type === type) ? events : undefined;
    }, `${type} on case ${caseId}`);
  }

  async function complaintsFiled(): Promise<number> {
    let count = 0;
    for (let after = 0; ; ) {
      const batch = await store.readAll(after, 10_000);
      if (batch.length === 0) return count;
      count += batch.filter((event) => event.type === 'ComplaintFiled').length;
      after = batch[batch.length - 1].globalPosition;
    }
  }

  function openStream(path: string, user: string, via: 'query' | 'header' = 'query', headers: Record<string, string> = {}): Promise<EventStream> {
    return via === 'query'
      ? EventStream.open(`${api.baseUrl}${path}?access_token=${token[user]}`, headers)
      : EventStream.open(`${api.baseUrl}${path}`, { authorization: `Bearer ${token[user]}`, ...headers });
  }

  // ---------------------------------------------------------------- batch filing

  describe('batch filing', () => {
    it('files each complaint on its own: refused ones append nothing and stop nothing; a second one at the same place is linked to the first', async () => {
      const word = uniqueWord();
      const leak = complaint('xiushui', 'xiushui-jiayuan', { category: 'water_leak', building: `${word}幢`, description: `楼道漏水 ${word}` });
      const before = await complaintsFiled();
      const answer = await api.request('POST', '/cases/batch', token['staff.xiushui'], {
        complaints: [
          leak,
          { ...leak, resident: { name: '李先生', phone: '12345' } },
          { ...leak, location: { ...leak.location, communityId: 'hushan', compoundId: 'hushan-huayuan' } },
          { ...leak, resident: { name: '李先生', phone: '13900000000' }, description: `同一处漏水 ${word}` },
          { ...leak, location: { ...leak.location, compoundId: 'nowhere' } },
          { ...leak, colour: 'red' },
        ],
      });
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual([
        { index: 0, caseId: expect.any(String), status: 'filed' },
        { index: 1, error: { statusCode: 400, error: 'Bad Request', message: [expect.stringMatching(/^resident.phone must be/)] } },
        { index: 2, error: { statusCode: 403, error: 'forbidden', message: 'only staff of the community where the complaint arises may file it' } },
        { index: 3, caseId: expect.any(String), status: 'duplicate' },
        { index: 4, error: { statusCode: 400, error: 'bad request', message: 'unknown compound nowhere' } },
        { index: 5, error: { statusCode: 400, error: 'Bad Request', message: ['property colour should not exist'] } },
      ]);
      // PostgreSQL's log is read only up to its oldest open transaction (the worker's appends among them): both appear soon.
      await eventually(async () => ((await complaintsFiled()) === before + 2 ? true : undefined), 'the two filed complaints in the log, and no more');
      const [first, second] = [answer.body[0].caseId, answer.body[3].caseId];
      const linked = await readCaseStream(store, second);
      expect(linked.map((event) => [event.type, event.data.primaryCaseId])).toEqual([
        ['ComplaintFiled', undefined],
        ['CaseLinkedAsDuplicate', first],
      ]);
      const listed = async () => caseIds(await get('staff.xiushui', `/cases?q=${word}`)).join();
      await eventually(async () => ((await listed()) === [first, second].sort().join() ? true : undefined), 'the two filed cases, and only those, in the list');
    });

    it('refuses a body that is not a list of 1 to 50 complaints as a whole, and anyone but community staff', async () => {
      const before = await complaintsFiled();
      const good = complaint('xiushui', 'xiushui-jiayuan', { category: 'other', building: '1幢', description: '其他问题' });
      for (const body of [{}, { complaints: [] }, { complaints: good }, { complaints: Array(51).fill(good) }, { complaints: [good], extra: true }]) {
        const answer = await api.request('POST', '/cases/batch', token['staff.xiushui'], body);
        expect({ body, status: answer.status }).toEqual({ body, status: 400 });
      }
      expect((await api.request('POST', '/cases/batch', token['pc.jinxiu-huayuan'], { complaints: [good] })).status).toBe(403);
      expect((await api.request('POST', '/cases/batch', undefined, { complaints: [good] })).status).toBe(401);
      expect(await complaintsFiled()).toBe(before);
    });
  });

  // ---------------------------------------------------------------- search, paging, owners' committee

  describe('searching the case list', () => {
    const word = uniqueWord();
    const filed: Record<'lift' | 'leak' | 'parking', string> = { lift: '', leak: '', parking: '' };

    beforeAll(async () => {
      const answer = await api.request('POST', '/cases/batch', token['staff.hushan'], {
        complaints: [
          complaint('hushan', 'hushan-huayuan', { category: 'elevator', building: '1幢', description: `电梯停运两天 ${word}` }),
          complaint('hushan', 'hushan-huayuan', { category: 'water_leak', building: 'B座', description: `楼道漏水 ${word}` }),
          complaint('hushan', 'hushan-xinyuan', { category: 'parking', building: '2幢', description: `车位被占 ${word}` }),
        ],
      });
      expect(answer.body.map((item: { status: string }) => item.status)).toEqual(['filed', 'filed', 'filed']);
      [filed.lift, filed.leak, filed.parking] = answer.body.map((item: { caseId: string }) => item.caseId);
      await eventually(async () => ((await page('staff.hushan', `/cases?q=${word}`)).total === 3 ? true : undefined), 'the three cases in the case list');
    });

    const search = (user: string, q: string, extra = '') => page(user, `/cases?q=${encodeURIComponent(q)}${extra}`);

    it('finds by words of the description, building, compound, community or category, Chinese included; every word must match', async () => {
      expect(caseIds(await get('staff.hushan', `/cases?q=${encodeURIComponent(`电梯 ${word}`)}`))).toEqual([filed.lift]);
      expect((await search('staff.hushan', `漏水 ${word}`)).items.map((row) => row.caseId)).toEqual([filed.leak]);
      expect(caseIds(await get('staff.hushan', `/cases?q=${encodeURIComponent(`湖山花园 ${word}`)}`))).toEqual([filed.lift, filed.leak].sort());
      expect((await search('staff.hushan', `湖山新苑　${word}`)).items.map((row) => row.caseId)).toEqual([filed.parking]);
      expect((await search('staff.hushan', `停车管理 ${word}`)).items.map((row) => row.caseId)).toEqual([filed.parking]);
      expect((await search('staff.hushan', `b座 ${word.toUpperCase()}`)).items.map((row) => row.caseId)).toEqual([filed.leak]);
      expect((await search('staff.hushan', `湖山社区 ${word}`)).total).toBe(3);
      expect((await search('staff.hushan', `电梯 漏水 ${word}`)).total).toBe(0);
      expect((await search('staff.hushan', '%')).total).toBe(0);
    });

    it('pages with a total, newest first, each row with its time left', async () => {
      const first = await search('staff.hushan', word, '&limit=2');
      const second = await search('staff.hushan', word, '&limit=2&offset=2');
      expect([first.total, first.items.length, second.total, second.items.length]).toEqual([3, 2, 3, 1]);
      expect([...first.items, ...second.items].map((row) => row.caseId).sort()).toEqual(Object.values(filed).sort());
      for (const row of first.items) expect(row).toMatchObject({ timeLeftMs: row.nextDeadline === null ? null : expect.any(Number), overdue: expect.any(Boolean) });
      expect((await search('staff.hushan', word, '&offset=3')).items).toEqual([]);
    });

    it("keeps to the viewer's scope: another community sees none, the street and the auditor all, an owners' committee its compound", async () => {
      expect((await search('staff.xiangyuan', word)).total).toBe(0);
      expect((await search('street.officer', word)).total).toBe(3);
      expect((await search('street.beigan', word)).total).toBe(0);
      expect((await search('auditor', word)).total).toBe(3);

      const huayuan = await search('oc.hushan-huayuan', word);
      expect(huayuan.items.map((row) => row.caseId).sort()).toEqual([filed.lift, filed.leak].sort());
      expect((await page('oc.hushan-huayuan', '/cases?limit=200')).items.every((row) => row.compoundId === 'hushan-huayuan')).toBe(true);
      expect((await search('oc.hushan-xinyuan', word)).items.map((row) => row.caseId)).toEqual([filed.parking]);
      expect((await search('oc.hushan-huayuan', word, '&compoundId=hushan-xinyuan')).total).toBe(0);
      expect((await get('council.property', '/cases')).status).toBe(403);
      expect((await get('pc.hushan-xinyuan', '/cases')).status).toBe(403);
    });

    it('refuses a blank or overlong search and a page out of bounds', async () => {
      for (const query of ['q=%20%20', `q=${'电'.repeat(101)}`, 'limit=0', 'limit=201', 'offset=-1', 'q=']) {
        expect({ query, status: (await get('staff.hushan', `/cases?${query}`)).status }).toEqual({ query, status: 400 });
      }
    });
  });

  // ---------------------------------------------------------------- inbox, supervision

  describe("a company's inbox and the supervisors' queues", () => {
    let stale: string;
    let leak: string;
    let lift: string;

    beforeAll(async () => {
      stale = await file('staff.hushan', { ...complaint('hushan', 'jinxiu-huayuan', { category: 'sanitation', building: '5幢', description: '垃圾房满溢' }), urgency: 'urgent' });
      leak = await file('staff.hushan', complaint('hushan', 'jinxiu-huayuan', { category: 'water_leak', building: '6幢', description: '地下室漏水' }));
      lift = await file('staff.xiushui', complaint('xiushui', 'xiushui-jiayuan', { category: 'elevator', building: `${uniqueWord()}幢`, description: '电梯困人' }));
    });

    it('lists running tasks nearest deadline first, with the time left, overdue once it is past, paged with a total', async () => {
      const inbox = await eventually(async () => {
        const answer = await page('pc.jinxiu-huayuan', '/tasks/inbox');
        return answer.total === 2 ? answer : undefined;
      }, 'both tasks in the inbox');
      expect(inbox.items.map((row) => row.caseId)).toEqual([stale, leak]);
      const [staleRow, leakRow] = inbox.items;
      expect(staleRow.timeLeftMs).toBeLessThanOrEqual(1_800);
      expect(staleRow.overdue).toBe(staleRow.timeLeftMs < 0);
      expect(leakRow.timeLeftMs).toBeGreaterThan(3_600_000);
      expect(leakRow).toMatchObject({ overdue: false, status: 'awaiting_sign_for', nextDeadline: leakRow.deadlines.sign_for.due });

      const overdue = await untilListed('pc.jinxiu-huayuan', '/tasks/inbox', stale, (row) => row.overdue === true);
      expect(overdue.timeLeftMs).toBeLessThan(0);
      expect(await page('pc.jinxiu-huayuan', '/tasks/inbox?limit=1')).toMatchObject({ total: 2, items: [{ caseId: stale }] });
      expect(await page('pc.jinxiu-huayuan', '/tasks/inbox?limit=1&offset=1')).toMatchObject({ total: 2, items: [{ caseId: leak }] });
      expect((await page('pc.beichen-aoyuan', '/tasks/inbox?limit=200')).items.some((row) => row.caseId === stale)).toBe(false);
      for (const query of ['limit=0', 'limit=201', 'offset=-1', 'limit=ten', 'status=closed']) {
        expect({ query, status: (await get('pc.jinxiu-huayuan', `/tasks/inbox?${query}`)).status }).toEqual({ query, status: 400 });
      }
      expect((await get('staff.hushan', '/tasks/inbox')).status).toBe(403);
    });

    it('shows the street and the district an overdue task, and a case escalated to the street', async () => {
      const asStreet = await untilListed('street.officer', '/supervision?queue=overdue&limit=200', stale, (row) => row.overdue === true);
      expect(asStreet).toMatchObject({ tier: 'community', queues: ['overdue'] });
      expect(asStreet.timeLeftMs).toBeLessThan(0);
      await untilListed('district.officer', '/supervision?queue=overdue&limit=200', stale);
      expect((await page('street.officer', '/supervision?queue=overdue&limit=200')).items.some((row) => row.caseId === leak)).toBe(false);

      await untilEvent(lift, 'CaseEscalated');
      const escalated = await untilListed('street.officer', '/supervision?queue=escalated&limit=200', lift, (row) => row.tier === 'street');
      expect(escalated).toMatchObject({ overdue: false, queues: ['escalated'] });
      expect(await untilListed('district.officer', '/supervision?queue=escalated&limit=200', lift)).toMatchObject({ tier: 'street' });
      expect((await page('street.officer', '/supervision?queue=escalated&limit=200')).items.some((row) => row.caseId === stale)).toBe(false);
    });

    it("keeps the queues to the officer's jurisdiction and refuses other roles and bad queries", async () => {
      for (const queue of ['overdue', 'escalated', 'disputed']) {
        expect(await page('street.beigan', `/supervision?queue=${queue}`)).toEqual({ total: 0, items: [] });
      }
      for (const user of ['staff.hushan', 'pc.jinxiu-huayuan', 'council.property', 'auditor']) {
        expect({ user, status: (await get(user, '/supervision?queue=overdue')).status }).toEqual({ user, status: 403 });
      }
      for (const query of ['', '?queue=late', '?queue=overdue&limit=500', '?queue=overdue&offset=-2']) {
        expect({ query, status: (await get('street.officer', `/supervision${query}`)).status }).toEqual({ query, status: 400 });
      }
    });
  });

  // ---------------------------------------------------------------- councils

  describe("a council's agenda", () => {
    it('holds a disputed case from its referral, with the question, the session, until its decision is dispatched', async () => {
      const body = complaint('xiangyuan', 'wocheng-yinxiang', { category: 'water_leak', building: `${uniqueWord()}幢`, description: '屋面渗水，物业称属开发商质保' });
      const caseId = await file('staff.xiangyuan', body);
      await untilListed('pc.wocheng-yinxiang', '/tasks/inbox?limit=200', caseId);
      expect((await api.request('POST', `/cases/${caseId}/task/sign-for`, token['pc.wocheng-yinxiang'])).status).toBe(200);
      const returned = await api.request('POST', `/cases/${caseId}/task/return`, token['pc.wocheng-yinxiang'], { reason: 'disputed_responsibility', note: '属开发商质保范围' });
      expect(returned.status).toBe(200);
      const referral = (await untilEvent(caseId, 'CaseReferredToCouncil')).find((event) => event.type === 'CaseReferredToCouncil')!.data;

      const item = await untilListed('council.property', '/councils/agenda', caseId);
      expect(item).toMatchObject({
        status: 'before_council',
        councilId: 'property-council',
        council: { kind: 'property_council', question: referral.question, decideBy: referral.decideBy, session: null, decision: null },
        timeLeftMs: null,
        overdue: false,
      });
      expect((await page('council.owners', '/councils/agenda?limit=200')).items.some((row) => row.caseId === caseId)).toBe(false);
      await untilListed('street.officer', '/supervision?queue=disputed&limit=200', caseId, (row) => row.queues.includes('disputed'));

      const scheduledFor = fromNow(2 * 3_600_000);
      expect((await api.request('POST', `/cases/${caseId}/council/session`, token['council.property'], { scheduledFor })).status).toBe(200);
      const convened = await untilListed('council.property', '/councils/agenda', caseId, (row) => row.council.session !== null);
      expect(convened.council.session).toMatchObject({ scheduledFor, members: expect.arrayContaining(['pc-wocheng-yinxiang']) });

      const decision = {
        decision: '由卧城印象物业先行维修',
        assignee: { organisationId: 'pc-wocheng-yinxiang', kind: 'property_company' },
        dueBy: fromNow(5 * 86_400_000),
        vote: { for: 5, against: 0, abstain: 1 },
      };
      expect((await api.request('POST', `/cases/${caseId}/council/decision`, token['council.property'], decision)).status).toBe(200);
      await untilEvent(caseId, 'TaskDispatched');
      await untilUnlisted('council.property', '/councils/agenda', caseId);
      await untilListed('pc.wocheng-yinxiang', '/tasks/inbox?limit=200', caseId);
    });

    it('is for council members only, and paged like every list', async () => {
      expect((await get('street.officer', '/councils/agenda')).status).toBe(403);
      expect((await get('staff.xiangyuan', '/councils/agenda')).status).toBe(403);
      expect((await get('council.property', '/councils/agenda?limit=0')).status).toBe(400);
      expect(await page('council.owners', '/councils/agenda')).toEqual({ total: 0, items: [] });
    });
  });

  // ---------------------------------------------------------------- live updates

  describe('live updates', () => {
    const streams: EventStream[] = [];
    const open = async (...args: Parameters<typeof openStream>) => {
      const stream = await openStream(...args);
      streams.push(stream);
      return stream;
    };

    afterAll(() => streams.forEach((stream) => stream.close()));

    it("pushes a new task to its company's inbox stream as it arrives, never to another company's; resumes after the last event id; tells when the task goes elsewhere", async () => {
      const company = await open('/tasks/inbox/stream', 'pc.beichen-aoyuan');
      const foreign = await open('/tasks/inbox/stream', 'pc.hushan-xinyuan', 'header');
      const street = await open('/supervision/stream', 'street.officer');
      for (const stream of [company, foreign, street]) {
        expect([stream.status, stream.contentType]).toEqual([200, 'text/event-stream']);
        await stream.comment('connected');
      }

      const body = complaint('xiangyuan', 'beichen-aoyuan', { category: 'water_leak', building: `${uniqueWord()}幢`, description: '厨房顶部渗水' });
      const caseId = await file('staff.xiangyuan', body);
      const arrived = await company.next((message) => message.event === 'case' && message.data.caseId === caseId, 'the task on the company stream');
      expect(arrived.id).toMatch(/^\d+$/);
      expect(arrived.data).toMatchObject({ status: 'awaiting_sign_for', assigneeOrganisationId: 'pc-beichen-aoyuan', overdue: false, clockPaused: false });
      expect(arrived.data.timeLeftMs).toBeGreaterThan(0);
      expect(Object.keys(arrived.data).sort()).toEqual(Object.keys((await untilListed('pc.beichen-aoyuan', '/tasks/inbox?limit=200', caseId))).sort());
      const supervised = await street.next((message) => message.data.caseId === caseId, 'the case on the street stream');
      expect(supervised).toMatchObject({ event: 'case', data: { communityId: 'xiangyuan', queues: [] } });

      await sleep(3 * CHANGE_POLL_INTERVAL_MS);
      expect(foreign.received.filter((message) => message.data?.includes(caseId))).toEqual([]);

      // The company goes away, its task changes meanwhile, and it comes back with the last id it got.
      const lastId = company.updates[company.updates.length - 1].id;
      company.close();
      expect((await api.request('POST', `/cases/${caseId}/task/sign-for`, token['pc.beichen-aoyuan'])).status).toBe(200);
      await untilListed('pc.beichen-aoyuan', '/tasks/inbox?limit=200', caseId, (row) => row.status === 'in_progress');
      const resumed = await open('/tasks/inbox/stream', 'pc.beichen-aoyuan', 'query', { 'last-event-id': lastId });
      const caughtUp = await resumed.next((message) => message.data.caseId === caseId, 'the signed-for task after resuming');
      expect(caughtUp).toMatchObject({ event: 'case', data: { status: 'in_progress' } });
      expect(Number(caughtUp.id)).toBeGreaterThan(Number(lastId));

      const other = await open('/tasks/inbox/stream', 'oc.beichen-aoyuan');
      await other.comment('connected');
      const redispatch = { assignee: { organisationId: 'oc-beichen-aoyuan', kind: 'owners_committee' }, reason: '需业主表决' };
      expect((await api.request('POST', `/cases/${caseId}/redispatch`, token['staff.xiangyuan'], redispatch)).status).toBe(200);
      expect(await resumed.next((message) => message.event === 'removed', 'the task leaving the company')).toMatchObject({ data: { caseId } });
      await other.next((message) => message.event === 'case' && message.data.caseId === caseId, 'the task arriving at the owners’ committee');
    });

    it('ends a stream within 5 s once its token is signed out, or its user disabled, and refuses it when it reconnects', async () => {
      const signedOut = await api.login('pc.jinxiu-huayuan');
      const inbox = await EventStream.open(`${api.baseUrl}/tasks/inbox/stream?access_token=${signedOut}`);
      streams.push(inbox);
      await inbox.comment('connected');
      expect((await api.request('POST', '/auth/logout', signedOut)).status).toBe(204);

      const user = { username: `street.leaving-${uniqueWord()}`, displayName: '调离的督办员', role: 'street_officer', password: 'Leaving-2026-pass', organisationId: 'beigan' };
      expect((await api.request('POST', '/admin/users', token['admin.district'], user)).status).toBe(201);
      const disabledToken = await api.login(user.username, user.password);
      const supervision = await EventStream.open(`${api.baseUrl}/supervision/stream`, { authorization: `Bearer ${disabledToken}` });
      streams.push(supervision);
      await supervision.comment('connected');
      expect((await api.request('PATCH', `/admin/users/${user.username}`, token['admin.district'], { disabled: true })).status).toBe(200);

      for (const stream of [inbox, supervision]) {
        const refusal = await stream.next((message) => message.event === 'unauthorized', 'the stream ending for its token', 2 * TOKEN_RECHECK_INTERVAL_MS);
        expect(refusal.data).toEqual({ statusCode: 401, error: 'Unauthorized', message: expect.stringMatching(/revoked or expired/) });
        await eventually(() => (stream.ended ? true : undefined), 'the server to close the stream');
      }
      expect((await EventStream.open(`${api.baseUrl}/tasks/inbox/stream?access_token=${signedOut}`)).status).toBe(401);
      expect((await EventStream.open(`${api.baseUrl}/supervision/stream`, { authorization: `Bearer ${disabledToken}` })).status).toBe(401);
    });

    it('refuses a stream without a valid token, to other roles, and with a bad Last-Event-ID; takes the token from the query only on streams', async () => {
      expect((await EventStream.open(`${api.baseUrl}/tasks/inbox/stream`)).status).toBe(401);
      expect((await EventStream.open(`${api.baseUrl}/tasks/inbox/stream?access_token=forged.token.value`)).status).toBe(401);
      expect((await openStream('/tasks/inbox/stream', 'staff.xiangyuan')).status).toBe(403);
      expect((await openStream('/supervision/stream', 'pc.beichen-aoyuan')).status).toBe(403);
      expect((await openStream('/supervision/stream', 'street.officer', 'header', { 'last-event-id': 'yesterday' })).status).toBe(400);
      expect((await api.request('GET', `/tasks/inbox?access_token=${token['pc.beichen-aoyuan']}`)).status).toBe(401);
    });
  });
});
