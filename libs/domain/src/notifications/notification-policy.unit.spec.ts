import fc from 'fast-check';
import { calendar, CASE_ID, center, clock, complaint, complaintFiled, compound, ids, oneCommandOfEachType, personalData, staff } from '../case/__fixtures__/case-fixtures';
import {
  beforeCouncil,
  closed,
  convened,
  decided,
  DISPATCHED_AT,
  dispatched,
  elevatorDeadlines,
  ESCALATED_AT,
  escalatedToDistrict,
  escalatedToStreet,
  extensionRequested,
  filed,
  linked,
  notSatisfied,
  paused,
  progressReported,
  redoRound,
  referred,
  resolved,
  resolveReminded,
  returned,
  signedFor,
} from '../case/__fixtures__/elevator-case';
import type { CaseCommand } from '../case/case-commands';
import type { CaseEscalated, CaseEvent, ClockResumed, DeadlineExtended, PersonalDataErased, TaskDispatched } from '../case/case-events';
import { CATEGORY_CODES, URGENCIES } from '../case/category';
import { commandOfStep, nextCaseStep } from '../case/case-process';
import { evolveCase, foldCase, initialCaseState, type CaseState } from '../case/case-state';
import { decideCase } from '../case/decide-case';
import type { Deadline } from '../case/deadlines';
import { createWorkingCalendar } from '../calendar/working-calendar';
import { DomainError } from '../shared/domain-error';
import { DEFAULT_NOTIFICATION_SETTINGS, type NotificationSettings, type PlannedNotification } from './notification';
import { afterQuietHours, chinaTime, planNotifications, shareOfDeadline, whyNotSend } from './notification-policy';
import { DEFAULT_NOTIFICATION_TEMPLATES, renderNotification } from './notification-templates';

const company = { kind: 'organisation', organisationId: ids.company, role: 'property_company' } as const;
const resident = { kind: 'resident' } as const;

/** Given the case's history, when `event` is appended at `revision` (default: right after it), then these messages. */
function planAfter(history: CaseEvent[], event: CaseEvent, settings: NotificationSettings = DEFAULT_NOTIFICATION_SETTINGS, revision = history.length + 1) {
  return planNotifications(foldCase(history), event, revision, { settings, calendar });
}

const summary = (planned: PlannedNotification[]) => planned.map(({ key, sendAt }) => ({ key, sendAt }));

const erased: PersonalDataErased = {
  type: 'PersonalDataErased',
  data: { subjectId: personalData.subjectId, keyId: personalData.keyId, erasedAt: '2026-03-02T00:40:00.000Z' },
};

