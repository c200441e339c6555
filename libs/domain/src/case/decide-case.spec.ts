import type { Actor } from '../shared/actor';
import { DomainError, type DomainErrorKind } from '../shared/domain-error';
import type { CaseCommand } from './case-commands';
import type { CaseEvent } from './case-events';
import { foldCase } from './case-state';
import { decideCase } from './decide-case';
import { DEFAULT_DEADLINE_POLICY } from './deadline-policy';

const staff: Actor = { userId: 'u-staff', role: 'community_staff', organisationId: 'xiangyuan' };
const otherStaff: Actor = { userId: 'u-other', role: 'community_staff', organisationId: 'hushan' };
const company: Actor = { userId: 'u-co', role: 'property_company', organisationId: 'pc-beichen' };
const foreignCompany: Actor = { userId: 'u-fc', role: 'property_company', organisationId: 'pc-wocheng' };
const center: Actor = { userId: 'case-workflow', role: 'system', organisationId: 'shushan-center' };
const policy = DEFAULT_DEADLINE_POLICY;
const caseId = 'case-1';

const filed: CaseEvent = {
  type: 'ComplaintFiled',
  data: {
    caseId,
    resident: { name: '王阿姨', phone: '13800000000' },
    location: { communityId: 'xiangyuan', compoundId: 'beichen-aoyuan', building: '3幢', unit: '2单元' },
    category: 'elevator',
    urgency: 'normal',
    description: '电梯停运两天',
    channel: 'visit',
    propertyCompanyId: 'pc-beichen',
    filedAt: '2026-03-02T01:00:00.000Z',
  },
};
const dispatched: CaseEvent = {
  type: 'TaskDispatched',
  data: {
    taskId: 'task-1',
    assigneeOrganisationId: 'pc-beichen',
    signForBy: '2026-03-02T03:00:00.000Z',
    resolveBy: '2026-03-03T01:00:00.000Z',
    dispatchedAt: '2026-03-02T01:00:00.000Z',
  },
};
const signed: CaseEvent = { type: 'TaskSignedFor', data: { taskId: 'task-1', signedForAt: '2026-03-02T02:00:00.000Z' } };
const resolved: CaseEvent = {
  type: 'TaskResolved',
  data: { taskId: 'task-1', note: '更换主板，已恢复运行', resolvedAt: '2026-03-02T08:00:00.000Z' },
};
const unsatisfied: CaseEvent = {
  type: 'CallBackRecorded',
  data: { satisfied: false, rating: 2, note: '仍有异响', calledBackAt: '2026-03-03T01:00:00.000Z' },
};

/** given events, when a command, then these events (or this refusal). */
function given(...history: CaseEvent[]) {
  const state = foldCase(history);
  return {
    when: (command: CaseCommand) => ({
      then: (expected: CaseEvent[]) => expect(decideCase(command, state)).toEqual(expected),
      thenRefused: (kind: DomainErrorKind, message: RegExp) => {
        let error: unknown;
        try {
          decideCase(command, state);
        } catch (caught) {
          error = caught;
        }
        expect(error).toBeInstanceOf(DomainError);
        expect((error as DomainError).kind).toBe(kind);
        expect((error as DomainError).message).toMatch(message);
      },
    }),
  };
}

const at = (iso: string) => ({ caseId, at: iso });

describe('FileComplaint', () => {
  const command: CaseCommand = {
    type: 'FileComplaint',
    ...at(filed.data.filedAt),
    actor: staff,
    complaint: {
      resident: filed.data.resident,
      location: filed.data.location,
      category: 'elevator',
      urgency: 'normal',
      description: '电梯停运两天',
      channel: 'visit',
    },
    compound: { id: 'beichen-aoyuan', communityId: 'xiangyuan', propertyCompanyId: 'pc-beichen' },
  };

  it('records the complaint with the compound’s property company', () => given().when(command).then([filed]));
  it('refuses staff of another community', () =>
    given().when({ ...command, actor: otherStaff }).thenRefused('forbidden', /staff of the community/));
  it('refuses a compound of another community', () =>
    given()
      .when({ ...command, compound: { ...command.compound, communityId: 'hushan' } })
      .thenRefused('invalid', /does not belong/));
  it('refuses a blank description', () =>
    given()
      .when({ ...command, complaint: { ...command.complaint, description: '  ' } })
      .thenRefused('invalid', /description/));
  it('refuses to file the same case twice', () => given(filed).when(command).thenRefused('conflict', /already filed/));
});

describe('DispatchTask', () => {
  const command: CaseCommand = { type: 'DispatchTask', ...at('2026-03-02T01:00:00.000Z'), actor: center, taskId: 'task-1', policy };
  it('assigns the task to the property company with deadlines from the policy', () => given(filed).when(command).then([dispatched]));
  it('refuses a case that does not exist', () => given().when(command).thenRefused('not_found', /does not exist/));
  it('refuses a second dispatch', () => given(filed, dispatched).when(command).thenRefused('conflict', /cannot be dispatched/));
  it('refuses a property company', () => given(filed).when({ ...command, actor: company }).thenRefused('forbidden', /only staff/));
});

