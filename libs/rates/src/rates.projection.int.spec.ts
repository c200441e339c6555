import Database from 'better-sqlite3';
import { startTestPostgres, testPool, type TestPostgres } from '@yixin/testing';
import {
  CASE_EVENT_SCHEMA_VERSIONS,
  type Actor,
  type AssigneeKind,
  type CaseEvent,
  type CaseEventType,
  type DeadlineKind,
  type TaskDeadlines,
} from '@yixin/domain';
import type { RecordedEvent } from '@yixin/event-store';
import { caseStreamId } from '@yixin/case-stream';
import { DIRECTORY_SCHEMA, DirectoryService } from '@yixin/directory';
import type { Organisation } from '@yixin/directory';
import type { RateLevel, UnitRates } from './rate-table';
import { GetRateRankingHandler, GetRateRankingQuery, GetRatesHandler, GetRatesQuery, RateReader } from './rates.queries';
import { PostgresSqlDatabase, SqliteSqlDatabase, type SqlDatabase } from '@yixin/stores';
import { applyProjectionBatch, PROJECTION_CHECKPOINTS_SCHEMA } from '@yixin/projections';
import { chinaMonthOf, ratesProjection } from './rates.projection';

/**
 * The three rates of a known set of cases, written as events by hand over two months, checked
 * against rates worked out by hand below. Instants are China time (UTC+8), as the months are.
 *
 * Two streets: 蜀山 (communities 湘源 and 湖山) and 新街 (community 新街). Companies: pc-a and pc-b
 * serve 湘源's compounds, pc-c 湖山's, pc-d 新街's; oc-a is the owners' committee of pc-a's compound.
 * Complaints in 湖山 were filed without their jurisdiction (as before schema version 3): their street
 * comes from the directory.
 */
const ORGANISATIONS: Organisation[] = [
  { id: 'xiaoshan', kind: 'district', name: '萧山区' },
  { id: 'shushan', kind: 'street', name: '蜀山街道', parentId: 'xiaoshan' },
  { id: 'xinjie-street', kind: 'street', name: '新街街道', parentId: 'xiaoshan' },
  { id: 'xiangyuan', kind: 'community', name: '湘源社区', parentId: 'shushan' },
  { id: 'hushan', kind: 'community', name: '湖山社区', parentId: 'shushan' },
  { id: 'xinjie', kind: 'community', name: '新街社区', parentId: 'xinjie-street' },
  { id: 'beichen-aoyuan', kind: 'compound', name: '北辰奥园', parentId: 'xiangyuan', propertyCompanyId: 'pc-a' },
  { id: 'wocheng-yinxiang', kind: 'compound', name: '卧城印象', parentId: 'xiangyuan', propertyCompanyId: 'pc-b' },
  { id: 'hushan-huayuan', kind: 'compound', name: '湖山花园', parentId: 'hushan', propertyCompanyId: 'pc-c' },
  { id: 'xinjie-jiayuan', kind: 'compound', name: '新街家园', parentId: 'xinjie', propertyCompanyId: 'pc-d' },
  { id: 'pc-a', kind: 'property_company', name: '北辰物业' },
  { id: 'pc-b', kind: 'property_company', name: '卧城物业' },
  { id: 'pc-c', kind: 'property_company', name: '湖山物业' },
  { id: 'pc-d', kind: 'property_company', name: '新街物业' },
  { id: 'oc-a', kind: 'owners_committee', name: '北辰奥园业委会', parentId: 'beichen-aoyuan' },
];

const WEIGHTS = { response: 30, resolution: 35, satisfaction: 35 };

/** '03-02 09:00' → 2026-03-02 09:00 China time. */
const cn = (moment: string) => `2026-${moment.replace(' ', 'T')}:00+08:00`;

const log: RecordedEvent[] = [];