describe('planNotifications', () => {
  describe('ComplaintFiled', () => {
    it('sends the resident a receipt with the case number and category, no personal data', () => {
      expect(planAfter([], filed)).toEqual([
        {
          key: 'case-1/1/resident_receipt/resident',
          caseId: CASE_ID,
          revision: 1,
          template: 'resident_receipt',
          recipient: resident,
          variables: { caseNumber: 'case-1', category: '电梯故障' },
          sendAt: filed.data.filedAt,
        },
      ]);
    });

    it('numbers the case by the last 8 characters of its id, the random ones, as the resident page does', () => {
      const [receipt] = planAfter([], complaintFiled({ caseId: '0193c5e2-7a4b-7c1d-9e2f-3a4b5c6d7e8f' }));
      expect(receipt.variables.caseNumber).toBe('5c6d7e8f');
      expect(receipt.key).toBe('0193c5e2-7a4b-7c1d-9e2f-3a4b5c6d7e8f/1/resident_receipt/resident');
    });
  });

  describe('TaskDispatched', () => {
    const planned = planAfter([filed], dispatched);

    it('tells the resident who handles the case, and gives the assignee its task with the sign-for time', () => {
      expect(planned.filter((notification) => notification.template !== 'deadline_warning')).toEqual([
        expect.objectContaining({
          key: 'case-1/2/resident_dispatched/resident',
          recipient: resident,
          variables: { caseNumber: 'case-1', category: '电梯故障', assignee: '物业服务企业' },
          sendAt: DISPATCHED_AT,
        }),
        expect.objectContaining({
          key: `case-1/2/task_dispatched/${ids.company}`,
          recipient: company,
          variables: { caseNumber: 'case-1', category: '电梯故障', due: '3月2日 11:00', organisationId: ids.company },
          sendAt: DISPATCHED_AT,
        }),
      ]);
    });

    it('addresses an owners committee as one', () => {
      const toCommittee: TaskDispatched = { ...dispatched, data: { ...dispatched.data, assigneeOrganisationId: ids.ownersCommittee, assigneeKind: 'owners_committee' } };
      const task = planAfter([filed], toCommittee).find((notification) => notification.template === 'task_dispatched')!;
      expect(task.recipient).toEqual({ kind: 'organisation', organisationId: ids.ownersCommittee, role: 'owners_committee' });
    });

    it('warns the assignee at 50% and 80% of each deadline: elapsed time for hours, working time for working days', () => {
      const warnings = planned.filter((notification) => notification.template === 'deadline_warning');
      expect(summary(warnings)).toEqual([
        // Sign for within 2 hours of 09:00.
        { key: `case-1/2/deadline_warning/${ids.company}/sign_for@0.5`, sendAt: '2026-03-02T02:00:00.000Z' },
        { key: `case-1/2/deadline_warning/${ids.company}/sign_for@0.8`, sendAt: '2026-03-02T02:36:00.000Z' },
        // First reply by the end of Tuesday: 15 h left on Monday and 24 h on Tuesday; half is Tuesday 04:30 in China.
        { key: `case-1/2/deadline_warning/${ids.company}/first_reply@0.5`, sendAt: '2026-03-02T20:30:00.000Z' },
        { key: `case-1/2/deadline_warning/${ids.company}/first_reply@0.8`, sendAt: '2026-03-03T08:12:00.000Z' },
        // Resolve within 24 hours.
        { key: `case-1/2/deadline_warning/${ids.company}/resolve@0.5`, sendAt: '2026-03-02T13:00:00.000Z' },
        { key: `case-1/2/deadline_warning/${ids.company}/resolve@0.8`, sendAt: '2026-03-02T20:12:00.000Z' },
      ]);
      expect(warnings[0]).toEqual(
        expect.objectContaining({
          recipient: company,
          variables: { caseNumber: 'case-1', category: '电梯故障', deadline: '签收', due: '3月2日 11:00', share: '50%', organisationId: ids.company },
          unlessMet: { taskId: 'task-1', deadline: 'sign_for', due: elevatorDeadlines.sign_for.due },
        }),
      );
    });

    it('warns at the shares the operators set', () => {
      const shares = planAfter([filed], dispatched, { ...DEFAULT_NOTIFICATION_SETTINGS, warningShares: [0.25] })
        .filter((notification) => notification.template === 'deadline_warning')
        .map((warning) => warning.variables.share);
      expect(shares).toEqual(['25%', '25%', '25%']);
    });
  });

  it('TaskRedoOrdered gives the assignee its task again, with fresh warnings, and tells the resident nothing', () => {
    const history = [filed, dispatched];
    const redo = redoRound(1);
    const planned = planAfter([...history, ...redo.slice(0, 3)], redo[3]);
    expect(planned.map((notification) => notification.template)).toEqual(['task_dispatched', ...Array(6).fill('deadline_warning')]);
    expect(planned[0]).toEqual(expect.objectContaining({ key: `case-1/6/task_dispatched/${ids.company}`, recipient: company, sendAt: DISPATCHED_AT }));
  });

  it('DeadlineReminderSent reminds the assignee (催办) of the deadline it missed', () => {
    expect(planAfter([filed, dispatched, signedFor], resolveReminded)).toEqual([
      expect.objectContaining({
        key: `case-1/4/deadline_reminder/${ids.company}`,
        template: 'deadline_reminder',
        recipient: company,
        variables: { caseNumber: 'case-1', category: '电梯故障', deadline: '办结', due: '3月3日 09:00', organisationId: ids.company },
        sendAt: resolveReminded.data.remindedAt,
      }),
    ]);
  });

  describe('CaseEscalated', () => {
    const history = [filed, dispatched, signedFor, resolveReminded];

    it('tells the task holder and the street officers, and warns before the deadlines the street renews', () => {
      const planned = planAfter(history, escalatedToStreet);
      expect(planned.filter((notification) => notification.template !== 'deadline_warning')).toEqual([
        expect.objectContaining({
          key: `case-1/5/case_escalated_assignee/${ids.company}`,
          recipient: company,
          variables: { caseNumber: 'case-1', category: '电梯故障', tier: '街道', organisationId: ids.company },
          sendAt: ESCALATED_AT,
        }),
        expect.objectContaining({
          key: `case-1/5/case_escalated_officers/${ids.street}`,
          recipient: { kind: 'organisation', organisationId: ids.street, role: 'street_officer' },
          variables: { caseNumber: 'case-1', category: '电梯故障', tier: '街道', reason: '逾期未办', organisationId: ids.street },
          sendAt: ESCALATED_AT,
        }),
      ]);
      // Escalated Friday 03-13 09:00 in China; first reply by the end of Monday 03-16, the weekend not counted.
      expect(summary(planned.filter((notification) => notification.template === 'deadline_warning'))).toEqual([
        { key: `case-1/5/deadline_warning/${ids.company}/first_reply@0.5`, sendAt: '2026-03-15T20:30:00.000Z' },
        { key: `case-1/5/deadline_warning/${ids.company}/first_reply@0.8`, sendAt: '2026-03-16T08:12:00.000Z' },
        { key: `case-1/5/deadline_warning/${ids.company}/resolve@0.5`, sendAt: '2026-03-17T20:30:00.000Z' },
        { key: `case-1/5/deadline_warning/${ids.company}/resolve@0.8`, sendAt: '2026-03-19T13:00:00.000Z' },
      ]);
    });

    it('tells the district officers when it reaches the district', () => {
      const planned = planAfter([...history, escalatedToStreet], escalatedToDistrict);
      expect(planned.map(({ template, recipient }) => ({ template, recipient }))).toEqual([
        { template: 'case_escalated_assignee', recipient: company },
        { template: 'case_escalated_officers', recipient: { kind: 'organisation', organisationId: ids.district, role: 'district_officer' } },
      ]);
    });

    it('tells the street officers that the council missed its decide-by, and no one holds a task then', () => {
      const councilTimedOut: CaseEscalated = {
        type: 'CaseEscalated',
        data: { fromTier: 'community', toTier: 'street', reason: 'council_timeout', supervisorOrganisationId: ids.street, escalatedAt: '2026-03-18T16:00:00.000Z' },
      };
      expect(planAfter(beforeCouncil, councilTimedOut)).toEqual([
        expect.objectContaining({
          key: `case-1/6/council_overdue/${ids.street}`,
          template: 'council_overdue',
          recipient: { kind: 'organisation', organisationId: ids.street, role: 'street_officer' },
          variables: { caseNumber: 'case-1', category: '电梯故障', tier: '街道', due: '3月18日 23:59', organisationId: ids.street },
        }),
      ]);
    });
  });

  it('DeadlineExtended warns before the extended resolve deadline, from the extension on', () => {
    const extended: DeadlineExtended = {
      type: 'DeadlineExtended',
      data: { taskId: 'task-1', resolve: { due: '2026-03-05T01:00:00.000Z', unit: 'hours', remindAt: '2026-03-06T15:59:59.999Z' }, requested: true, extendedAt: '2026-03-03T01:00:00.000Z' },
    };
    expect(summary(planAfter([filed, dispatched, signedFor, extensionRequested], extended))).toEqual([
      { key: `case-1/5/deadline_warning/${ids.company}/resolve@0.5`, sendAt: '2026-03-04T01:00:00.000Z' },
      { key: `case-1/5/deadline_warning/${ids.company}/resolve@0.8`, sendAt: '2026-03-04T15:24:00.000Z' },
    ]);
  });

  it('ClockResumed warns before the deadlines moved back, from the resumption on', () => {
    const resumed: ClockResumed = {
      type: 'ClockResumed',
      data: {
        taskId: 'task-1',
        deadlines: {
          sign_for: { ...elevatorDeadlines.sign_for, due: '2026-03-02T05:00:00.000Z' },
          resolve: { ...elevatorDeadlines.resolve, due: '2026-03-03T03:00:00.000Z' },
        },
        resumedAt: '2026-03-02T03:00:00.000Z',
      },
    };
    expect(summary(planAfter([filed, dispatched, paused], resumed))).toEqual([
      { key: `case-1/4/deadline_warning/${ids.company}/sign_for@0.5`, sendAt: '2026-03-02T04:00:00.000Z' },
      { key: `case-1/4/deadline_warning/${ids.company}/sign_for@0.8`, sendAt: '2026-03-02T04:36:00.000Z' },
      { key: `case-1/4/deadline_warning/${ids.company}/resolve@0.5`, sendAt: '2026-03-02T15:00:00.000Z' },
      { key: `case-1/4/deadline_warning/${ids.company}/resolve@0.8`, sendAt: '2026-03-02T22:12:00.000Z' },
    ]);
  });

  it('warns of no deadline already past when it is set again', () => {
    const resumedLate: ClockResumed = {
      type: 'ClockResumed',
      data: { taskId: 'task-1', deadlines: { sign_for: elevatorDeadlines.sign_for }, resumedAt: '2026-03-02T04:00:00.000Z' },
    };
    expect(planAfter([filed, dispatched, paused], resumedLate)).toEqual([]);
  });

  it('TaskResolved asks the resident to rate the handling; CaseClosed tells them it is closed', () => {
    expect(planAfter([filed, dispatched, signedFor], resolved)).toEqual([
      expect.objectContaining({ key: 'case-1/4/resident_resolved/resident', recipient: resident, sendAt: resolved.data.resolvedAt }),
    ]);
    expect(planAfter([filed, dispatched, signedFor, resolved], closed())).toEqual([
      expect.objectContaining({ key: 'case-1/5/resident_closed/resident', recipient: resident, sendAt: '2026-03-04T02:00:00.000Z' }),
    ]);
  });

  it.each<[string, CaseEvent[], CaseEvent]>([
    ['TaskSignedFor', [filed, dispatched], signedFor],
    ['ProgressReported', [filed, dispatched, signedFor], progressReported],
    ['TaskReturned', [filed, dispatched], returned('wrongly_routed')],
    ['ExtensionRequested', [filed, dispatched, signedFor], extensionRequested],
    ['ClockPaused', [filed, dispatched], paused],
    ['CaseReferredToCouncil', [filed, dispatched, signedFor, returned('disputed_responsibility')], referred],
    ['CouncilSessionConvened', [...beforeCouncil], convened],
    ['CouncilDecisionRecorded', [...beforeCouncil, convened], decided],
    ['CallBackRecorded', [filed, dispatched, signedFor, resolved], notSatisfied],
    ['CaseLinkedAsDuplicate', [filed], linked],
    ['PersonalDataErased', [filed], erased],
  ])('%s calls for no message', (_type, history, event) => {
    expect(planAfter(history, event)).toEqual([]);
  });

  describe('once the resident’s data is erased', () => {
    it('still plans the messages to the resident, which delivery suppresses, and the organisations’', () => {
      const afterErasure = [filed, erased, dispatched, signedFor, resolved];
      expect(planAfter([filed, erased], dispatched).map((notification) => notification.recipient.kind)).toEqual(['resident', ...Array(7).fill('organisation')]);
      const toResident = [...planAfter([filed, erased, dispatched, signedFor], resolved), ...planAfter(afterErasure, closed())];
      expect(toResident.map((notification) => notification.template)).toEqual(['resident_resolved', 'resident_closed']);
      for (const notification of toResident) expect(whyNotSend(notification, foldCase([...afterErasure, closed()]))).toBe('personal_data_erased');
    });
  });

  describe('quiet hours (China time)', () => {
    const filedAt = (filedAtUtc: string) => complaintFiled({ filedAt: filedAtUtc });
    const receiptSendAt = (filedAtUtc: string, settings: NotificationSettings = DEFAULT_NOTIFICATION_SETTINGS) =>
      planAfter([], filedAt(filedAtUtc), settings)[0].sendAt;

    it('holds a resident message filed at night until 08:00 the next morning', () => {
      // 22:15 on Monday 03-02 in China.
      expect(receiptSendAt('2026-03-02T14:15:00.000Z')).toBe('2026-03-03T00:00:00.000Z');
    });

    it('holds one filed after midnight until 08:00 the same morning', () => {
      // 03:00 on Tuesday 03-03 in China.
      expect(receiptSendAt('2026-03-02T19:00:00.000Z')).toBe('2026-03-03T00:00:00.000Z');
    });

    it('sends at once from 08:00 until just before 21:00', () => {
      expect(receiptSendAt('2026-03-03T00:00:00.000Z')).toBe('2026-03-03T00:00:00.000Z');
      expect(receiptSendAt('2026-03-03T12:59:59.000Z')).toBe('2026-03-03T12:59:59.000Z');
      expect(receiptSendAt('2026-03-03T13:00:00.000Z')).toBe('2026-03-04T00:00:00.000Z');
    });

    it('keeps quiet hours that do not wrap midnight', () => {
      const siesta = { ...DEFAULT_NOTIFICATION_SETTINGS, quietHours: { start: '12:00', end: '14:30' } };
      // 13:00 in China: held until 14:30; 21:30 sent at once.
      expect(receiptSendAt('2026-03-03T05:00:00.000Z', siesta)).toBe('2026-03-03T06:30:00.000Z');
      expect(receiptSendAt('2026-03-03T13:30:00.000Z', siesta)).toBe('2026-03-03T13:30:00.000Z');
    });

    it('sends at once at any hour when there are none', () => {
      const { quietHours: _none, ...noQuietHours } = DEFAULT_NOTIFICATION_SETTINGS;
      expect(receiptSendAt('2026-03-02T14:15:00.000Z', noQuietHours)).toBe('2026-03-02T14:15:00.000Z');
      expect(afterQuietHours('2026-03-02T14:15:00.000Z', { start: '21:00', end: '21:00' })).toBe('2026-03-02T14:15:00.000Z');
    });

    it('does not hold organisations’ messages', () => {
      // Dispatched 23:00 in China: the resident hears at 08:00, the company at once.
      const atNight: TaskDispatched = { ...dispatched, data: { ...dispatched.data, dispatchedAt: '2026-03-02T15:00:00.000Z' } };
      const planned = planAfter([filed], atNight);
      expect(planned.find((notification) => notification.template === 'resident_dispatched')!.sendAt).toBe('2026-03-03T00:00:00.000Z');
      expect(planned.find((notification) => notification.template === 'task_dispatched')!.sendAt).toBe('2026-03-02T15:00:00.000Z');
    });

    it('refuses a time of day not written HH:MM', () => {
      expect(() => afterQuietHours('2026-03-02T14:15:00.000Z', { start: '9pm', end: '08:00' })).toThrow(/"9pm" is not a time of day/);
    });
  });

  it('plans the same messages under the same keys when the history is replayed', () => {
    expect(planAfter([filed], dispatched)).toEqual(planAfter([filed], dispatched));
  });
});

