import { startE2eApp, type E2eApp } from '@yixin/testing';
import { CaseFixtures, XIANGYUAN } from '@yixin/testing';

/**
 * GET /cases/:caseId says what a screen needs to offer only the actions the case's state allows:
 * a paused clock, the last return, the council, the case it was merged into, why it was closed.
 */
describe('the case as GET /cases/:caseId shows it', () => {
  let e2e: E2eApp;
  let fixtures: CaseFixtures;
  const staff = XIANGYUAN.users.staff;

  beforeAll(async () => {
    e2e = await startE2eApp({ users: [staff, XIANGYUAN.users.company, XIANGYUAN.users.councils.property_council, 'street.officer'] });
    fixtures = new CaseFixtures(e2e.api, (username) => e2e.tokens[username]);
  });
  afterAll(() => e2e?.stop());

  const view = async (caseId: string, username = staff) => {
    const answer = await e2e.api.request('GET', `/cases/${caseId}`, e2e.tokens[username]);
    expect(answer.status).toBe(200);
    return answer.body;
  };

  it('shows a paused clock with its reason, and null for what has not happened', async () => {
    const { caseId } = await fixtures.fresh(XIANGYUAN, { state: 'paused' });
    const paused = await view(caseId);
    expect(paused).toMatchObject({ status: 'awaiting_sign_for', paused: { reason: '居民外出，约定下周入户', since: expect.any(String) } });
    expect(paused).toMatchObject({ lastReturn: null, council: null, duplicateOf: null, escalatedFor: [], closedReason: null });
    expect((await e2e.api.request('POST', `/cases/${caseId}/clock/resume`, e2e.tokens[staff])).status).toBe(200);
    expect((await view(caseId)).paused).toBeNull();
  });

  it('shows the last return and, once referred, the council with its session', async () => {
    const returned = await fixtures.fresh(XIANGYUAN, { state: 'returned' });
    expect(await view(returned.caseId)).toMatchObject({ status: 'returned', lastReturn: { by: XIANGYUAN.companyId, reason: 'wrongly_routed' } });

    const convened = await fixtures.fresh(XIANGYUAN, { state: 'convened' });
    const council = (await view(convened.caseId, XIANGYUAN.users.councils.property_council)).council;
    expect(council).toMatchObject({ kind: 'property_council', councilId: 'property-council', question: '由谁承担维修责任？', sessionId: expect.any(String), timedOut: false });
    expect(council.decision).toBeUndefined();
    expect((await view(convened.caseId, 'street.officer')).council).toMatchObject({ kind: 'property_council' });
  });

  it('shows the case a duplicate was merged into, and why a closed case was closed', async () => {
    const duplicate = await fixtures.fresh(XIANGYUAN, { state: 'duplicate' });
    expect(await view(duplicate.caseId)).toMatchObject({ status: 'duplicate', duplicateOf: expect.any(String) });
    const closed = await fixtures.fresh(XIANGYUAN, { state: 'closed' });
    expect(await view(closed.caseId)).toMatchObject({ status: 'closed', closedReason: 'withdrawn', paused: null });
  });
});
