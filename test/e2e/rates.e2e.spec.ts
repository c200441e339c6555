import { type ComplaintForm } from '@yixin/cases';
import { chinaMonthOf, type UnitRates } from '@yixin/rates';
import { startE2eApp, type E2eApp } from '@yixin/testing';
import { eventually, sampleComplaint, type ApiClient } from '@yixin/testing';

/** Parking complaints must be signed for within 1.8 s, so that one sign-for in this test is late. */
const FAST_PARKING_SIGN_FOR = { tasks: { parking: { normal: { signFor: { hours: 0.0005 } } } } };

let buildings = 0;

function complaint(communityId: string, compoundId: string, category: ComplaintForm['category']): ComplaintForm {
  return { ...sampleComplaint(), location: { communityId, compoundId, building: `R${++buildings}幢` }, category, description: '投诉' };
}

/**
 * The three rates and the red and black lists over HTTP, on the real API and worker (one embedded
 * process), a real Temporal dev server and SQLite: cases driven through the API and their
 * workflows, then this month's figures as the rates projection has them.
 */
describe('the three rates over HTTP', () => {
  let e2e: E2eApp;
  let api: ApiClient;
  let tokens: Record<string, string>;
  const month = chinaMonthOf(new Date().toISOString());

  beforeAll(async () => {
    const users = [
      'staff.xiangyuan', 'staff.hushan', 'pc.beichen-aoyuan', 'pc.wocheng-yinxiang', 'pc.hushan-huayuan',
      'oc.beichen-aoyuan', 'street.officer', 'auditor',
    ];
    e2e = await startE2eApp({ deadlinePolicy: FAST_PARKING_SIGN_FOR, users });
    ({ api, tokens } = e2e);
  });

  afterAll(() => e2e?.stop());

  async function file(staff: string, body: ComplaintForm): Promise<string> {
    const filed = await api.request('POST', '/cases', tokens[staff], body);
    expect(filed.status).toBe(201);
    return filed.body.caseId;
  }

  async function act(user: string, caseId: string, action: string, body?: unknown, status = 200) {
    const answer = await api.request('POST', `/cases/${caseId}/${action}`, tokens[user], body);
    expect({ action, status: answer.status, refusal: answer.body?.message }).toEqual({ action, status, refusal: undefined });
  }

  /** The case's task once it is in the company's inbox (redoCount counts redos). */
  function inInbox(company: string, caseId: string, redoCount = 0) {
    return eventually(async () => {
      const inbox = await api.request('GET', '/tasks/inbox?limit=200', tokens[company]);
      const task = (inbox.body.items as Array<{ caseId: string; redoCount: number; deadlines: { sign_for?: { due: string } } }>).find(
        (entry) => entry.caseId === caseId && entry.redoCount === redoCount,
      );
      return task;
    }, `case ${caseId} in the inbox of ${company}`);
  }

  const rates = (user: string, query: string) => api.request('GET', `/rates?${query}`, tokens[user]);
  const ranking = (user: string, query: string) => api.request('GET', `/rates/ranking?${query}`, tokens[user]);
  const byUnit = (units: UnitRates[]) =>
    Object.fromEntries(units.map(({ unitId, name: _, ...figures }) => [unitId, figures]));

  function unitRow(
    tasks: [assigned: number, inTime: number],
    cases: [closed: number, openPastDeadline: number, resolved: number],
    callBacks: [made: number, satisfied: number, unreachable: number],
    score: number | null,
    rank: number | null,
  ) {
    const ratio = (numerator: number, denominator: number) => (denominator === 0 ? null : expect.closeTo(numerator / denominator, 10));
    return {
      tasksAssigned: tasks[0],
      tasksSignedForInTime: tasks[1],
      responseRate: ratio(tasks[1], tasks[0]),
      casesClosed: cases[0],
      casesOpenPastDeadline: cases[1],
      casesResolved: cases[2],
      resolutionRate: ratio(cases[2], cases[0] + cases[1]),
      callBacksMade: callBacks[0],
      callBacksSatisfied: callBacks[1],
      callBacksUnreachable: callBacks[2],
      satisfactionRate: ratio(callBacks[1], callBacks[0]),
      score,
      rank,
    };
  }

  it("counts this month's cases driven through the API, and ranks them", async () => {
    // 1: 北辰奥园's company signs in time, resolves; satisfied → closed.
    const first = await file('staff.xiangyuan', sampleComplaint());
    await inInbox('pc.beichen-aoyuan', first);
    await act('pc.beichen-aoyuan', first, 'task/sign-for');
    await act('pc.beichen-aoyuan', first, 'task/resolve', { note: '已修复' });
    await act('staff.xiangyuan', first, 'call-back', { outcome: 'satisfied', rating: 5 });

    // 2: the same company; not satisfied → the workflow orders a redo; satisfied the second time.
    const second = await file('staff.xiangyuan', sampleComplaint());
    await inInbox('pc.beichen-aoyuan', second);
    await act('pc.beichen-aoyuan', second, 'task/sign-for');
    await act('pc.beichen-aoyuan', second, 'task/resolve', { note: '已修复' });
    await act('staff.xiangyuan', second, 'call-back', { outcome: 'not_satisfied', rating: 2 });
    await inInbox('pc.beichen-aoyuan', second, 1);
    await act('pc.beichen-aoyuan', second, 'task/sign-for');
    await act('pc.beichen-aoyuan', second, 'task/resolve', { note: '已彻底修复' });
    await act('staff.xiangyuan', second, 'call-back', { outcome: 'satisfied', rating: 4 });

    // 3: 卧城印象's company signs a parking complaint after its 1.8 s limit; the resident is not reached.
    const third = await file('staff.xiangyuan', complaint('xiangyuan', 'wocheng-yinxiang', 'parking'));
    const parking = await inInbox('pc.wocheng-yinxiang', third);
    await eventually(() => (Date.now() > Date.parse(parking.deadlines.sign_for!.due) + 100 ? true : undefined), 'the sign-for limit to pass');
    await act('pc.wocheng-yinxiang', third, 'task/sign-for');
    await act('pc.wocheng-yinxiang', third, 'task/resolve', { note: '已清理' });
    await act('staff.xiangyuan', third, 'call-back', { outcome: 'unreachable' });

    // 4: 湖山花园's company signs in time; the resident withdraws: no resolution counted either way.
    const fourth = await file('staff.hushan', complaint('hushan', 'hushan-huayuan', 'elevator'));
    await inInbox('pc.hushan-huayuan', fourth);
    await act('pc.hushan-huayuan', fourth, 'task/sign-for');
    await act('staff.hushan', fourth, 'withdraw', { note: '居民撤回' });

    const companies = {
      // 3 tasks (case 1, case 2 and its redo), all in time → 1; 2 closed, resolved → 1; call-backs ✓ ✗ ✓ → 2/3.
      // Score: 30 + 35 + 35 × 2/3 = 88.33.
      'pc-beichen-aoyuan': unitRow([3, 3], [2, 0, 2], [3, 2, 0], 88.33, 2),
      // 1 task in time; withdrawn: nothing else → 100.
      'pc-hushan-huayuan': unitRow([1, 1], [0, 0, 0], [0, 0, 0], 100, 1),
      // 1 task, late → 0; resolved, waiting for a call-back that reaches the resident → 0.
      'pc-wocheng-yinxiang': unitRow([1, 0], [0, 0, 0], [0, 0, 1], 0, 3),
    };
    // The worker's projection catches up with the log: 5 tasks, 2 closings, 4 call-backs.
    const total = (units: UnitRates[], counter: (unit: UnitRates) => number) => units.reduce((sum, unit) => sum + counter(unit), 0);
    const report = await eventually(async () => {
      const { body } = await rates('auditor', `month=${month}&level=property_company`);
      const units = body.units as UnitRates[];
      const counted =
        total(units, (unit) => unit.tasksAssigned) === 5 &&
        total(units, (unit) => unit.casesClosed) === 2 &&
        total(units, (unit) => unit.callBacksMade + unit.callBacksUnreachable) === 4;
      return counted ? body : undefined;
    }, 'the rates projection to count every case');
    expect(report).toMatchObject({ month, level: 'property_company', weights: { response: 30, resolution: 35, satisfaction: 35 } });
    expect(report.units.map((unit: UnitRates) => [unit.unitId, unit.name])).toEqual([
      ['pc-hushan-huayuan', '湖山花园物业服务中心'],
      ['pc-beichen-aoyuan', '北辰奥园物业服务中心'],
      ['pc-wocheng-yinxiang', '卧城印象物业服务中心'],
    ]);
    expect(byUnit(report.units)).toEqual(companies);

    expect(byUnit((await rates('auditor', `month=${month}&level=community`)).body.units)).toEqual({
      // 湘源: 4 tasks, 3 in time → 0.75; 2/2; 2/3. Score: 22.5 + 35 + 23.33 = 80.83.
      xiangyuan: unitRow([4, 3], [2, 0, 2], [3, 2, 1], 80.83, 2),
      hushan: unitRow([1, 1], [0, 0, 0], [0, 0, 0], 100, 1),
    });
    expect(byUnit((await rates('street.officer', `month=${month}&level=street`)).body.units)).toEqual({
      // 蜀山: 5 tasks, 4 in time → 0.8; 2/2; 2/3. Score: 24 + 35 + 23.33 = 82.33.
      shushan: unitRow([5, 4], [2, 0, 2], [3, 2, 1], 82.33, 1),
    });

    const lists = (await ranking('street.officer', `month=${month}&level=property_company`)).body;
    expect(lists).toMatchObject({ month, level: 'property_company', size: 3 });
    expect([lists.red.map((unit: UnitRates) => unit.unitId), lists.black.map((unit: UnitRates) => unit.unitId)]).toEqual([
      ['pc-hushan-huayuan', 'pc-beichen-aoyuan'],
      ['pc-wocheng-yinxiang'],
    ]);
    const top = (await ranking('auditor', `month=${month}&level=property_company&size=1`)).body;
    expect([top.red.map((unit: UnitRates) => unit.unitId), top.black.map((unit: UnitRates) => unit.unitId)]).toEqual([
      ['pc-hushan-huayuan'],
      ['pc-wocheng-yinxiang'],
    ]);

    // A company sees its own row, ranked among all; community staff their community's.
    const own = await rates('pc.beichen-aoyuan', `month=${month}&level=property_company`);
    expect(own.body.units.map((unit: UnitRates) => [unit.unitId, unit.rank])).toEqual([['pc-beichen-aoyuan', 2]]);
    const community = await rates('staff.hushan', `month=${month}&level=community`);
    expect(community.body.units.map((unit: UnitRates) => [unit.unitId, unit.rank])).toEqual([['hushan', 1]]);
  });

  it('answers 400 to a bad month, level or size, listing what is wrong', async () => {
    const bad = await rates('auditor', 'month=2026-13&level=compound');
    expect(bad.status).toBe(400);
    expect(bad.body.message).toEqual(
      expect.arrayContaining(['month must be a month written YYYY-MM (e.g. 2026-03)', expect.stringMatching(/^level must be one of/)]),
    );
    expect((await rates('auditor', 'level=street')).body.message).toEqual(['month must be a month written YYYY-MM (e.g. 2026-03)']);
    expect((await ranking('auditor', `month=${month}&level=street&size=0`)).status).toBe(400);
    expect((await ranking('auditor', `month=${month}&level=street&size=51`)).status).toBe(400);
  });

  it('answers 403 to roles outside the rates, and to a company asking for other levels', async () => {
    expect((await rates('oc.beichen-aoyuan', `month=${month}&level=property_company`)).status).toBe(403);
    expect((await ranking('staff.xiangyuan', `month=${month}&level=community`)).status).toBe(403);
    expect((await ranking('pc.beichen-aoyuan', `month=${month}&level=property_company`)).status).toBe(403);
    const otherLevel = await rates('pc.beichen-aoyuan', `month=${month}&level=community`);
    expect(otherLevel.status).toBe(403);
    expect(otherLevel.body.message).toMatch(/its own row among the property companies/);
    expect((await api.request('GET', `/rates?month=${month}&level=street`)).status).toBe(401);
  });
});