describe('shareOfDeadline', () => {
  // The 2026 Spring Festival as the State Council arranged it: off 02-15 … 02-23, Saturday 02-14 worked.
  const springFestival = createWorkingCalendar({
    holidays: Object.fromEntries(['15', '16', '17', '18', '19', '20', '21', '22', '23'].map((day) => [`2026-02-${day}`, '春节'])),
    workdays: { '2026-02-14': '春节' },
  });
  // Friday 02-13 15:00 in China, due at the end of Tuesday 02-24: 9 h on Friday, 24 h on the worked Saturday, 24 h on 02-24.
  const fridayAfternoon = '2026-02-13T07:00:00.000Z';
  const dueAfterFestival: Deadline = { due: '2026-02-24T15:59:59.999Z', unit: 'working_days', remindAt: '2026-02-25T15:59:59.999Z' };

  it('counts working days on the calendar, the holiday not counted and the worked Saturday counted', () => {
    // Half of 57 h is 28.5 h: 9 h on Friday, 19.5 h into Saturday (19:30 in China).
    expect(shareOfDeadline(fridayAfternoon, dueAfterFestival, 0.5, springFestival)).toBe('2026-02-14T11:30:00.000Z');
    // 80% is 45.6 h: 12.6 h into Tuesday 02-24 (12:36 in China), not in the middle of the holiday.
    expect(shareOfDeadline(fridayAfternoon, dueAfterFestival, 0.8, springFestival)).toBe('2026-02-24T04:36:00.000Z');
  });

  it('counts a weekend out', () => {
    // Friday 03-06 15:00 in China, due at the end of Monday 03-09: 9 h on Friday and 24 h on Monday.
    const dueMonday: Deadline = { due: '2026-03-09T15:59:59.999Z', unit: 'working_days', remindAt: '2026-03-10T15:59:59.999Z' };
    expect(shareOfDeadline('2026-03-06T07:00:00.000Z', dueMonday, 0.5, calendar)).toBe('2026-03-08T23:30:00.000Z');
  });

  it('counts hours as elapsed time, holidays or not', () => {
    const dueIn48Hours: Deadline = { due: '2026-02-15T07:00:00.000Z', unit: 'hours', remindAt: '2026-02-15T08:00:00.000Z' };
    expect(shareOfDeadline(fridayAfternoon, dueIn48Hours, 0.5, springFestival)).toBe('2026-02-14T07:00:00.000Z');
  });

  it('warns at whole seconds, and not at all unless strictly before the due time', () => {
    const dueInSeconds: Deadline = { due: '2026-03-02T01:00:01.000Z', unit: 'hours', remindAt: '2026-03-02T02:00:00.000Z' };
    expect(shareOfDeadline('2026-03-02T01:00:00.000Z', dueInSeconds, 0.5, calendar)).toBeUndefined();
    expect(shareOfDeadline('2026-03-02T01:00:00.000Z', { ...dueInSeconds, due: '2026-03-02T01:00:03.000Z' }, 0.5, calendar)).toBe('2026-03-02T01:00:02.000Z');
    expect(shareOfDeadline('2026-03-02T01:00:00.000Z', { ...dueInSeconds, due: '2026-03-02T00:59:00.000Z' }, 0.5, calendar)).toBeUndefined();
  });
});