/** One case's events, appended to the log in the order written. */
function complaint(caseNumber: number, filedAt: string, place: { compoundId: string; communityId: string; streetId?: string; category?: string }) {
  const caseId = `00000000-0000-4000-8000-${String(caseNumber).padStart(12, '0')}`;
  let revision = -1;
  const append = <T extends CaseEventType>(type: T, data: Extract<CaseEvent, { type: T }>['data']) => {
    revision += 1;
    log.push({
      id: `${caseId}/${revision}`,
      type,
      streamId: caseStreamId(caseId),
      revision,
      globalPosition: log.length + 1,
      recordedAt: new Date().toISOString(),
      schemaVersion: CASE_EVENT_SCHEMA_VERSIONS[type],
      data: data as unknown as Record<string, unknown>,
      metadata: { actor: { userId: 'test', role: 'system', organisationId: 'center' }, tier: 'community', correlationId: 'c', causationId: 'c' },
      previousHash: '',
      hash: '',
    });
  };
  append('ComplaintFiled', {
    caseId,
    personalData: { clear: { name: '王阿姨', phone: '13800000000' } },
    location: { communityId: place.communityId, compoundId: place.compoundId, building: `${caseNumber}幢` },
    category: (place.category ?? 'elevator') as 'elevator',
    urgency: 'normal',
    description: '电梯停运',
    channel: 'visit',
    propertyCompanyId: ORGANISATIONS.find((o) => o.id === place.compoundId)!.propertyCompanyId!,
    ...(place.streetId ? { jurisdiction: { streetId: place.streetId, districtId: 'xiaoshan', councils: {} } } : {}),
    filedAt: cn(filedAt),
  });
  const deadlines = (signFor: string, resolve: string): TaskDeadlines => ({
    sign_for: { due: cn(signFor), unit: 'hours', remindAt: cn(signFor) },
    first_reply: { due: cn(signFor), unit: 'hours', remindAt: cn(signFor) },
    resolve: { due: cn(resolve), unit: 'hours', remindAt: cn(resolve) },
  });
  const taskId = `task-${caseNumber}`;
  const steps = {
    dispatch: (at: string, assignee: string, signForBy: string, resolveBy: string, kind: AssigneeKind = 'property_company') => (
      append('TaskDispatched', { taskId, assigneeOrganisationId: assignee, assigneeKind: kind, origin: 'complaint', deadlines: deadlines(signForBy, resolveBy), dispatchedAt: cn(at) }),
      steps
    ),
    signFor: (at: string) => (append('TaskSignedFor', { taskId, signedForAt: cn(at) }), steps),
    progress: (at: string) => (append('ProgressReported', { taskId, note: '已联系维保', evidence: [], reportedAt: cn(at) }), steps),
    resolve: (at: string) => (append('TaskResolved', { taskId, note: '已修复', evidence: [], resolvedAt: cn(at) }), steps),
    callBack: (at: string, outcome: 'satisfied' | 'not_satisfied' | 'unreachable') => (
      append('CallBackRecorded', { outcome, ...(outcome === 'unreachable' ? {} : { rating: outcome === 'satisfied' ? 5 : 2 }), calledBackAt: cn(at) }),
      steps
    ),
    close: (at: string, reason: 'resident_satisfied' | 'resident_unreachable' | 'withdrawn' | 'ruling') => (
      append('CaseClosed', { reason, closedAt: cn(at) }),
      steps
    ),
    redo: (at: string, assignee: string, signForBy: string, resolveBy: string) => (
      append('TaskRedoOrdered', { taskId, assigneeOrganisationId: assignee, redoCount: 1, deadlines: deadlines(signForBy, resolveBy), orderedAt: cn(at) }),
      steps
    ),
    returned: (at: string, by: string) => (
      append('TaskReturned', { taskId, returnedBy: by, reason: 'wrongly_routed', note: '非本项目', returnedAt: cn(at) }),
      steps
    ),
    returnRejected: (at: string, assignee: string) => (
      append('ReturnRejected', { taskId, assigneeOrganisationId: assignee, reason: '确属本项目', rejectedAt: cn(at) }),
      steps
    ),
    paused: (at: string) => (append('ClockPaused', { taskId, reason: '等待居民在家', pausedAt: cn(at) }), steps),
    resumed: (at: string, moved: Partial<Record<DeadlineKind, string>>) => (
      append('ClockResumed', {
        taskId,
        deadlines: Object.fromEntries(Object.entries(moved).map(([kind, due]) => [kind, { due: cn(due), unit: 'hours', remindAt: cn(due) }])),
        resumedAt: cn(at),
      }),
      steps
    ),
    extended: (at: string, resolveBy: string) => (
      append('DeadlineExtended', { taskId, resolve: { due: cn(resolveBy), unit: 'hours', remindAt: cn(resolveBy) }, requested: true, extendedAt: cn(at) }),
      steps
    ),
    escalated: (at: string, fresh: Partial<Record<DeadlineKind, string>>) => (
      append('CaseEscalated', {
        fromTier: 'community',
        toTier: 'street',
        reason: 'overdue',
        supervisorOrganisationId: 'shushan',
        deadlines: Object.fromEntries(Object.entries(fresh).map(([kind, due]) => [kind, { due: cn(due), unit: 'hours', remindAt: cn(due) }])),
        escalatedAt: cn(at),
      }),
      steps
    ),
  };
  return steps;
}