describe('SendSignForReminder', () => {
  const command: CaseCommand = { type: 'SendSignForReminder', ...at('2026-03-02T03:00:00.000Z'), actor: center };
  it('reminds the company once the sign-for deadline has passed', () =>
    given(filed, dispatched).when(command).then([
      {
        type: 'SignForReminderSent',
        data: {
          taskId: 'task-1',
          assigneeOrganisationId: 'pc-beichen',
          signForBy: '2026-03-02T03:00:00.000Z',
          remindedAt: '2026-03-02T03:00:00.000Z',
        },
      },
    ]));
  it('refuses before the deadline', () =>
    given(filed, dispatched).when({ ...command, at: '2026-03-02T02:59:59.000Z' }).thenRefused('conflict', /not overdue/));
  it('refuses a task already signed for', () =>
    given(filed, dispatched, signed).when(command).thenRefused('conflict', /cannot be reminded/));
});

describe('SignForTask', () => {
  const command: CaseCommand = { type: 'SignForTask', ...at('2026-03-02T02:00:00.000Z'), actor: company };
  it('records the sign-for by the assignee', () => given(filed, dispatched).when(command).then([signed]));
  it('refuses another company', () =>
    given(filed, dispatched).when({ ...command, actor: foreignCompany }).thenRefused('forbidden', /not assigned to your organisation/));
  it('refuses before dispatch', () => given(filed).when(command).thenRefused('conflict', /no task yet/));
  it('refuses a second sign-for', () => given(filed, dispatched, signed).when(command).thenRefused('conflict', /cannot be signed for/));
});

describe('ResolveTask', () => {
  const command: CaseCommand = { type: 'ResolveTask', ...at('2026-03-02T08:00:00.000Z'), actor: company, note: '更换主板，已恢复运行' };
  it('records the resolution', () => given(filed, dispatched, signed).when(command).then([resolved]));
  it('refuses a task not signed for', () => given(filed, dispatched).when(command).thenRefused('conflict', /must be signed for/));
  it('refuses another company', () =>
    given(filed, dispatched, signed).when({ ...command, actor: foreignCompany }).thenRefused('forbidden', /not assigned/));
  it('refuses an empty note', () => given(filed, dispatched, signed).when({ ...command, note: ' ' }).thenRefused('invalid', /note/));
});

describe('RecordCallBack', () => {
  const command: CaseCommand = { type: 'RecordCallBack', ...at('2026-03-03T01:00:00.000Z'), actor: staff, satisfied: true, rating: 5 };
  it('closes the case when the resident is satisfied', () =>
    given(filed, dispatched, signed, resolved).when(command).then([
      { type: 'CallBackRecorded', data: { satisfied: true, rating: 5, note: undefined, calledBackAt: '2026-03-03T01:00:00.000Z' } },
      { type: 'CaseClosed', data: { reason: 'resident_satisfied', closedAt: '2026-03-03T01:00:00.000Z' } },
    ]));
  it('leaves the case open for a redo when the resident is not satisfied', () =>
    given(filed, dispatched, signed, resolved)
      .when({ ...command, satisfied: false, rating: 2, note: '仍有异响' })
      .then([unsatisfied]));
  it('refuses before resolution', () => given(filed, dispatched, signed).when(command).thenRefused('conflict', /cannot be called back/));
  it('refuses staff of another community', () =>
    given(filed, dispatched, signed, resolved).when({ ...command, actor: otherStaff }).thenRefused('forbidden', /only staff/));
  it('refuses a rating out of range', () =>
    given(filed, dispatched, signed, resolved).when({ ...command, rating: 6 }).thenRefused('invalid', /rating/));
});

describe('OrderRedo', () => {
  const command: CaseCommand = { type: 'OrderRedo', ...at('2026-03-03T01:00:00.000Z'), actor: center, policy };
  it('sends the task back to the same company with new deadlines', () =>
    given(filed, dispatched, signed, resolved, unsatisfied).when(command).then([
      {
        type: 'TaskRedoOrdered',
        data: {
          taskId: 'task-1',
          assigneeOrganisationId: 'pc-beichen',
          redoCount: 1,
          signForBy: '2026-03-03T03:00:00.000Z',
          resolveBy: '2026-03-04T01:00:00.000Z',
          orderedAt: '2026-03-03T01:00:00.000Z',
        },
      },
    ]));
  it('refuses a case whose call-back was satisfied', () =>
    given(filed, dispatched, signed, resolved).when(command).thenRefused('conflict', /cannot be redone/));
});