describe('chinaTime', () => {
  it('writes an instant as people in China read it', () => {
    expect(chinaTime('2026-12-06T10:00:00.000Z')).toBe('12月6日 18:00');
    expect(chinaTime('2026-12-31T16:05:00.000Z')).toBe('1月1日 00:05');
  });
});

describe('whyNotSend', () => {
  const planned = planAfter([filed], dispatched);
  const receipt = planAfter([], filed)[0];
  const signForWarning = planned.find((notification) => notification.key.endsWith('/sign_for@0.5'))!;
  const resolveWarning = planned.find((notification) => notification.key.endsWith('/resolve@0.5'))!;
  const taskDispatched = planned.find((notification) => notification.template === 'task_dispatched')!;
  const now = (history: CaseEvent[]) => foldCase(history);

  it('sends a resident message while the resident’s data is there, and suppresses it once erased', () => {
    expect(whyNotSend(receipt, now([filed]))).toBeUndefined();
    expect(whyNotSend(receipt, now([filed, erased]))).toBe('personal_data_erased');
    expect(whyNotSend(receipt, now([filed, dispatched, erased]))).toBe('personal_data_erased');
  });

  it('sends a warning while its deadline is open, running and due as planned', () => {
    expect(whyNotSend(signForWarning, now([filed, dispatched]))).toBeUndefined();
    expect(whyNotSend(resolveWarning, now([filed, dispatched, signedFor]))).toBeUndefined();
  });

  it('suppresses a warning once its deadline is met', () => {
    expect(whyNotSend(signForWarning, now([filed, dispatched, signedFor]))).toBe('deadline_met');
    expect(whyNotSend(resolveWarning, now([filed, dispatched, signedFor, resolved]))).toBe('deadline_met');
  });

  it('suppresses a warning whose deadline moved, or whose task was given to someone else', () => {
    expect(whyNotSend(resolveWarning, now([filed, dispatched, signedFor, resolveReminded, escalatedToStreet]))).toBe('deadline_met');
    const redispatched: TaskDispatched = { ...dispatched, data: { ...dispatched.data, taskId: 'task-2' } };
    expect(whyNotSend(resolveWarning, now([filed, dispatched, returned('wrongly_routed'), redispatched]))).toBe('deadline_met');
  });

  it('suppresses a warning while the task’s clock stands still (paused or returned)', () => {
    expect(whyNotSend(resolveWarning, now([filed, dispatched, paused]))).toBe('deadline_met');
    expect(whyNotSend(resolveWarning, now([filed, dispatched, returned('wrongly_routed')]))).toBe('deadline_met');
  });

  it('suppresses a warning of a closed case as such', () => {
    const withdrawn: CaseEvent = { type: 'CaseClosed', data: { reason: 'withdrawn', closedAt: '2026-03-02T01:30:00.000Z' } };
    expect(whyNotSend(resolveWarning, now([filed, dispatched, withdrawn]))).toBe('case_closed');
  });

  it('sends other organisations’ messages whatever happened since', () => {
    expect(whyNotSend(taskDispatched, now([filed, dispatched, signedFor, resolved, closed(), erased]))).toBeUndefined();
  });
});