const XIANGYUAN_A = { compoundId: 'beichen-aoyuan', communityId: 'xiangyuan', streetId: 'shushan' };
const XIANGYUAN_B = { compoundId: 'wocheng-yinxiang', communityId: 'xiangyuan', streetId: 'shushan' };
const HUSHAN = { compoundId: 'hushan-huayuan', communityId: 'hushan' };
const XINJIE = { compoundId: 'xinjie-jiayuan', communityId: 'xinjie', streetId: 'xinjie-street' };

// March. Sign-for limits are two hours after dispatch.
// 1: pc-a signs in time, resolves; satisfied → closed, resolved.
complaint(1, '03-02 08:50', XIANGYUAN_A).dispatch('03-02 09:00', 'pc-a', '03-02 11:00', '03-03 09:00')
  .signFor('03-02 10:00').resolve('03-02 16:00').callBack('03-03 10:00', 'satisfied').close('03-03 10:00', 'resident_satisfied');
// 2: pc-a signs late (12:30 > 11:00); not satisfied → redo, signed in time; satisfied → closed, resolved.
complaint(2, '03-05 08:50', XIANGYUAN_A).dispatch('03-05 09:00', 'pc-a', '03-05 11:00', '03-06 09:00')
  .signFor('03-05 12:30').resolve('03-06 08:00').callBack('03-06 15:00', 'not_satisfied')
  .redo('03-06 15:00', 'pc-a', '03-06 17:00', '03-07 15:00').signFor('03-06 16:00').resolve('03-07 11:00')
  .callBack('03-08 10:00', 'satisfied').close('03-08 10:00', 'resident_satisfied');
// 3: pc-b in time; the resident unreachable once, then satisfied → closed, resolved.
complaint(3, '03-10 08:50', XIANGYUAN_B).dispatch('03-10 09:00', 'pc-b', '03-10 11:00', '03-17 18:00')
  .signFor('03-10 10:30').resolve('03-12 10:00').callBack('03-13 10:00', 'unreachable').callBack('03-14 10:00', 'satisfied')
  .close('03-14 10:00', 'resident_satisfied');
// 4: pc-c in time; withdrawn by the resident: no resolution counted either way.
complaint(4, '03-11 08:50', HUSHAN).dispatch('03-11 09:00', 'pc-c', '03-11 11:00', '03-20 18:00').signFor('03-11 09:30')
  .close('03-12 10:00', 'withdrawn');
// 5: pc-c in time, never resolved: open past its deadline of 03-27. The street's fresh limit on
// escalation (04-08) does not move the deadline the company was given.
complaint(5, '03-20 08:50', HUSHAN).dispatch('03-20 09:00', 'pc-c', '03-20 11:00', '03-27 18:00').signFor('03-20 10:00')
  .progress('03-21 10:00').escalated('03-31 09:00', { resolve: '04-08 18:00' });
// 6: dispatched at 23:30 on 31 March (15:30 UTC), signed at 00:20 on 1 April: a March task, in time.
// Closed in April, resolved; the call-back is April's.
complaint(6, '03-31 23:20', XINJIE).dispatch('03-31 23:30', 'pc-d', '04-01 01:30', '04-02 23:30').signFor('04-01 00:20')
  .resolve('04-01 10:00').callBack('04-02 10:00', 'satisfied').close('04-02 10:00', 'resident_satisfied');
// 7: dispatched to pc-a by mistake, re-dispatched to pc-b 40 minutes later, before pc-a's limit:
// pc-a's task is not counted. pc-b signs late (13:00 > 11:40); not satisfied → redo, signed in
// time, resolved, waiting for its call-back: not closed, not due.
complaint(7, '03-25 08:50', XIANGYUAN_B).dispatch('03-25 09:00', 'pc-a', '03-25 11:00', '04-03 18:00')
  .dispatch('03-25 09:40', 'pc-b', '03-25 11:40', '04-03 18:00').signFor('03-25 13:00').resolve('03-26 10:00')
  .callBack('03-27 09:00', 'not_satisfied').redo('03-27 10:00', 'pc-b', '03-27 12:00', '04-07 18:00').signFor('03-27 11:00')
  .resolve('03-30 10:00');
