import type { INestApplication } from '@nestjs/common';
import { type ComplaintForm } from '@yixin/cases';
import { DEMO_ORGANISATIONS, DEMO_PASSWORD, DirectoryService } from '@yixin/directory';
import type { TemporalDevServer } from '@yixin/temporal-tooling';
import { createEmbeddedApp } from '../../apps/embedded/src/embedded-app';
import { ApiClient, backendEnvironment, E2E_BACKENDS, eventually, startTestTemporal, temporaryDirectory, testConfig } from '@yixin/testing';

const TASKS_OF_FIRST = 120;
const TASKS_OF_SECOND = 5;
const PAGE = 50;

interface InboxAnswer {
  total: number;
  items: Array<{ caseId: string }>;
  nextCursor: string | null;
}

/**
 * Paging GET /tasks/inbox by cursor over HTTP, on the real API and worker, a real Temporal dev
 * server and a real store: two property companies of compounds of their own, each with an inbox
 * of nothing but the tasks filed here.
 */
describe.each(E2E_BACKENDS)('inbox paging on %s', (backend) => {
  let temporal: TemporalDevServer;
  let backendServer: Awaited<ReturnType<typeof backendEnvironment>>;
  let app: INestApplication;
  let api: ApiClient;
  let staff: string;
  const company: Record<'first' | 'second', { token: string; caseIds: string[] }> = { first: { token: '', caseIds: [] }, second: { token: '', caseIds: [] } };

  const complaintAt = (compoundId: string, n: number): ComplaintForm => ({
    resident: { name: '王阿姨', phone: '13800000000' },
    // A building each: a second complaint at the same place would be merged into the first.
    location: { communityId: 'xiangyuan', compoundId, building: `${n + 1}幢` },
    category: 'elevator',
    urgency: 'normal',
    description: '电梯停运',
    channel: 'visit',
  });

  async function fileAll(compoundId: string, count: number): Promise<string[]> {
    const caseIds: string[] = [];
    for (let start = 0; start < count; start += 50) {
      const complaints = Array.from({ length: Math.min(50, count - start) }, (_, n) => complaintAt(compoundId, start + n));
      const answer = await api.request<Array<{ caseId: string; status: string }>>('POST', '/cases/batch', staff, { complaints });
      expect([answer.status, answer.body.filter((item) => item.status !== 'filed')]).toEqual([200, []]);
      caseIds.push(...answer.body.map((item) => item.caseId));
    }
    return caseIds;
  }

  const caseIdsOf = (answer: InboxAnswer) => answer.items.map((row) => row.caseId);

  const inbox = async (token: string, query: string): Promise<InboxAnswer> => {
    const answer = await api.request<InboxAnswer>('GET', `/tasks/inbox?${query}`, token);
    expect({ query, status: answer.status }).toEqual({ query, status: 200 });
    return answer.body;
  };

  beforeAll(async () => {
    [temporal, backendServer] = await Promise.all([startTestTemporal(), backendEnvironment(backend)]);
    app = await createEmbeddedApp(testConfig(temporaryDirectory(), temporal.address, backendServer.env), { logger: false });
    await app.listen(0, '127.0.0.1');
    api = new ApiClient(await app.getUrl());
    await app.get(DirectoryService).seed(
      [
        ...DEMO_ORGANISATIONS,
        ...(['first', 'second'] as const).flatMap((which) => [
          { id: `paging-${which}`, kind: 'compound' as const, name: `${which}苑`, parentId: 'xiangyuan', propertyCompanyId: `pc-paging-${which}` },
          { id: `pc-paging-${which}`, kind: 'property_company' as const, name: `${which}苑物业`, parentId: 'property-council' },
        ]),
      ],
      (['first', 'second'] as const).map((which) => ({
        username: `pc.paging-${which}`,
        userId: `user-pc-paging-${which}`,
        displayName: `${which}苑物业`,
        role: 'property_company' as const,
        organisationId: `pc-paging-${which}`,
      })),
      DEMO_PASSWORD,
      [],
    );
    staff = await api.login('staff.xiangyuan');
    company.first.token = await api.login('pc.paging-first');
    company.second.token = await api.login('pc.paging-second');
    // One company after the other: every task of the second is dispatched after every task of the first.
    for (const [which, count] of [['first', TASKS_OF_FIRST], ['second', TASKS_OF_SECOND]] as const) {
      company[which].caseIds = await fileAll(`paging-${which}`, count);
      await eventually(async () => ((await inbox(company[which].token, 'limit=1')).total === count ? true : undefined), `${count} tasks in the ${which} inbox`, 120_000);
    }
  }, 240_000);

  afterAll(async () => {
    await app?.close();
    await temporal?.stop();
    await backendServer?.stop();
  });

  it('walks the inbox by cursor: every task once, in the order of the whole inbox, with a total on every page', async () => {
    const whole = await inbox(company.first.token, 'limit=200');
    expect(whole.nextCursor).toBeNull();
    expect(caseIdsOf(whole).sort()).toEqual([...company.first.caseIds].sort());

    const pages: InboxAnswer[] = [await inbox(company.first.token, `limit=${PAGE}`)];
    // Bounded, so that a cursor which failed to move on fails the test instead of looping.
    while (pages.at(-1)!.nextCursor !== null && pages.length <= TASKS_OF_FIRST / PAGE) pages.push(await inbox(company.first.token, `limit=${PAGE}&cursor=${pages.at(-1)!.nextCursor}`));
    expect(pages.map((page) => [page.total, page.items.length])).toEqual([
      [TASKS_OF_FIRST, PAGE],
      [TASKS_OF_FIRST, PAGE],
      [TASKS_OF_FIRST, TASKS_OF_FIRST - 2 * PAGE],
    ]);
    expect(pages.flatMap(caseIdsOf)).toEqual(caseIdsOf(whole));

    // An offset still pages as it did, and its answer carries the same cursor.
    const byOffset = await inbox(company.first.token, `limit=${PAGE}&offset=${PAGE}`);
    expect([caseIdsOf(byOffset), byOffset.nextCursor]).toEqual([caseIdsOf(pages[1]), pages[1].nextCursor]);
  });

  it('answers a cursor that is not one it gave with 400 in the API’s error format', async () => {
    const { nextCursor } = await inbox(company.first.token, `limit=${PAGE}`);
    const [, filedAt, caseId] = JSON.parse(Buffer.from(nextCursor!, 'base64url').toString());
    const forged = Buffer.from(JSON.stringify(['soon', filedAt, caseId])).toString('base64url');
    for (const cursor of ['', 'not-a-cursor', nextCursor!.slice(0, -3), `${nextCursor}%3D`, forged, `${nextCursor}&cursor=${nextCursor}`]) {
      const answer = await api.request('GET', `/tasks/inbox?limit=${PAGE}&cursor=${cursor}`, company.first.token);
      expect({ cursor, status: answer.status, body: answer.body }).toEqual({
        cursor,
        status: 400,
        body: { statusCode: 400, error: 'Bad Request', message: ['cursor must be the nextCursor of an earlier answer, unchanged'] },
      });
    }
  });

  it("shows another company nothing of the first's, by its cursor or in its own inbox", async () => {
    const { nextCursor } = await inbox(company.first.token, `limit=${PAGE}`);
    // A cursor is a position in the order of inboxes, not a key to one: the second company's tasks,
    // dispatched after the first's, all come after it in its own inbox.
    const byForeignCursor = await inbox(company.second.token, `limit=${PAGE}&cursor=${nextCursor}`);
    expect([byForeignCursor.total, byForeignCursor.nextCursor, caseIdsOf(byForeignCursor).sort()]).toEqual([TASKS_OF_SECOND, null, [...company.second.caseIds].sort()]);
    expect(caseIdsOf(await inbox(company.second.token, `limit=${PAGE}`))).toEqual(caseIdsOf(byForeignCursor));
    expect(caseIdsOf(await inbox(company.first.token, 'limit=200')).filter((caseId) => company.second.caseIds.includes(caseId))).toEqual([]);
  });
});
