import Database from 'better-sqlite3';
import { CASE_EVENT_SCHEMA_VERSIONS, type CaseEvent, type TaskDeadlines } from '@yixin/domain';
import type { RecordedEvent } from '@yixin/event-store';
import { caseStreamId } from '@yixin/case-stream';
import { SqliteSqlDatabase } from '@yixin/stores';
import {
  caseListProjection,
  decodeInboxCursor,
  encodeInboxCursor,
  latestChangePosition,
  normaliseForSearch,
  selectCases,
  selectChangesAfter,
  selectCouncilAgenda,
  selectInbox,
  selectSupervisionQueue,
  supervisionQueuesOf,
  withTimeLeft,
  type InboxPosition,
  type SearchTerm,
} from '.';

const PAGE = { limit: 50, offset: 0 };
const at = (minute: number) => new Date(Date.UTC(2026, 11, 1, 2, minute)).toISOString();
const deadlines = (signFor: string): TaskDeadlines => ({
  sign_for: { due: signFor, unit: 'hours', remindAt: signFor },
  first_reply: { due: at(50), unit: 'hours', remindAt: at(50) },
  resolve: { due: at(55), unit: 'hours', remindAt: at(55) },
});
const staff = { userId: 'u-staff', role: 'community_staff' as const, organisationId: 'xiangyuan' };

/**
 * The case list over a real SQLite read store, fed events as the projection runner feeds them
 * (one at a time, each with the next global position).
 */