// 8: an owners' matter for oc-a, not signed for by 11:00; escalated with a fresh sign-for limit of
// 03-24 11:00, signed at 10:00 that day: late all the same. Satisfied → closed, resolved.
complaint(8, '03-16 08:50', { ...XIANGYUAN_A, category: 'maintenance_fund' })
  .dispatch('03-16 09:00', 'oc-a', '03-16 11:00', '04-03 18:00', 'owners_committee').escalated('03-24 09:00', { sign_for: '03-24 11:00' })
  .signFor('03-24 10:00').resolve('03-26 10:00').callBack('03-27 10:00', 'satisfied').close('03-27 10:00', 'resident_satisfied');
// 9: pc-a returns it unsigned before its limit; the return is rejected and pc-a signs at 12:00: late.
complaint(9, '03-18 08:50', XIANGYUAN_A).dispatch('03-18 09:00', 'pc-a', '03-18 11:00', '03-25 18:00').returned('03-18 10:00', 'pc-a')
  .returnRejected('03-18 11:30', 'pc-a').signFor('03-18 12:00').resolve('03-19 10:00').callBack('03-20 10:00', 'satisfied')
  .close('03-20 10:00', 'resident_satisfied');
// 10: the clock paused an hour before sign-for moves the limit to 12:00: signed at 11:30, in time.
// The resolve deadline, moved to 03-31 by the pause and to 04-08 by an extension, falls in April.
complaint(10, '03-23 08:50', HUSHAN).dispatch('03-23 09:00', 'pc-c', '03-23 11:00', '03-30 18:00').paused('03-23 09:30')
  .resumed('03-23 10:30', { sign_for: '03-23 12:00', first_reply: '03-23 12:00', resolve: '03-31 18:00' }).signFor('03-23 11:30')
  .extended('03-28 10:00', '04-08 18:00');
// April.
// 11: pc-d in time; the street closes it with a ruling: closed, not resolved.
complaint(11, '04-03 08:50', XINJIE).dispatch('04-03 09:00', 'pc-d', '04-03 11:00', '04-10 18:00').signFor('04-03 09:10')
  .escalated('04-14 09:00', {}).close('04-15 10:00', 'ruling');
// 12: dispatched at 23:00 on 30 April, never signed for: late once its limit (1 May 01:00) passed.
complaint(12, '04-30 22:50', XINJIE).dispatch('04-30 23:00', 'pc-d', '05-01 01:00', '05-08 18:00');
// 13: withdrawn before any dispatch: nothing to count.
complaint(13, '04-02 09:00', HUSHAN).close('04-02 10:00', 'withdrawn');
// 14: pc-b in time; the resident unreachable three times → closed as unreachable, which follows the
// resolution: resolved. No call-back was made (unreachable ones give no opinion).
complaint(14, '04-07 08:50', XIANGYUAN_B).dispatch('04-07 09:00', 'pc-b', '04-07 11:00', '04-14 18:00').signFor('04-07 09:30')
  .resolve('04-08 10:00').callBack('04-09 10:00', 'unreachable').callBack('04-10 10:00', 'unreachable')
  .callBack('04-11 10:00', 'unreachable').close('04-11 10:00', 'resident_unreachable');

const NOW = cn('05-10 12:00');

const actor = (role: Actor['role'], organisationId: string): Actor => ({ userId: `user-${organisationId}`, role, organisationId });
const auditor = actor('auditor', 'xiaoshan');

/** The figures of a row to compare: counts, rates, score and rank. */
function figures(unit: UnitRates) {
  const { unitId: _id, name: _name, ...rest } = unit;
  return rest;
}