// ---------------------------------------------------------------------------------------------
// Random lives: the center doing its part, people trying every command, the resident's data erased now and then
// ---------------------------------------------------------------------------------------------

const HOUR = 3_600_000;

/**
 * A step: the center's next step (after sleeping until its timer, sometimes); someone doing one of
 * the things the case accepts then, the holder of the task acting for the company; or, now and then,
 * the resident's data erased.
 */
const step = fc.record({
  delayMs: fc.oneof({ weight: 5, arbitrary: fc.integer({ min: 0, max: 6 * HOUR }) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 10 * 24 * HOUR }) }),
  by: fc.constantFrom('center', 'center', 'center', 'someone', 'someone', 'someone', 'someone', 'erasure'),
  sleepsUntilTimer: fc.boolean(),
  pick: fc.nat(),
});
type Step = typeof step extends fc.Arbitrary<infer T> ? T : never;

const settings: fc.Arbitrary<NotificationSettings> = fc.record(
  {
    quietHours: fc.record({ start: timeOfDay(), end: timeOfDay() }),
    warningShares: fc.uniqueArray(fc.double({ min: 0.01, max: 0.99, noNaN: true }), { minLength: 1, maxLength: 3 }),
  },
  { requiredKeys: ['warningShares'] },
);

function timeOfDay(): fc.Arbitrary<string> {
  return fc.tuple(fc.integer({ min: 0, max: 23 }), fc.constantFrom(0, 15, 30, 59)).map(([h, m]) => `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`);
}

