import { ids, jurisdiction } from './__fixtures__/case-fixtures';
import { nextCaseStep } from './case-process';
import { foldCase } from './case-state';
import { CASE_EVENT_SCHEMA_VERSIONS, upcastCaseEvent } from './case-upcasters';
import type { CaseEventType } from './case-events';

/** As stored by the first version of the system: a complaint without urgency, committee or jurisdiction. */
const complaintV1 = {
  caseId: 'case-1',
  resident: { name: '张先生', phone: '13700000000' },
  location: { communityId: 'hushan', compoundId: 'hushan-huayuan', building: '5幢' },
  category: 'water_leak',
  description: '楼上渗水',
  channel: 'phone',
  propertyCompanyId: 'pc-hushan-huayuan',
  filedAt: '2026-01-05T02:00:00.000Z',
};
/** A first-version task: a sign-for and a resolve instant, counted in hours. */
const taskV1 = {
  taskId: 'task-1',
  assigneeOrganisationId: 'pc-hushan-huayuan',
  signForBy: '2026-01-05T04:00:00.000Z',
  resolveBy: '2026-01-06T02:00:00.000Z',
  dispatchedAt: '2026-01-05T02:00:00.000Z',
};
/** The deadlines a first-version task reads as: reminded when due; its first reply due with its resolution. */
const deadlinesOfTaskV1 = {
  sign_for: { due: '2026-01-05T04:00:00.000Z', unit: 'hours', remindAt: '2026-01-05T04:00:00.000Z' },
  first_reply: { due: '2026-01-06T02:00:00.000Z', unit: 'hours', remindAt: '2026-01-06T02:00:00.000Z' },
  resolve: { due: '2026-01-06T02:00:00.000Z', unit: 'hours', remindAt: '2026-01-06T02:00:00.000Z' },
};

/** Versions 1 to 3 held the resident in clear: version 4 reads it as clear personal data. */
const { resident: _resident, ...complaintV1WithoutResident } = complaintV1;
const clearResident = { clear: { name: '张先生', phone: '13700000000' } };