describe('the case list projection', () => {
  let db: SqliteSqlDatabase;
  let position: number;
  const revisions = new Map<string, number>();

  beforeEach(async () => {
    db = new SqliteSqlDatabase(new Database(':memory:'));
    await db.executeScript(caseListProjection.schema);
    position = 0;
    revisions.clear();
  });

  async function record(caseId: string, event: CaseEvent): Promise<number> {
    const revision = (revisions.get(caseId) ?? -1) + 1;
    revisions.set(caseId, revision);
    const recorded: RecordedEvent = {
      id: `${caseId}-${revision}`,
      streamId: caseStreamId(caseId),
      type: event.type,
      revision,
      globalPosition: ++position,
      recordedAt: at(position),
      schemaVersion: CASE_EVENT_SCHEMA_VERSIONS[event.type],
      data: event.data as unknown as Record<string, unknown>,
      metadata: { actor: staff, tier: 'community', correlationId: 'c', causationId: 'c' },
      previousHash: '',
      hash: '',
    };
    await db.batch(await caseListProjection.apply([recorded], db));
    return position;
  }

  function file(caseId: string, place: { compoundId?: string; communityId?: string; building?: string; description?: string } = {}) {
    return record(caseId, {
      type: 'ComplaintFiled',
      data: {
        caseId,
        personalData: { clear: { name: '王阿姨', phone: '13800000000' } },
        location: { communityId: place.communityId ?? 'xiangyuan', compoundId: place.compoundId ?? 'beichen-aoyuan', building: place.building ?? '3幢' },
        category: 'elevator',
        urgency: 'normal',
        description: place.description ?? '电梯停运',
        channel: 'visit',
        propertyCompanyId: 'pc-beichen-aoyuan',
        jurisdiction: { streetId: 'shushan', districtId: 'xiaoshan', councils: { property_council: 'property-council' } },
        filedAt: at(0),
      },
    });
  }

  const dispatch = (caseId: string, assigneeOrganisationId: string, signFor = at(30)) =>
    record(caseId, {
      type: 'TaskDispatched',
      data: { taskId: `${caseId}-task-${position}`, assigneeOrganisationId, assigneeKind: 'property_company', origin: 'complaint', deadlines: deadlines(signFor), dispatchedAt: at(1) },
    });

  const term = (text: string, matches: Partial<SearchTerm> = {}): SearchTerm => ({ text, compoundIds: [], communityIds: [], categories: [], ...matches });
  const searched = async (...search: SearchTerm[]) => (await selectCases(db, { search, ...PAGE })).items.map((row) => row.caseId).sort();

  it('shows a council its agenda: the question, the session, then the decision; dispatched, the case leaves it', async () => {
    await file('a');
    const referral = { council: 'property_council' as const, question: '责任归属？', decideBy: '2026-12-08T18:00:00+08:00', referredAt: at(2) };
    await record('a', { type: 'CaseReferredToCouncil', data: { ...referral, councilId: 'property-council' } });
    const referred = (await selectCouncilAgenda(db, 'property-council', PAGE)).items;
    expect(referred.map((row) => [row.caseId, row.councilId, row.status])).toEqual([['a', 'property-council', 'before_council']]);
    const { council: kind, ...asked } = referral;
    expect(referred[0].council).toEqual({ kind, ...asked, session: null, decision: null });
    expect((await selectCouncilAgenda(db, 'owners-council', PAGE)).total).toBe(0);

    await record('a', { type: 'CouncilSessionConvened', data: { councilId: 'property-council', sessionId: 's1', members: ['pc-a', 'pc-b'], scheduledFor: at(20), convenedAt: at(3) } });
    const assignee = { organisationId: 'pc-beichen-aoyuan', kind: 'property_company' as const };
    const vote = { for: 5, against: 1, abstain: 0 };
    const decision = { councilId: 'property-council', sessionId: 's1', decision: '物业先行维修', assignee, dueBy: at(59), vote, decidedAt: at(21) };
    await record('a', { type: 'CouncilDecisionRecorded', data: decision });
    const [decided] = (await selectCouncilAgenda(db, 'property-council', PAGE)).items;
    expect(decided).toMatchObject({
      status: 'council_decided',
      council: {
        session: { sessionId: 's1', scheduledFor: at(20), members: ['pc-a', 'pc-b'] },
        decision: { text: '物业先行维修', assignee, dueBy: at(59), vote, decidedAt: at(21) },
      },
    });

    await dispatch('a', 'pc-beichen-aoyuan');
    expect(await selectCouncilAgenda(db, 'property-council', PAGE)).toEqual({ total: 0, items: [] });
    expect((await selectCases(db, PAGE)).items[0]).toMatchObject({ councilId: null, council: null });
  });

  it('feeds changes in order, each row once as it is now, and tells who lost a task since the position read from', async () => {
    const start = await latestChangePosition(db);
    await file('a');
    await file('b');
    await dispatch('a', 'pc-1');
    const beforeRedispatch = await latestChangePosition(db);
    await dispatch('a', 'pc-2');
    await record('a', { type: 'TaskSignedFor', data: { taskId: 'x', signedForAt: at(9) } });

    const all = await selectChangesAfter(db, start, 10);
    expect(all.map((change) => [change.row.caseId, change.position, change.previousAssignee])).toEqual([
      ['b', 2, null],
      ['a', 5, 'pc-1'],
    ]);
    expect(all[1].row).toMatchObject({ status: 'in_progress', assigneeOrganisationId: 'pc-2' });
    expect((await selectChangesAfter(db, beforeRedispatch, 10)).map((change) => change.previousAssignee)).toEqual(['pc-1']);
    // Read on after the hand-over, it is old news.
    expect((await selectChangesAfter(db, beforeRedispatch + 1, 10)).map((change) => [change.row.caseId, change.previousAssignee])).toEqual([['a', null]]);
    expect(await selectChangesAfter(db, 5, 10)).toEqual([]);
    expect((await selectChangesAfter(db, start, 1)).map((change) => change.row.caseId)).toEqual(['b']);
  });

  it('searches description and building as substrings, Chinese or full-width, with LIKE wildcards taken literally', async () => {
    await file('lift', { description: '电梯停运两天，100%无法使用', building: '３幢' });
    await file('leak', { description: '楼道漏水_严重', building: 'B座', compoundId: 'wocheng-yinxiang' });
    expect(await searched(term('电梯'))).toEqual(['lift']);
    expect(await searched(term('漏水'))).toEqual(['leak']);
    expect(await searched(term(normaliseForSearch('3幢')))).toEqual(['lift']);
    expect(await searched(term(normaliseForSearch('b座')))).toEqual(['leak']);
    expect(await searched(term('%'))).toEqual(['lift']);
    expect(await searched(term('_'))).toEqual(['leak']);
    expect(await searched(term('0%无'))).toEqual(['lift']);
    // Names matched in the directory count as a match of the word; every word must match.
    expect(await searched(term('卧城', { compoundIds: ['wocheng-yinxiang'] }))).toEqual(['leak']);
    expect(await searched(term('卧城', { compoundIds: ['wocheng-yinxiang'] }), term('电梯'))).toEqual([]);
  });

  it('orders an inbox by the nearest running deadline, paused clocks last, with the time left computed when asked', async () => {
    for (const [caseId, signFor] of [['later', at(40)], ['sooner', at(20)], ['paused', at(10)]] as const) {
      await file(caseId, { building: caseId });
      await dispatch(caseId, 'pc-1', signFor);
    }
    await record('paused', { type: 'ClockPaused', data: { taskId: 'x', reason: '等待居民', pausedAt: at(12) } });
    const inbox = await selectInbox(db, 'pc-1', PAGE);
    expect(inbox.items.map((row) => [row.caseId, row.nextDeadline])).toEqual([['sooner', at(20)], ['later', at(40)], ['paused', null]]);
    expect((await selectInbox(db, 'pc-1', { limit: 1, offset: 1 })).items.map((row) => row.caseId)).toEqual(['later']);
    expect(inbox.items.map((row) => withTimeLeft(row, at(30))).map(({ timeLeftMs, overdue }) => [timeLeftMs, overdue])).toEqual([
      [-600_000, true],
      [600_000, false],
      [null, false],
    ]);
  });

  it('pages an inbox by cursor: every running task once, in the inbox order, equal keys in the order of the case id', async () => {
    const caseId = (n: number) => `00000000-0000-4000-8000-00000000000${n}`;
    // Filed at the same minute, with deadlines equal in pairs: only the case id tells 2 from 3 and 4 from 5.
    for (const n of [5, 2, 7, 0, 3, 6, 1, 4]) {
      await file(caseId(n), { building: `${n}幢` });
      await dispatch(caseId(n), 'pc-1', at(20 + Math.floor(n / 2)));
    }
    await record(caseId(0), { type: 'ClockPaused', data: { taskId: 'x', reason: '等待居民', pausedAt: at(12) } });
    await record(caseId(7), { type: 'TaskResolved', data: { taskId: 'x', note: '已修复', evidence: [], resolvedAt: at(13) } });
    const inboxOrder = [1, 2, 3, 4, 5, 6, 0].map(caseId);

    const whole = await selectInbox(db, 'pc-1', PAGE);
    expect(whole.items.map((row) => row.caseId)).toEqual(inboxOrder);
    expect([whole.total, whole.nextCursor]).toEqual([7, null]);
    const walked: string[] = [];
    let after: InboxPosition | undefined;
    for (let pages = 1; ; pages++) {
      const page = await selectInbox(db, 'pc-1', { limit: 2, offset: 0, after });
      expect(page.total).toBe(7);
      walked.push(...page.items.map((row) => row.caseId));
      if (page.nextCursor === null) {
        expect(pages).toBe(4);
        break;
      }
      after = decodeInboxCursor(page.nextCursor);
    }
    expect(walked).toEqual(inboxOrder);
    // A full page that ends the inbox has no next one.
    const beforeLast = decodeInboxCursor((await selectInbox(db, 'pc-1', { limit: 6, offset: 0 })).nextCursor!);
    expect(await selectInbox(db, 'pc-1', { limit: 1, offset: 0, after: beforeLast })).toMatchObject({ items: [{ caseId: caseId(0) }], nextCursor: null });
    expect((await selectInbox(db, 'pc-2', { limit: 2, offset: 0, after })).items).toEqual([]);
  });

  it('reads back only the cursors it writes', () => {
    const position = { inboxOrder: at(20), filedAt: at(0), caseId: '6f1d0c3e-8c4b-4f62-9d0e-2a7b5c9e1f30' };
    const cursor = encodeInboxCursor(position);
    expect(decodeInboxCursor(cursor)).toEqual(position);
    expect(decodeInboxCursor(encodeInboxCursor({ ...position, inboxOrder: '~' }))).toEqual({ ...position, inboxOrder: '~' });
    const encoded = (key: unknown) => Buffer.from(JSON.stringify(key)).toString('base64url');
    const bad = [
      '',
      'not a cursor',
      cursor.slice(0, -3),
      `${cursor}=`,
      Buffer.from(JSON.stringify([at(20), at(0), position.caseId])).toString('base64'),
      'A'.repeat(600),
      encoded([at(20), at(0)]),
      encoded({ inboxOrder: at(20), filedAt: at(0), caseId: position.caseId }),
      encoded(['soon', at(0), position.caseId]),
      encoded([at(20), 0, position.caseId]),
      encoded([at(20), at(0), "x' OR '1'='1"]),
    ];
    expect(bad.filter((text) => decodeInboxCursor(text) !== undefined)).toEqual([]);
  });

  it('keeps the next deadline in UTC whatever offset it was given in, so that it compares as text', async () => {
    await file('a');
    await dispatch('a', 'pc-1', '2026-12-01T10:10:00+08:00');
    expect((await selectInbox(db, 'pc-1', PAGE)).items[0].nextDeadline).toBe('2026-12-01T02:10:00.000Z');
  });

  it('puts a supervisor’s own tier first in the escalated queue, and tells the queues of a row', async () => {
    for (const [caseId, tier] of [['street', 'street'], ['district', 'district'], ['community', 'community']] as const) {
      await file(caseId, { building: caseId });
      await dispatch(caseId, 'pc-1');
      if (tier !== 'community') {
        await record(caseId, { type: 'CaseEscalated', data: { fromTier: 'community', toTier: tier, reason: 'overdue', supervisorOrganisationId: 's', escalatedAt: at(31) } });
      }
    }
    const escalated = (officerTier: string) =>
      selectSupervisionQueue(db, { communityIds: ['xiangyuan'], queue: 'escalated', officerTier, now: at(32), ...PAGE }).then((page) => page.items.map((row) => row.caseId));
    expect(await escalated('district')).toEqual(['district', 'street']);
    expect(await escalated('street')).toEqual(['street', 'district']);
    const overdue = await selectSupervisionQueue(db, { communityIds: ['xiangyuan'], queue: 'overdue', officerTier: 'street', now: at(32), ...PAGE });
    expect(overdue.total).toBe(3);
    expect(supervisionQueuesOf(overdue.items.find((row) => row.caseId === 'street')!, at(32))).toEqual(['overdue', 'escalated']);
    expect(supervisionQueuesOf(overdue.items.find((row) => row.caseId === 'community')!, at(0))).toEqual([]);
    expect((await selectSupervisionQueue(db, { communityIds: ['hushan'], queue: 'overdue', officerTier: 'street', now: at(32), ...PAGE })).total).toBe(0);
  });
});