function unitRow(
  tasks: [assigned: number, inTime: number],
  cases: [closed: number, openPastDeadline: number, resolved: number],
  callBacks: [made: number, satisfied: number, unreachable: number],
  score: number | null,
  rank: number | null,
) {
  const ratio = (numerator: number, denominator: number) => (denominator === 0 ? null : numerator / denominator);
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

type ReadStore = { db: SqlDatabase; close(): Promise<void> };

async function openSqlite(): Promise<ReadStore> {
  const sqlite = new Database(':memory:');
  return { db: new SqliteSqlDatabase(sqlite), close: async () => void sqlite.close() };
}

async function openPostgres(): Promise<ReadStore> {
  const postgres: TestPostgres = await startTestPostgres();
  const pool = testPool({ connectionString: postgres.connectionString, max: 4 });
  return {
    db: new PostgresSqlDatabase(pool),
    close: async () => {
      await pool.end();
      await postgres.stop();
    },
  };
}

const READ_STORES: Array<[string, () => Promise<ReadStore>]> = [
  ['SQLite', openSqlite],
  ['PostgreSQL', openPostgres],
];

describe.each(READ_STORES)('the rates projection on %s', (_, openReadStore) => {
  let store: ReadStore;
  let rates: GetRatesHandler;
  let ranking: GetRateRankingHandler;

  beforeAll(async () => {
    store = await openReadStore();
    await store.db.executeScript([DIRECTORY_SCHEMA, PROJECTION_CHECKPOINTS_SCHEMA, ratesProjection.schema].join(';\n'));
    const directory = new DirectoryService(store.db);
    await directory.seed(ORGANISATIONS, [], '', []);
    const reader = new RateReader(store.db, directory, { rateWeights: WEIGHTS });
    rates = new GetRatesHandler(reader);
    ranking = new GetRateRankingHandler(reader);
    // As the live runner does: one event at a time, each with its checkpoint.
    for (const event of log) await applyProjectionBatch(store.db, ratesProjection, [event]);
  }, 120_000);

  afterAll(() => store?.close());

  const report = async (month: string, level: RateLevel, viewer = auditor, now = NOW) => (await rates.execute(new GetRatesQuery(viewer, month, level, now))).units;
  const table = async (month: string, level: RateLevel, viewer = auditor, now = NOW) =>
    Object.fromEntries((await report(month, level, viewer, now)).map((unit) => [unit.unitId, figures(unit)]));

  it('attributes each fact to its month in China time', () => {
    expect(chinaMonthOf(cn('03-31 23:30'))).toBe('2026-03');
    expect(chinaMonthOf('2026-03-31T16:00:00Z')).toBe('2026-04');
  });

  it("counts March's property companies as worked out by hand", async () => {
    expect(await table('2026-03', 'property_company')).toEqual({
      // pc-a. Tasks: case 1 in time, case 2 late + its redo in time, case 9 late (after the rejected
      //   return), case 7's first task taken back before its limit: not counted → 4 assigned, 2 in time → 2/4.
      //   Closed: cases 1, 2, 9, all resolved → 3/3. Call-backs: 1 ✓, 2 ✗ ✓, 9 ✓ → 3/4.
      //   Score: 30 × 0.5 + 35 × 1 + 35 × 0.75 = 15 + 35 + 26.25 = 76.25.
      'pc-a': unitRow([4, 2], [3, 0, 3], [4, 3, 0], 76.25, 2),
      // pc-b. Tasks: case 3 in time, case 7 late + its redo in time → 2/3. Closed: case 3, resolved → 1/1
      //   (case 7 waits for its call-back). Call-backs: 3 ✓ (and one unreachable, not made), 7 ✗ → 1/2.
      //   Score: 30 × 2/3 + 35 × 1 + 35 × 0.5 = 20 + 35 + 17.5 = 72.5.
      'pc-b': unitRow([3, 2], [1, 0, 1], [2, 1, 1], 72.5, 3),
      // pc-c. Tasks: cases 4, 5, 10 (in time thanks to the pause) → 3/3. Case 4 withdrawn: not counted;
      //   case 5 open past its deadline of 03-27 → 0/1. No call-backs.
      //   Score over the two rates it has: (30 × 1 + 35 × 0) / 65 × 100 = 46.153… → 46.15.
      'pc-c': unitRow([3, 3], [0, 1, 0], [0, 0, 0], 46.15, 4),
      // pc-d. Case 6, dispatched on 31 March at 23:30 and signed in time → 1/1; nothing else in March → 100.
      'pc-d': unitRow([1, 1], [0, 0, 0], [0, 0, 0], 100, 1),
      // oc-a (case 8) is an owners' committee: counted for its community and street, not ranked here.
    });
  });

  it("counts March's communities and streets as worked out by hand", async () => {
    expect(await table('2026-03', 'community')).toEqual({
      // 湘源: pc-a's 4 tasks (2 in time), pc-b's 3 (2 in time), oc-a's case 8 (late) → 8 assigned, 4 in time → 0.5.
      //   Closed: cases 1, 2, 3, 8, 9, all resolved → 5/5. Call-backs: pc-a 4 (3 ✓), pc-b 2 (1 ✓), case 8 ✓ → 5/7.
      //   Score: 30 × 0.5 + 35 × 1 + 35 × 5/7 = 15 + 35 + 25 = 75.
      xiangyuan: unitRow([8, 4], [5, 0, 5], [7, 5, 1], 75, 2),
      // 湖山: as pc-c → 46.15.
      hushan: unitRow([3, 3], [0, 1, 0], [0, 0, 0], 46.15, 3),
      // 新街: as pc-d → 100.
      xinjie: unitRow([1, 1], [0, 0, 0], [0, 0, 0], 100, 1),
    });
    expect(await table('2026-03', 'street')).toEqual({
      // 蜀山 = 湘源 + 湖山 (whose complaints name no street: the directory's): 11 assigned, 7 in time → 7/11;
      //   5 closed, all resolved, + case 5 open past its deadline → 5/6; call-backs 5/7.
      //   Score: 30 × 7/11 + 35 × 5/6 + 35 × 5/7 = 19.0909 + 29.1667 + 25 = 73.2576 → 73.26.
      shushan: unitRow([11, 7], [5, 1, 5], [7, 5, 1], 73.26, 2),
      'xinjie-street': unitRow([1, 1], [0, 0, 0], [0, 0, 0], 100, 1),
    });
  });

  it("counts April's as worked out by hand, the task still within its sign-for limit not yet", async () => {
    expect(await table('2026-04', 'property_company')).toEqual({
      // pc-b. Case 14 in time → 1/1; closed as unreachable after its resolution → 1/1; three unreachable
      //   call-backs, none made → no satisfaction rate. Score: (30 + 35) / 65 × 100 = 100.
      'pc-b': unitRow([1, 1], [1, 0, 1], [0, 0, 3], 100, 1),
      // pc-c. No task given in April; case 10 open past its deadline of 04-08 → 0/1. Score 0.
      'pc-c': unitRow([0, 0], [0, 1, 0], [0, 0, 0], 0, 3),
      // pc-d. Case 11 in time, case 12 never signed, its limit passed on 1 May → 1/2. Closed: case 6
      //   resolved, case 11 by a ruling → 1/2. Call-back on case 6 ✓ → 1/1.
      //   Score: 30 × 0.5 + 35 × 0.5 + 35 × 1 = 15 + 17.5 + 35 = 67.5.
      'pc-d': unitRow([2, 1], [2, 0, 1], [1, 1, 0], 67.5, 2),
    });
    // At 23:30 on 30 April, case 12's limit (01:00) has not passed: 1 assigned, 1 in time.
    // Score: 30 × 1 + 35 × 0.5 + 35 × 1 = 30 + 17.5 + 35 = 82.5.
    expect((await table('2026-04', 'property_company', auditor, cn('04-30 23:30')))['pc-d']).toEqual(
      unitRow([1, 1], [2, 0, 1], [1, 1, 0], 82.5, 2),
    );
    expect(await table('2026-04', 'street')).toEqual({
      // 蜀山: case 14 → 1/1; case 14 resolved + case 10 open past its deadline → 1/2; no call-back made.
      //   Score: (30 × 1 + 35 × 0.5) / 65 × 100 = 47.5 / 65 × 100 = 73.0769… → 73.08.
      shushan: unitRow([1, 1], [1, 1, 1], [0, 0, 3], 73.08, 1),
      'xinjie-street': unitRow([2, 1], [2, 0, 1], [1, 1, 0], 67.5, 2),
    });
    // May: nothing happened in it but case 12's resolve deadline (05-08) passing, still open → 0/1.
    expect(await table('2026-05', 'community')).toEqual({ xinjie: unitRow([0, 0], [0, 1, 0], [0, 0, 0], 0, 1) });
  });

  it('names each unit from the directory and lists them best first', async () => {
    expect((await report('2026-03', 'property_company')).map((unit) => [unit.name, unit.rank])).toEqual([
      ['新街物业', 1],
      ['北辰物业', 2],
      ['卧城物业', 3],
      ['湖山物业', 4],
    ]);
  });

  it('puts the best on the red list and the worst, worst first, on the black list, no unit on both', async () => {
    const lists = async (level: RateLevel, size: number, viewer = auditor) => {
      const { red, black } = await ranking.execute(new GetRateRankingQuery(viewer, '2026-03', level, size, NOW));
      return { red: red.map((unit) => unit.unitId), black: black.map((unit) => unit.unitId) };
    };
    expect(await lists('property_company', 3)).toEqual({ red: ['pc-d', 'pc-a'], black: ['pc-c', 'pc-b'] });
    expect(await lists('property_company', 1)).toEqual({ red: ['pc-d'], black: ['pc-c'] });
    expect(await lists('community', 3)).toEqual({ red: ['xinjie', 'xiangyuan'], black: ['hushan'] });
    // A street's officer ranks the companies that worked in the street.
    expect(await lists('property_company', 3, actor('street_officer', 'shushan'))).toEqual({ red: ['pc-a', 'pc-b'], black: ['pc-c'] });
    expect(await lists('property_company', 3, actor('street_officer', 'xinjie-street'))).toEqual({ red: ['pc-d'], black: [] });
  });

  it("shows each viewer the rows of its scope, with the rank among all units", async () => {
    const units = async (viewer: Actor, level: RateLevel) => (await report('2026-03', level, viewer)).map((unit) => [unit.unitId, unit.rank]);
    expect(await units(actor('community_staff', 'hushan'), 'community')).toEqual([['hushan', 3]]);
    expect(await units(actor('community_staff', 'hushan'), 'property_company')).toEqual([['pc-c', 4]]);
    expect(await units(actor('community_staff', 'hushan'), 'street')).toEqual([['shushan', 2]]);
    expect(await units(actor('street_officer', 'xinjie-street'), 'community')).toEqual([['xinjie', 1]]);
    expect(await units(actor('street_officer', 'shushan'), 'property_company')).toEqual([['pc-a', 2], ['pc-b', 3], ['pc-c', 4]]);
    expect(await units(actor('district_officer', 'xiaoshan'), 'street')).toEqual([['xinjie-street', 1], ['shushan', 2]]);
    expect(await units(actor('district_officer', 'elsewhere'), 'street')).toEqual([]);
    expect(await units(actor('property_company', 'pc-b'), 'property_company')).toEqual([['pc-b', 3]]);
  });

  it('refuses other roles and levels, bad months and list sizes', async () => {
    const refusal = (promise: Promise<unknown>) => promise.then(() => 'answered', (error: { kind: string }) => error.kind);
    expect(await refusal(report('2026-03', 'community', actor('property_company', 'pc-b')))).toBe('forbidden');
    expect(await refusal(report('2026-03', 'property_company', actor('owners_committee', 'oc-a')))).toBe('forbidden');
    expect(await refusal(report('2026-03', 'property_company', actor('council_member', 'property-council')))).toBe('forbidden');
    expect(await refusal(ranking.execute(new GetRateRankingQuery(actor('community_staff', 'hushan'), '2026-03', 'community', 3, NOW)))).toBe('forbidden');
    expect(await refusal(report('2026-13', 'community'))).toBe('invalid');
    expect(await refusal(report('2026-3', 'community'))).toBe('invalid');
    expect(await refusal(report('2026-03', 'compound' as RateLevel))).toBe('invalid');
    expect(await refusal(ranking.execute(new GetRateRankingQuery(auditor, '2026-03', 'community', 0, NOW)))).toBe('invalid');
  });

  it('gives the same figures when rebuilt in one batch, and when the same events are applied again', async () => {
    const everything = async () =>
      Promise.all(['2026-03', '2026-04'].flatMap((month) => (['property_company', 'community', 'street'] as const).map((level) => report(month, level))));
    const live = await everything();
    await store.db.batch(ratesProjection.tables.map((table) => ({ sql: `DELETE FROM ${table}` })));
    await store.db.batch(await ratesProjection.apply(log, store.db));
    expect(await everything()).toEqual(live);
    await store.db.batch(await ratesProjection.apply(log, store.db));
    for (const event of log.slice(0, 40)) await applyProjectionBatch(store.db, ratesProjection, [event]);
    expect(await everything()).toEqual(live);
  });
});