describe('upcastCaseEvent', () => {
  describe('ComplaintFiled', () => {
    it('reads version 1 as a normal-urgency complaint, without committee or jurisdiction, its resident in clear', () =>
      expect(upcastCaseEvent('ComplaintFiled', 1, complaintV1)).toStrictEqual({
        type: 'ComplaintFiled',
        data: { ...complaintV1WithoutResident, urgency: 'normal', personalData: clearResident },
      }));

    it('reads version 2 with its urgency kept, still without committee or jurisdiction', () =>
      expect(upcastCaseEvent('ComplaintFiled', 2, { ...complaintV1, urgency: 'urgent' })).toStrictEqual({
        type: 'ComplaintFiled',
        data: { ...complaintV1WithoutResident, urgency: 'urgent', personalData: clearResident },
      }));

    it('reads version 3 with its resident and unit as clear personal data: they were stored in clear and stay so', () => {
      const v3 = {
        ...complaintV1,
        location: { ...complaintV1.location, unit: '1单元302室' },
        urgency: 'urgent',
        ownersCommitteeId: 'oc-hushan-huayuan',
        jurisdiction,
      };
      const { resident: _r, location: _l, ...rest } = v3;
      expect(upcastCaseEvent('ComplaintFiled', 3, v3)).toStrictEqual({
        type: 'ComplaintFiled',
        data: {
          ...rest,
          location: { communityId: 'hushan', compoundId: 'hushan-huayuan', building: '5幢' },
          personalData: { clear: { name: '张先生', phone: '13700000000', unit: '1单元302室' } },
        },
      });
    });

    it('reads version 3 without a unit as clear personal data without one', () =>
      expect(upcastCaseEvent('ComplaintFiled', 3, { ...complaintV1, urgency: 'normal' }).data).toMatchObject({
        personalData: clearResident,
        location: { communityId: 'hushan', compoundId: 'hushan-huayuan', building: '5幢' },
      }));
  });

  describe('TaskDispatched', () => {
    it('reads version 1 as a complaint task of the property company, with three hour deadlines reminded when due', () =>
      expect(upcastCaseEvent('TaskDispatched', 1, taskV1)).toStrictEqual({
        type: 'TaskDispatched',
        data: {
          taskId: 'task-1',
          assigneeOrganisationId: 'pc-hushan-huayuan',
          assigneeKind: 'property_company',
          origin: 'complaint',
          deadlines: deadlinesOfTaskV1,
          dispatchedAt: '2026-01-05T02:00:00.000Z',
        },
      }));

    it('reads version 2 as it is', () => {
      const v2 = { ...taskV1, assigneeKind: 'owners_committee', origin: 'redispatch', reason: '改派', deadlines: deadlinesOfTaskV1 };
      expect(upcastCaseEvent('TaskDispatched', 2, v2)).toStrictEqual({ type: 'TaskDispatched', data: v2 });
    });
  });

  describe('TaskRedoOrdered', () => {
    it('reads version 1 with its two instants as the three deadlines', () =>
      expect(
        upcastCaseEvent('TaskRedoOrdered', 1, {
          taskId: 'task-1',
          assigneeOrganisationId: 'pc-hushan-huayuan',
          redoCount: 2,
          signForBy: '2026-01-05T04:00:00.000Z',
          resolveBy: '2026-01-06T02:00:00.000Z',
          orderedAt: '2026-01-05T02:00:00.000Z',
        }),
      ).toStrictEqual({
        type: 'TaskRedoOrdered',
        data: { taskId: 'task-1', assigneeOrganisationId: 'pc-hushan-huayuan', redoCount: 2, deadlines: deadlinesOfTaskV1, orderedAt: '2026-01-05T02:00:00.000Z' },
      }));
  });

  describe('CallBackRecorded', () => {
    it('reads a satisfied version 1 as the outcome satisfied', () =>
      expect(upcastCaseEvent('CallBackRecorded', 1, { satisfied: true, rating: 5, calledBackAt: '2026-01-07T02:00:00.000Z' })).toStrictEqual({
        type: 'CallBackRecorded',
        data: { outcome: 'satisfied', rating: 5, calledBackAt: '2026-01-07T02:00:00.000Z' },
      }));

    it('reads an unsatisfied version 1 as the outcome not_satisfied, its note kept', () =>
      expect(upcastCaseEvent('CallBackRecorded', 1, { satisfied: false, rating: 2, note: '仍渗水', calledBackAt: '2026-01-07T02:00:00.000Z' })).toStrictEqual({
        type: 'CallBackRecorded',
        data: { outcome: 'not_satisfied', rating: 2, note: '仍渗水', calledBackAt: '2026-01-07T02:00:00.000Z' },
      }));

    it('reads version 2 as it is', () =>
      expect(upcastCaseEvent('CallBackRecorded', 2, { outcome: 'unreachable', calledBackAt: '2026-01-07T02:00:00.000Z' })).toStrictEqual({
        type: 'CallBackRecorded',
        data: { outcome: 'unreachable', calledBackAt: '2026-01-07T02:00:00.000Z' },
      }));
  });

  describe('ProgressReported and TaskResolved', () => {
    it('reads a version 1 report as one without photos', () =>
      expect(upcastCaseEvent('ProgressReported', 1, { taskId: 'task-1', note: '已到场', reportedAt: '2026-01-05T03:00:00.000Z' })).toStrictEqual({
        type: 'ProgressReported',
        data: { taskId: 'task-1', note: '已到场', evidence: [], reportedAt: '2026-01-05T03:00:00.000Z' },
      }));

    it('reads a version 1 resolution as one without photos', () =>
      expect(upcastCaseEvent('TaskResolved', 1, { taskId: 'task-1', note: '已修复', resolvedAt: '2026-01-06T01:00:00.000Z' })).toStrictEqual({
        type: 'TaskResolved',
        data: { taskId: 'task-1', note: '已修复', evidence: [], resolvedAt: '2026-01-06T01:00:00.000Z' },
      }));

    it('reads a version 2 resolution with its photos as it is', () => {
      const v2 = { taskId: 'task-1', note: '已修复', evidence: ['a'.repeat(64), 'b'.repeat(64)], resolvedAt: '2026-01-06T01:00:00.000Z' };
      expect(upcastCaseEvent('TaskResolved', 2, v2)).toStrictEqual({ type: 'TaskResolved', data: v2 });
    });
  });

  describe('SignForReminderSent, renamed DeadlineReminderSent', () => {
    const reminderV1 = { taskId: 'task-1', assigneeOrganisationId: 'pc-hushan-huayuan', signForBy: '2026-01-05T04:00:00.000Z', remindedAt: '2026-01-05T04:00:00.000Z' };

    it('reads version 1 as a reminder of the sign-for deadline, with no escalation', () =>
      expect(upcastCaseEvent('SignForReminderSent', 1, reminderV1)).toStrictEqual({
        type: 'DeadlineReminderSent',
        data: { taskId: 'task-1', assigneeOrganisationId: 'pc-hushan-huayuan', deadline: 'sign_for', due: '2026-01-05T04:00:00.000Z', remindedAt: '2026-01-05T04:00:00.000Z' },
      }));

    it('refuses a version of the old type that never existed', () =>
      expect(() => upcastCaseEvent('SignForReminderSent', 2, reminderV1)).toThrow('SignForReminderSent has unknown schema version 2'));
  });

  describe('versions', () => {
    it.each(Object.entries(CASE_EVENT_SCHEMA_VERSIONS) as Array<[CaseEventType, number]>)('reads %s at its current version %i as it is', (type, version) => {
      const data = { taskId: 'task-1', marker: 'kept as stored' };
      expect(upcastCaseEvent(type, version, data)).toStrictEqual({ type, data });
    });

    it('refuses an unknown event type', () => expect(() => upcastCaseEvent('CaseTeleported', 1, {})).toThrow('unknown case event type CaseTeleported'));

    it('refuses a version newer than this code knows', () =>
      expect(() => upcastCaseEvent('ComplaintFiled', 5, complaintV1)).toThrow('ComplaintFiled has schema version 5, newer than this code knows (4)'));

    it('refuses a version older than any upcaster', () =>
      expect(() => upcastCaseEvent('TaskSignedFor', 0, { taskId: 'task-1' })).toThrow('no upcaster for TaskSignedFor from schema version 0'));
  });

  describe('a first-version history, read today', () => {
    const history = [
      upcastCaseEvent('ComplaintFiled', 1, complaintV1),
      upcastCaseEvent('TaskDispatched', 1, taskV1),
      upcastCaseEvent('SignForReminderSent', 1, {
        taskId: 'task-1',
        assigneeOrganisationId: 'pc-hushan-huayuan',
        signForBy: '2026-01-05T04:00:00.000Z',
        remindedAt: '2026-01-05T04:00:00.000Z',
      }),
    ];

    it('folds into a normal-urgency task awaiting sign-for, its sign-for reminded without escalation', () =>
      expect(foldCase(history)).toMatchObject({
        status: 'awaiting_sign_for',
        urgency: 'normal',
        jurisdiction: undefined,
        task: {
          assigneeOrganisationId: ids.otherCompany,
          assigneeKind: 'property_company',
          deadlines: { sign_for: { ...deadlinesOfTaskV1.sign_for, remindedAt: '2026-01-05T04:00:00.000Z', escalateAt: undefined } },
        },
      }));

    it('is reminded of its resolution when due, and never escalated: it has no street or district', () => {
      const state = foldCase(history);
      expect(nextCaseStep(state, Date.parse('2026-01-05T05:00:00.000Z'))).toStrictEqual({ kind: 'wait', until: '2026-01-06T02:00:00.000Z' });
      expect(nextCaseStep(state, Date.parse('2026-01-06T02:00:00.000Z'))).toStrictEqual({ kind: 'issue', command: { type: 'SendReminder', deadline: 'first_reply' } });
    });
  });
});
