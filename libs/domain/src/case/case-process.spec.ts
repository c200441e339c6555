import type { CaseEvent } from './case-events';
import { nextCaseStep } from './case-process';
import { foldCase } from './case-state';

const filed: CaseEvent = {
  type: 'ComplaintFiled',
  data: {
    caseId: 'c',
    resident: { name: '李先生', phone: '13900000000' },
    location: { communityId: 'xiangyuan', compoundId: 'wocheng-yinxiang', building: '1幢' },
    category: 'stairwell_clutter',
    urgency: 'normal',
    description: '楼道堆放杂物',
    channel: 'phone',
    propertyCompanyId: 'pc-wocheng',
    filedAt: '2026-03-02T01:00:00.000Z',
  },
};
const dispatched: CaseEvent = {
  type: 'TaskDispatched',
  data: {
    taskId: 't',
    assigneeOrganisationId: 'pc-wocheng',
    signForBy: '2026-03-02T03:00:00.000Z',
    resolveBy: '2026-03-09T01:00:00.000Z',
    dispatchedAt: '2026-03-02T01:00:00.000Z',
  },
};
const reminded: CaseEvent = {
  type: 'SignForReminderSent',
  data: { taskId: 't', assigneeOrganisationId: 'pc-wocheng', signForBy: dispatched.data.signForBy, remindedAt: '2026-03-02T03:00:00.000Z' },
};
const before = Date.parse('2026-03-02T02:00:00.000Z');
const after = Date.parse('2026-03-02T03:00:00.000Z');

describe('nextCaseStep', () => {
  it('dispatches a filed case', () => expect(nextCaseStep(foldCase([filed]), before)).toEqual({ kind: 'issue', command: 'DispatchTask' }));
  it('waits for sign-for until its deadline', () =>
    expect(nextCaseStep(foldCase([filed, dispatched]), before)).toEqual({ kind: 'wait', until: '2026-03-02T03:00:00.000Z' }));
  it('reminds once the sign-for deadline is reached', () =>
    expect(nextCaseStep(foldCase([filed, dispatched]), after)).toEqual({ kind: 'issue', command: 'SendSignForReminder' }));
  it('reminds only once', () => expect(nextCaseStep(foldCase([filed, dispatched, reminded]), after)).toEqual({ kind: 'wait' }));
  it('orders a redo after an unsatisfied call-back', () =>
    expect(
      nextCaseStep(
        foldCase([
          filed,
          dispatched,
          { type: 'TaskSignedFor', data: { taskId: 't', signedForAt: '2026-03-02T02:00:00.000Z' } },
          { type: 'TaskResolved', data: { taskId: 't', note: '已清理', resolvedAt: '2026-03-02T05:00:00.000Z' } },
          { type: 'CallBackRecorded', data: { satisfied: false, rating: 1, calledBackAt: '2026-03-03T01:00:00.000Z' } },
        ]),
        after,
      ),
    ).toEqual({ kind: 'issue', command: 'OrderRedo' }));
  it('finishes a closed case', () =>
    expect(nextCaseStep(foldCase([filed, { type: 'CaseClosed', data: { reason: 'resident_satisfied', closedAt: '2026-03-03T01:00:00.000Z' } }]), after)).toEqual({
      kind: 'finished',
    }));
});