function byWhoeverHolds(command: CaseCommand, state: CaseState): CaseCommand {
  const task = state.task;
  if (!task || command.actor.role !== 'property_company') return command;
  return { ...command, actor: { userId: 'user-holder', role: task.assigneeKind, organisationId: task.assigneeOrganisationId } };
}

function accepted(command: CaseCommand, state: CaseState): CaseEvent[] | undefined {
  try {
    return decideCase(command, state, clock);
  } catch (error) {
    if (error instanceof DomainError) return undefined;
    throw error;
  }
}

interface Planned {
  event: CaseEvent;
  notifications: PlannedNotification[];
}

function live(
  start: number,
  category: (typeof CATEGORY_CODES)[number],
  urgency: (typeof URGENCIES)[number],
  steps: Step[],
  policy: NotificationSettings,
): { planned: Planned[]; final: CaseState } {
  let now = start;
  let state = initialCaseState;
  let revision = 0;
  let tasks = 0;
  const planned: Planned[] = [];
  const append = (events: CaseEvent[]) => {
    for (const event of events) {
      revision += 1;
      planned.push({ event, notifications: planNotifications(state, event, revision, { settings: policy, calendar }) });
      state = evolveCase(state, event);
    }
  };
  append(decideCase({ type: 'FileComplaint', caseId: CASE_ID, actor: staff, at: new Date(now).toISOString(), complaint: { ...complaint, category, urgency }, compound }, state, clock));
  for (const { delayMs, by, sleepsUntilTimer, pick } of steps) {
    now += delayMs;
    const at = new Date(now).toISOString();
    if (by === 'center') {
      let next = nextCaseStep(state, now);
      if (next.kind === 'wait' && next.until !== undefined && sleepsUntilTimer) {
        now = Date.parse(next.until);
        next = nextCaseStep(state, now);
      }
      if (next.kind === 'issue') append(decideCase(commandOfStep(next.command, CASE_ID, center, new Date(now).toISOString(), `task-${++tasks}`), state, clock));
    } else if (by === 'erasure') {
      append(accepted({ type: 'ErasePersonalData', caseId: CASE_ID, actor: staff, at, subjectId: personalData.subjectId }, state) ?? []);
    } else {
      const choices = oneCommandOfEachType(at)
        .filter((command) => command.type !== 'ErasePersonalData')
        .map((command) => accepted(byWhoeverHolds(command, state), state))
        .filter((events) => events !== undefined);
      if (choices.length > 0) append(choices[pick % choices.length]);
    }
  }
  return { planned, final: state };
}

