import { randomUUID } from 'node:crypto';
import { type ComplaintForm } from '@yixin/cases';
import { chinaMonthOf } from '@yixin/rates';
import { startE2eApp, type E2eApp } from '@yixin/testing';
import { E2E_BACKENDS, eventually, sampleComplaint, type ApiClient } from '@yixin/testing';

let buildings = 0;

function complaint(communityId: string, compoundId: string, category: ComplaintForm['category']): ComplaintForm {
  return { ...sampleComplaint(), location: { communityId, compoundId, building: `C${++buildings}幢` }, category, description: '统计用投诉' };
}

/** A month before `month`, as YYYY-MM. */
function monthBefore(month: string, count: number): string {
  const [year, number] = month.split('-').map(Number);
  const index = year * 12 + number - 1 - count;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
}

/**
 * The charts' figures: cases filed by category, compound and month (China time), counted in SQL
 * over the case list, scoped as the caller's case list is, on each backend.
 */
describe.each(E2E_BACKENDS)('case counts over HTTP on %s', (backend) => {
  let e2e: E2eApp;
  let api: ApiClient;
  let tokens: Record<string, string>;
  const month = chinaMonthOf(new Date().toISOString());

  beforeAll(async () => {
    e2e = await startE2eApp({ backend, users: ['staff.xiangyuan', 'staff.hushan', 'oc.beichen-aoyuan', 'pc.beichen-aoyuan', 'street.officer', 'auditor'] });
    ({ api, tokens } = e2e);
    const filings: Array<[string, ComplaintForm]> = [
      ['staff.xiangyuan', complaint('xiangyuan', 'beichen-aoyuan', 'elevator')],
      ['staff.xiangyuan', complaint('xiangyuan', 'beichen-aoyuan', 'elevator')],
      ['staff.xiangyuan', complaint('xiangyuan', 'beichen-aoyuan', 'water_leak')],
      ['staff.xiangyuan', complaint('xiangyuan', 'wocheng-yinxiang', 'parking')],
      ['staff.hushan', complaint('hushan', 'hushan-huayuan', 'elevator')],
    ];
    const caseIds: string[] = [];
    for (const [staff, body] of filings) {
      const filed = await api.request('POST', '/cases', tokens[staff], body);
      expect(filed.status).toBe(201);
      caseIds.push(filed.body.caseId);
    }
    await eventually(async () => {
      const listed = await api.request('GET', '/cases?limit=200', tokens.auditor);
      return caseIds.every((caseId) => listed.body.items.some((row: { caseId: string }) => row.caseId === caseId)) ? true : undefined;
    }, 'the cases in the case list');
    // Filed at 00:30 on the 1st, China time: still the 31st in UTC, and counted in the China month.
    await e2e.readStore.batch([
      {
        sql: `INSERT INTO case_list (case_id, community_id, compound_id, building, category, urgency, description, search_text, status, tier,
                filed_at, updated_at, revision, changed_position, state_json) VALUES (?, 'xiangyuan', 'beichen-aoyuan', '1幢', 'sanitation', 'normal', '', '', 'closed', 'community', ?, ?, 0, 0, ?)`,
        params: [randomUUID(), '2026-03-31T16:30:00.000Z', '2026-03-31T16:30:00.000Z', JSON.stringify({ status: 'closed', tier: 'community', redoCount: 0 })],
      },
    ]);
  }, 180_000);

  afterAll(() => e2e?.stop());

  const counts = (user: string, query: string) => api.request('GET', `/rates/case-counts?${query}`, tokens[user]);

  it('counts by category and by compound, most first, within the caller’s case list', async () => {
    const byCategory = await counts('staff.xiangyuan', `by=category&from=${month}&to=${month}`);
    expect(byCategory.status).toBe(200);
    expect(byCategory.body).toEqual({
      by: 'category',
      from: month,
      to: month,
      total: 4,
      counts: [
        { key: 'elevator', name: 'elevator', count: 2 },
        { key: 'parking', name: 'parking', count: 1 },
        { key: 'water_leak', name: 'water_leak', count: 1 },
      ],
    });

    const byCompound = await counts('street.officer', `by=compound&from=${month}&to=${month}`);
    expect(byCompound.body.counts).toEqual([
      { key: 'beichen-aoyuan', name: '北辰奥园', count: 3 },
      { key: 'hushan-huayuan', name: expect.any(String), count: 1 },
      { key: 'wocheng-yinxiang', name: expect.any(String), count: 1 },
    ]);

    expect((await counts('staff.hushan', `by=compound&from=${month}&to=${month}`)).body).toMatchObject({ total: 1, counts: [{ key: 'hushan-huayuan', count: 1 }] });
    expect((await counts('oc.beichen-aoyuan', `by=compound&from=${month}&to=${month}`)).body).toMatchObject({ total: 3, counts: [{ key: 'beichen-aoyuan', count: 3 }] });
  });

  it('counts by China-time month, every month of the range with zeros, a year to this month by default', async () => {
    const year = await counts('auditor', 'by=month');
    expect(year.status).toBe(200);
    expect(year.body).toMatchObject({ from: monthBefore(month, 11), to: month });
    expect(year.body.counts).toHaveLength(12);
    expect(year.body.counts[11]).toEqual({ key: month, name: month, count: 5 });

    const spring = await counts('auditor', 'by=month&from=2026-02&to=2026-05');
    expect(spring.body.counts).toEqual([
      { key: '2026-02', name: '2026-02', count: 0 },
      { key: '2026-03', name: '2026-03', count: 0 },
      { key: '2026-04', name: '2026-04', count: 1 },
      { key: '2026-05', name: '2026-05', count: 0 },
    ]);
    expect((await counts('staff.hushan', 'by=month&from=2026-04&to=2026-04')).body.total).toBe(0);
  });

  it('refuses bad ranges and groupings with the reason, and roles without a case list', async () => {
    const refusals: Array<[string, RegExp]> = [
      ['by=street', /by must be one of/],
      ['by=month&from=2026-13', /from must be a month written YYYY-MM/],
      ['by=month&from=2026-05&to=2026-04', /must not be after/],
      ['by=month&from=2023-01&to=2026-12', /at most 36 months/],
    ];
    for (const [query, message] of refusals) {
      const refused = await counts('auditor', query);
      expect({ query, status: refused.status }).toEqual({ query, status: 400 });
      expect(JSON.stringify(refused.body.message)).toMatch(message);
    }
    expect((await counts('pc.beichen-aoyuan', 'by=category')).status).toBe(403);
  });
});
