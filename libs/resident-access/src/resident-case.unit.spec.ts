import type { CaseEvent } from '@yixin/domain';
import { closed, dispatched, filed, notSatisfied, resolved, signedFor } from '../../domain/src/case/__fixtures__/elevator-case';
import { caseStateOf, residentCaseOf, residentWasErased } from './resident-case';

const NAMES: Record<string, string> = { xiangyuan: '湘源社区', 'pc-beichen-aoyuan': '北辰奥园物业' };

function shown(...events: CaseEvent[]) {
  return residentCaseOf('2b1d8a10', caseStateOf(events)!, events, (id) => NAMES[id]);
}

describe('what a resident is shown of their case', () => {
  it('is filed by the community, before anyone holds it', () =>
    expect(shown(filed)).toStrictEqual({
      caseNumber: '2b1d8a10',
      status: 'filed',
      statusText: '已受理，正在安排承办单位',
      category: 'elevator',
      categoryText: '电梯故障',
      communityName: '湘源社区',
      filedAt: filed.data.filedAt,
      canRate: false,
    }));

  it('names who holds it once dispatched, and asks for a rating once resolved, with the resolution’s note', () =>
    expect(shown(filed, dispatched, signedFor, resolved)).toMatchObject({
      status: 'resolved',
      statusText: '已处理完毕，请您评价',
      handledBy: '北辰奥园物业',
      dispatchedAt: dispatched.data.dispatchedAt,
      resolvedAt: resolved.data.resolvedAt,
      resolutionNote: '更换主板，电梯已恢复运行',
      canRate: true,
    }));

  it('masks the phone numbers a resolution’s note gives', () => {
    const withPhone: CaseEvent = { ...resolved, data: { ...resolved.data, note: '已修复，有问题请联系王师傅 13812345678' } };
    expect(shown(filed, dispatched, signedFor, withPhone).resolutionNote).toBe('已修复，有问题请联系王师傅 ***********');
  });

  it('waits for the redo once the resident was not satisfied', () =>
    expect(shown(filed, dispatched, signedFor, resolved, notSatisfied)).toMatchObject({ status: 'awaiting_redo', resolvedAt: resolved.data.resolvedAt, canRate: false }));

  it('is closed, and why', () =>
    expect(shown(filed, dispatched, signedFor, resolved, closed())).toMatchObject({ status: 'closed', statusText: '已结案', closedReason: 'resident_satisfied', closedAt: '2026-03-04T02:00:00.000Z', canRate: false }));

  it('is no case before it was filed', () => expect(caseStateOf([])).toBeUndefined());

  it('knows when the resident’s data was erased', () => {
    const erased: CaseEvent = { type: 'PersonalDataErased', data: { subjectId: 's', keyId: 'k', erasedAt: '2026-03-05T00:00:00.000Z' } };
    const events = [filed, dispatched];
    expect(residentWasErased(caseStateOf(events)!)).toBe(false);
    expect(residentWasErased(caseStateOf([...events, erased])!)).toBe(true);
  });
});