const eventTimeOf = (event: CaseEvent) => Object.entries(event.data).find(([field]) => /At$/.test(field))![1] as string;

describe('in random lives of a case', () => {
  const lives = fc.record({
    start: fc.integer({ min: Date.parse('2025-12-31T16:00:00.000Z'), max: Date.parse('2026-05-31T15:59:59.999Z') }),
    category: fc.constantFrom(...CATEGORY_CODES),
    urgency: fc.constantFrom(...URGENCIES),
    steps: fc.array(step, { minLength: 5, maxLength: 60 }),
    settings,
  });

  it('no message goes to the resident once their data is erased, every warning comes before its deadline is due, every key is unique and every message renders', () => {
    fc.assert(
      fc.property(lives, ({ start, category, urgency, steps, settings: policy }) => {
        const { planned, final } = live(start, category, urgency, steps, policy);
        const erased = planned.some(({ event }) => event.type === 'PersonalDataErased');
        const keys = new Set<string>();
        for (const { event, notifications } of planned) {
          for (const notification of notifications) {
            // Whenever it was planned, a message still to be delivered after the erasure is suppressed.
            if (erased && notification.recipient.kind === 'resident' && whyNotSend(notification, final) !== 'personal_data_erased') {
              throw new Error(`${notification.key} would be sent after the erasure`);
            }
            if (notification.unlessMet) {
              const sendAt = Date.parse(notification.sendAt);
              if (!(sendAt < Date.parse(notification.unlessMet.due))) throw new Error(`${notification.key} at ${notification.sendAt}, due ${notification.unlessMet.due}`);
              if (sendAt < Date.parse(eventTimeOf(event))) throw new Error(`${notification.key} at ${notification.sendAt}, before its event`);
            }
            if (keys.has(notification.key)) throw new Error(`${notification.key} planned twice`);
            keys.add(notification.key);
            renderNotification(DEFAULT_NOTIFICATION_TEMPLATES[notification.template], { ...notification.variables, checkCode: '000000', link: 'https://example.org/r' });
          }
        }
        return true;
      }),
      { numRuns: 300 },
    );
  });

  it('plans every kind of message in some life', () => {
    const seen = new Set<string>();
    fc.assert(
      fc.property(lives, ({ start, category, urgency, steps, settings: policy }) => {
        for (const { notifications } of live(start, category, urgency, steps, policy).planned) notifications.forEach((notification) => seen.add(notification.template));
      }),
      { numRuns: 300, seed: 17 },
    );
    expect([...seen].sort()).toEqual(Object.keys(DEFAULT_NOTIFICATION_TEMPLATES).sort());
  });
});
