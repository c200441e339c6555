import { residentActor, type Actor } from '../shared/actor';
import { DomainError, type DomainErrorKind } from '../shared/domain-error';
import {
  CASE_ID,
  center,
  clock,
  company,
  complaint,
  complaintFiled,
  compound,
  districtOfficer,
  oneCommandOfEachType,
  personalData,
  foreignCompany,
  foreignDistrictOfficer,
  foreignOwnersCommittee,
  foreignStaff,
  foreignStreetOfficer,
  ids,
  neighbourCompany,
  ownersCommittee,
  ownersCouncilSecretary,
  propertyCouncilSecretary,
  staff,
  streetOfficer,
} from './__fixtures__/case-fixtures';
import type { CaseCommand, FileComplaint } from './case-commands';
import type { CaseEvent, TaskDispatched } from './case-events';
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
  legacyFiled,
  linked,
  MONDAY_16,
  notSatisfied,
  paused,
  progressReported,
  redispatched,
  redoRound,
  referred,
  resolved,
  resolveReminded,
  returned,
  signedFor,
  streetDeadlinesOnMonday16,
  unreachable,
  withoutCommittee,
} from './__fixtures__/elevator-case';
import { foldCase } from './case-state';
import type { TaskDeadlines } from './deadlines';
import { decideCase } from './decide-case';

/** given events, when a command, then exactly these events (or this refusal). */
function given(...history: CaseEvent[]) {
  const state = foldCase(history);
  return {
    when: (command: CaseCommand) => ({
      then: (expected: CaseEvent[]) => expect(decideCase(command, state, clock)).toStrictEqual(expected),
      thenRefused: (kind: DomainErrorKind, message: RegExp) => {
        let error: unknown;
        try {
          decideCase(command, state, clock);
        } catch (caught) {
          error = caught;
        }
        expect(error).toBeInstanceOf(DomainError);
        expect({ kind: (error as DomainError).kind, message: (error as DomainError).message }).toEqual({
          kind,
          message: expect.stringMatching(message),
        });
      },
    }),
  };
}

type Command<K extends CaseCommand['type']> = Extract<CaseCommand, { type: K }>;

/** Who asks, and when: every command carries both. */
const by = (actor: Actor, at: string) => ({ caseId: CASE_ID, actor, at });

/** The SHA-256 of a photo, as evidence names it: one hex digit repeated. */
const photo = (digit: string) => digit.repeat(64);


describe('any command on a case', () => {
  const LATER = '2026-03-05T02:00:00.000Z';
  const everyCommand = oneCommandOfEachType(LATER);

  it('covers every command type but filing', () => expect(new Set(everyCommand.map((command) => command.type)).size).toBe(27));

  it.each(everyCommand.map((command) => [command.type, command] as const))('%s on a case never filed is refused as not found', (_type, command) =>
    given().when(command).thenRefused('not_found', /case case-1 does not exist/));

  it.each(everyCommand.filter((command) => command.type !== 'ReopenCase' && command.type !== 'ErasePersonalData').map((command) => [command.type, command] as const))(
    '%s on a closed case is refused: only reopening and erasure are left',
    (_type, command) => given(filed, dispatched, signedFor, resolved, closed()).when(command).thenRefused('conflict', /case case-1 is closed/),
  );
});

describe('FileComplaint', () => {
  const command: FileComplaint = { type: 'FileComplaint', ...by(staff, '2026-03-02T00:30:00.000Z'), complaint, compound };

  it('records the complaint with the compound’s property project, owners’ committee, street and district', () =>
    given().when(command).then([filed]));

  it('records a compound without an owners’ committee without one', () =>
    given().when({ ...command, compound: { ...compound, ownersCommitteeId: undefined } }).then([withoutCommittee()]));

  it('records the staff’s choice of assignee and its reason', () => {
    const routingOverride = { organisationId: ids.ownersCommittee, kind: 'owners_committee' as const, reason: '更换电梯需动用维修基金' };
    given().when({ ...command, routingOverride }).then([complaintFiled({ routingOverride })]);
  });

  it('links a complaint about an open case at the same place and category to it', () =>
    given()
      .when({ ...command, duplicateOf: 'case-0' })
      .then([filed, { type: 'CaseLinkedAsDuplicate', data: { primaryCaseId: 'case-0', linkedAt: '2026-03-02T00:30:00.000Z' } }]));

  it('refuses a complaint found to duplicate itself', () =>
    given().when({ ...command, duplicateOf: CASE_ID }).thenRefused('invalid', /a case cannot be a duplicate of itself/));
  it('refuses to file the same case twice', () => given(filed).when(command).thenRefused('conflict', /case case-1 was already filed/));
  it('refuses staff of another community', () =>
    given().when({ ...command, actor: foreignStaff }).thenRefused('forbidden', /only staff of the community where the complaint arises/));
  it('refuses anyone but community staff, even of the right organisation id', () =>
    given().when({ ...command, actor: { ...company, organisationId: ids.community } }).thenRefused('forbidden', /only staff of the community/));
  it('refuses a compound other than the complaint’s', () =>
    given().when({ ...command, compound: { ...compound, id: 'wocheng-yinxiang' } }).thenRefused('invalid', /compound beichen-aoyuan does not belong to community xiangyuan/));
  it('refuses a compound of another community', () =>
    given().when({ ...command, compound: { ...compound, communityId: ids.otherCommunity } }).thenRefused('invalid', /does not belong to community/));
  it('refuses a blank description', () =>
    given().when({ ...command, complaint: { ...complaint, description: ' \n ' } }).thenRefused('invalid', /needs a description/));
  it('refuses another assignee without a reason', () =>
    given()
      .when({ ...command, routingOverride: { organisationId: ids.ownersCommittee, kind: 'owners_committee', reason: '  ' } })
      .thenRefused('invalid', /choosing another assignee needs a reason/));
  it('refuses an assignee that is not one of the compound’s', () =>
    given()
      .when({ ...command, routingOverride: { organisationId: ids.otherCompany, kind: 'property_company', reason: '湖山花园物业更专业' } })
      .thenRefused('invalid', /pc-hushan-huayuan is not the property company of compound beichen-aoyuan/));
  it('refuses the compound’s owners’ committee named as a property company', () =>
    given()
      .when({ ...command, routingOverride: { organisationId: ids.ownersCommittee, kind: 'property_company', reason: '业委会处理' } })
      .thenRefused('invalid', /is not the property company of compound/));
});

describe('DispatchTask', () => {
  const command: Command<'DispatchTask'> = { type: 'DispatchTask', ...by(center, DISPATCHED_AT), taskId: 'task-1' };

  it('gives an elevator complaint to the property project: sign for in 2 h, resolve in 24 h, first reply by the end of the next working day', () =>
    given(filed).when(command).then([dispatched]));

  it('lets the handling community’s staff dispatch too', () => given(filed).when({ ...command, actor: staff }).then([dispatched]));

  it('counts an urgent matter in hours: sign for in 30 min, first reply in 2 h, resolve in 24 h, each reminded an hour after', () =>
    given(complaintFiled({ category: 'water_leak', urgency: 'urgent' }))
      .when(command)
      .then([
        {
          type: 'TaskDispatched',
          data: {
            ...dispatched.data,
            deadlines: {
              sign_for: { due: '2026-03-02T01:30:00.000Z', unit: 'hours', remindAt: '2026-03-02T02:30:00.000Z' },
              first_reply: { due: '2026-03-02T03:00:00.000Z', unit: 'hours', remindAt: '2026-03-02T04:00:00.000Z' },
              resolve: { due: '2026-03-03T01:00:00.000Z', unit: 'hours', remindAt: '2026-03-03T02:00:00.000Z' },
            },
          },
        },
      ]));

  it('skips the Qingming holiday (Saturday 04-04 to Monday 04-06) for working-day deadlines and reminders, not for hours', () =>
    given(filed)
      .when({ ...command, at: '2026-04-03T01:00:00.000Z' })
      .then([
        {
          type: 'TaskDispatched',
          data: {
            ...dispatched.data,
            deadlines: {
              sign_for: { due: '2026-04-03T03:00:00.000Z', unit: 'hours', remindAt: '2026-04-07T15:59:59.999Z' },
              first_reply: { due: '2026-04-07T15:59:59.999Z', unit: 'working_days', remindAt: '2026-04-08T15:59:59.999Z' },
              resolve: { due: '2026-04-04T01:00:00.000Z', unit: 'hours', remindAt: '2026-04-07T15:59:59.999Z' },
            },
            dispatchedAt: '2026-04-03T01:00:00.000Z',
          },
        },
      ]));

  it('routes an owners’ matter (maintenance fund) to the owners’ committee, resolved within 15 working days', () =>
    given(complaintFiled({ category: 'maintenance_fund', description: '申请动用维修基金更换电梯' }))
      .when(command)
      .then([
        {
          type: 'TaskDispatched',
          data: {
            taskId: 'task-1',
            assigneeOrganisationId: ids.ownersCommittee,
            assigneeKind: 'owners_committee',
            origin: 'complaint',
            deadlines: {
              ...elevatorDeadlines,
              resolve: { due: '2026-03-23T15:59:59.999Z', unit: 'working_days', remindAt: '2026-03-24T15:59:59.999Z' },
            },
            dispatchedAt: DISPATCHED_AT,
          },
        },
      ]));

  it('follows the staff’s routing override, with their reason', () => {
    const routingOverride = { organisationId: ids.ownersCommittee, kind: 'owners_committee' as const, reason: '更换电梯需动用维修基金' };
    given(complaintFiled({ routingOverride }))
      .when(command)
      .then([
        {
          type: 'TaskDispatched',
          data: { ...dispatched.data, assigneeOrganisationId: ids.ownersCommittee, assigneeKind: 'owners_committee', reason: '更换电梯需动用维修基金' },
        },
      ]);
  });

  it('gives a task returned as needing the owners’ decision to the owners’ committee', () =>
    given(filed, dispatched, signedFor, returned('needs_owners_decision'))
      .when({ ...command, taskId: 'task-2' })
      .then([
        {
          type: 'TaskDispatched',
          data: { ...dispatched.data, taskId: 'task-2', assigneeOrganisationId: ids.ownersCommittee, assigneeKind: 'owners_committee', origin: 'redispatch' },
        },
      ]));

  it('dispatches a council’s decision to whom it names, due when the decision says', () =>
    given(...beforeCouncil, convened, decided)
      .when({ ...command, taskId: 'task-2', at: '2026-03-10T09:00:00.000Z' })
      .then([
        {
          type: 'TaskDispatched',
          data: {
            taskId: 'task-2',
            assigneeOrganisationId: ids.company,
            assigneeKind: 'property_company',
            origin: 'council_decision',
            deadlines: {
              sign_for: { due: '2026-03-10T11:00:00.000Z', unit: 'hours', remindAt: '2026-03-11T15:59:59.999Z' },
              first_reply: { due: '2026-03-11T15:59:59.999Z', unit: 'working_days', remindAt: '2026-03-12T15:59:59.999Z' },
              resolve: { due: '2026-03-20T10:00:00.000Z', unit: 'hours', remindAt: '2026-03-23T15:59:59.999Z' },
            },
            dispatchedAt: '2026-03-10T09:00:00.000Z',
          },
        },
      ]));

  it('gives a case reopened at the street the street’s limits', () =>
    given(filed, dispatched, escalatedToStreet, signedFor, resolved, closed(), { type: 'CaseReopened', data: { reason: '复发', reopenedAt: '2026-03-14T01:00:00.000Z' } })
      .when({ ...command, actor: streetOfficer, taskId: 'task-2', at: MONDAY_16 })
      .then([{ type: 'TaskDispatched', data: { ...dispatched.data, taskId: 'task-2', deadlines: streetDeadlinesOnMonday16, dispatchedAt: MONDAY_16 } }]));

  it('gives the task to the compound’s property project as the directory knows it now', () =>
    given(filed)
      .when({ ...command, compound: { propertyCompanyId: ids.neighbourCompany, ownersCommitteeId: ids.ownersCommittee } })
      .then([{ type: 'TaskDispatched', data: { ...dispatched.data, assigneeOrganisationId: ids.neighbourCompany } }]));

  it('routes an owners’ matter to an owners’ committee formed since the filing', () =>
    given({ ...withoutCommittee(), data: { ...withoutCommittee().data, category: 'maintenance_fund' } })
      .when({ ...command, compound: { propertyCompanyId: ids.company, ownersCommitteeId: ids.ownersCommittee } })
      .then([
        {
          type: 'TaskDispatched',
          data: {
            ...dispatched.data,
            assigneeOrganisationId: ids.ownersCommittee,
            assigneeKind: 'owners_committee',
            deadlines: { ...elevatorDeadlines, resolve: { due: '2026-03-23T15:59:59.999Z', unit: 'working_days', remindAt: '2026-03-24T15:59:59.999Z' } },
          },
        },
      ]));

  it('refuses a case whose task is already out', () =>
    given(filed, dispatched).when(command).thenRefused('conflict', /case case-1 cannot be dispatched while awaiting sign for/));
  it('refuses the property company', () =>
    given(filed).when({ ...command, actor: company }).thenRefused('forbidden', /case case-1 is handled at the community tier by xiangyuan/));
  it('refuses staff of another community', () =>
    given(filed).when({ ...command, actor: foreignStaff }).thenRefused('forbidden', /handled at the community tier/));
  it('refuses a street officer while the community handles the case', () =>
    given(filed).when({ ...command, actor: streetOfficer }).thenRefused('forbidden', /handled at the community tier/));
  it('refuses community staff once the case is at the street', () =>
    given(filed, dispatched, escalatedToStreet, returned('needs_owners_decision'))
      .when({ ...command, actor: staff })
      .thenRefused('forbidden', /handled at the street tier by shushan/));
  it('leaves a task returned as wrongly routed to the staff, who re-dispatch it with a reason', () =>
    given(filed, dispatched, returned('wrongly_routed')).when(command).thenRefused('conflict', /returned as wrongly_routed is re-dispatched by staff/));
  it('leaves a disputed return to a council', () =>
    given(filed, dispatched, returned('disputed_responsibility')).when(command).thenRefused('conflict', /returned as disputed_responsibility/));
  it('refuses an owners’ matter in a compound without an owners’ committee', () =>
    given({ ...withoutCommittee(), data: { ...withoutCommittee().data, category: 'property_contract' } })
      .when(command)
      .thenRefused('conflict', /compound beichen-aoyuan has no owners' committee/));
  it('refuses an owners’ matter whose owners’ committee the directory no longer knows', () =>
    given(complaintFiled({ category: 'maintenance_fund' }))
      .when({ ...command, compound: { propertyCompanyId: ids.company } })
      .thenRefused('conflict', /compound beichen-aoyuan has no owners' committee/));
  it('refuses a return needing the owners’ decision in a compound without an owners’ committee', () =>
    given(withoutCommittee(), dispatched, returned('needs_owners_decision')).when(command).thenRefused('conflict', /has no owners' committee/));
});

describe('RedispatchTask', () => {
  const command: Command<'RedispatchTask'> = {
    type: 'RedispatchTask',
    ...by(staff, DISPATCHED_AT),
    taskId: 'task-2',
    assignee: { organisationId: ids.neighbourCompany, kind: 'property_company' },
    reason: '3幢由卧城印象物业托管',
    // The directory was corrected: the project next door serves the compound now.
    compound: { propertyCompanyId: ids.neighbourCompany, ownersCommitteeId: ids.ownersCommittee },
  };
  const toNeighbour: TaskDispatched = {
    type: 'TaskDispatched',
    data: { ...dispatched.data, taskId: 'task-2', assigneeOrganisationId: ids.neighbourCompany, origin: 'redispatch', reason: '3幢由卧城印象物业托管' },
  };

  it('gives a wrongly routed task to the right company with fresh deadlines', () =>
    given(filed, dispatched, returned('wrongly_routed')).when(command).then([toNeighbour]));
  it('takes a running task away from its assignee', () => given(filed, dispatched, signedFor).when(command).then([toNeighbour]));
  it('gives a task to another company instead of a redo', () => given(filed, dispatched, signedFor, resolved, notSatisfied).when(command).then([toNeighbour]));
  it('gives a council’s decision to another assignee than the one it named', () => given(...beforeCouncil, convened, decided).when(command).then([toNeighbour]));
  it('gives the street’s limits when the street re-dispatches', () =>
    given(filed, dispatched, escalatedToStreet, returned('wrongly_routed'))
      .when({ ...command, actor: streetOfficer, at: MONDAY_16 })
      .then([{ type: 'TaskDispatched', data: { ...toNeighbour.data, deadlines: streetDeadlinesOnMonday16, dispatchedAt: MONDAY_16 } }]));

  it('gives a filed case to the staff’s choice when the default routing cannot serve it (an owners’ matter without a committee)', () =>
    given({ ...withoutCommittee(), data: { ...withoutCommittee().data, category: 'maintenance_fund' } })
      .when(command)
      .then([
        {
          type: 'TaskDispatched',
          data: {
            ...toNeighbour.data,
            deadlines: {
              ...elevatorDeadlines,
              resolve: { due: '2026-03-23T15:59:59.999Z', unit: 'working_days', remindAt: '2026-03-24T15:59:59.999Z' },
            },
          },
        },
      ]));

  it('gives the task to the compound’s owners’ committee', () =>
    given(filed, dispatched, signedFor)
      .when({ ...command, assignee: { organisationId: ids.ownersCommittee, kind: 'owners_committee' } })
      .then([{ type: 'TaskDispatched', data: { ...toNeighbour.data, assigneeOrganisationId: ids.ownersCommittee, assigneeKind: 'owners_committee' } }]));
  it('refuses a company that does not serve the compound: it would read the resident in full', () =>
    given(filed, dispatched, signedFor)
      .when({ ...command, assignee: { organisationId: ids.otherCompany, kind: 'property_company' } })
      .thenRefused('invalid', /pc-hushan-huayuan is not the property company of compound beichen-aoyuan/));
  it('refuses another compound’s owners’ committee', () =>
    given(filed, dispatched, signedFor)
      .when({ ...command, assignee: { organisationId: ids.otherOwnersCommittee, kind: 'owners_committee' } })
      .thenRefused('invalid', /oc-hushan-huayuan is not the owners committee of compound beichen-aoyuan/));
  it('refuses the compound’s company named as its owners’ committee', () =>
    given(filed, dispatched, signedFor)
      .when({ ...command, assignee: { organisationId: ids.company, kind: 'owners_committee' } })
      .thenRefused('invalid', /pc-beichen-aoyuan is not the owners committee of compound beichen-aoyuan/));
  it('judges by those who served the compound at filing when the directory no longer knows it', () => {
    const { compound: _, ...withoutDirectory } = command;
    given(filed, dispatched, signedFor).when(withoutDirectory).thenRefused('invalid', /pc-wocheng-yinxiang is not the property company of compound beichen-aoyuan/);
    given(filed, dispatched, signedFor)
      .when({ ...withoutDirectory, assignee: { organisationId: ids.company, kind: 'property_company' } })
      .then([{ type: 'TaskDispatched', data: { ...toNeighbour.data, assigneeOrganisationId: ids.company } }]);
  });

  it('refuses a resolved case', () => given(filed, dispatched, signedFor, resolved).when(command).thenRefused('conflict', /cannot be re-dispatched while resolved/));
  it('refuses a duplicate', () => given(filed, linked).when(command).thenRefused('conflict', /cannot be re-dispatched while duplicate/));
  it('re-dispatches a case before a council, the handling tier not waiting for it', () =>
    expect(decideCase(command, foldCase(beforeCouncil), clock)).toEqual([expect.objectContaining({ type: 'TaskDispatched' })]));
  it('refuses the assignee', () => given(filed, dispatched).when({ ...command, actor: company }).thenRefused('forbidden', /handled at the community tier/));
  it('refuses without a reason', () => given(filed, dispatched).when({ ...command, reason: '' }).thenRefused('invalid', /a re-dispatch needs a reason/));
});

describe('SendReminder', () => {
  const SIGN_FOR_REMIND_AT = elevatorDeadlines.sign_for.remindAt;
  const command: Command<'SendReminder'> = { type: 'SendReminder', ...by(center, SIGN_FOR_REMIND_AT), deadline: 'sign_for' };

  it('reminds the assignee at remindAt, to escalate 5 working days later', () =>
    given(filed, dispatched)
      .when(command)
      .then([
        {
          type: 'DeadlineReminderSent',
          data: {
            taskId: 'task-1',
            assigneeOrganisationId: ids.company,
            deadline: 'sign_for',
            due: '2026-03-02T03:00:00.000Z',
            escalateAt: '2026-03-10T15:59:59.999Z',
            remindedAt: SIGN_FOR_REMIND_AT,
          },
        },
      ]));

  it('escalates an urgent matter 4 hours after its reminder', () =>
    given(complaintFiled({ urgency: 'urgent' }), {
      ...dispatched,
      data: { ...dispatched.data, deadlines: { ...elevatorDeadlines, sign_for: { due: '2026-03-02T01:30:00.000Z', unit: 'hours', remindAt: '2026-03-02T02:30:00.000Z' } } },
    })
      .when({ ...command, at: '2026-03-02T02:45:00.000Z' })
      .then([
        {
          type: 'DeadlineReminderSent',
          data: {
            taskId: 'task-1',
            assigneeOrganisationId: ids.company,
            deadline: 'sign_for',
            due: '2026-03-02T01:30:00.000Z',
            escalateAt: '2026-03-02T06:45:00.000Z',
            remindedAt: '2026-03-02T02:45:00.000Z',
          },
        },
      ]));

  it('reminds the resolve deadline of a task signed for', () =>
    given(filed, dispatched, signedFor)
      .when({ ...command, deadline: 'resolve', at: '2026-03-04T16:00:00.000Z' })
      .then([resolveReminded]));

  it('refuses anyone but the center', () => given(filed, dispatched).when({ ...command, actor: staff }).thenRefused('forbidden', /only the center moves a case/));
  it('refuses a case whose task is not running', () =>
    given(filed, dispatched, signedFor, resolved).when(command).thenRefused('conflict', /cannot be reminded while resolved/));
  it('refuses while the clock is paused', () => given(filed, dispatched, paused).when(command).thenRefused('conflict', /clock of case case-1 is paused/));
  it('refuses a deadline already met', () =>
    given(filed, dispatched, signedFor).when(command).thenRefused('conflict', /the sign_for deadline of task task-1 is met or not set/));
  it('refuses to remind twice', () =>
    given(filed, dispatched, signedFor, resolveReminded)
      .when({ ...command, deadline: 'resolve', at: '2026-03-05T16:00:00.000Z' })
      .thenRefused('conflict', /resolve deadline of task task-1 was already reminded/));
  it('refuses before remindAt', () =>
    given(filed, dispatched).when({ ...command, at: '2026-03-03T15:59:59.998Z' }).thenRefused('conflict', /sign_for reminder is not due until 2026-03-03T15:59:59.999Z/));
});

describe('SignForTask', () => {
  const command: Command<'SignForTask'> = { type: 'SignForTask', ...by(company, '2026-03-02T02:00:00.000Z') };

  it('records the sign-for by the assignee', () => given(filed, dispatched).when(command).then([signedFor]));
  it('lets an owners’ committee sign for its task', () =>
    given(filed, redispatched('task-1', ids.ownersCommittee, 'owners_committee')).when({ ...command, actor: ownersCommittee }).then([signedFor]));

  it('refuses a case with no task', () => given(filed).when(command).thenRefused('conflict', /case case-1 has no task/));
  it('refuses another company', () =>
    given(filed, dispatched).when({ ...command, actor: foreignCompany }).thenRefused('forbidden', /task task-1 is not assigned to your organisation/));
  it('refuses the compound’s owners’ committee for the company’s task', () =>
    given(filed, dispatched).when({ ...command, actor: ownersCommittee }).thenRefused('forbidden', /not assigned to your organisation/));
  it('refuses someone with the assignee’s organisation id but another role', () =>
    given(filed, dispatched).when({ ...command, actor: { ...ownersCommittee, organisationId: ids.company } }).thenRefused('forbidden', /not assigned/));
  it('refuses a second sign-for', () => given(filed, dispatched, signedFor).when(command).thenRefused('conflict', /cannot be signed for while in progress/));
  it('refuses a returned task', () => given(filed, dispatched, returned('wrongly_routed')).when(command).thenRefused('conflict', /cannot be signed for while returned/));
});

describe('ReportProgress', () => {
  const command: Command<'ReportProgress'> = { type: 'ReportProgress', ...by(company, '2026-03-02T05:00:00.000Z'), note: '维保人员已到场，等待主板配件' };

  it('records the first reply of the assignee', () => given(filed, dispatched, signedFor).when(command).then([progressReported]));
  it('records later reports too', () => given(filed, dispatched, signedFor, progressReported).when(command).then([progressReported]));

  it('refuses a case with no task', () => given(filed).when(command).thenRefused('conflict', /has no task/));
  it('refuses another company', () => given(filed, dispatched, signedFor).when({ ...command, actor: foreignCompany }).thenRefused('forbidden', /not assigned/));
  it('refuses a task not signed for', () => given(filed, dispatched).when(command).thenRefused('conflict', /cannot be reported on while awaiting sign for/));
  it('refuses a blank note', () => given(filed, dispatched, signedFor).when({ ...command, note: ' ' }).thenRefused('invalid', /a progress report needs a note/));
  it('records photos as evidence', () =>
    given(filed, dispatched, signedFor)
      .when({ ...command, evidence: [photo('a')] })
      .then([{ ...progressReported, data: { ...progressReported.data, evidence: [photo('a')] } }]));
  it('refuses evidence that is not a SHA-256', () =>
    given(filed, dispatched, signedFor).when({ ...command, evidence: ['photo.jpg'] }).thenRefused('invalid', /evidence "photo.jpg" is not the lowercase hex SHA-256/));
});

describe('ResolveTask', () => {
  const command: Command<'ResolveTask'> = { type: 'ResolveTask', ...by(company, '2026-03-02T08:00:00.000Z'), note: '更换主板，电梯已恢复运行' };

  it('records the resolution', () => given(filed, dispatched, signedFor).when(command).then([resolved]));
  it('resolves while the clock is paused', () => given(filed, dispatched, signedFor, paused).when(command).then([resolved]));

  it('refuses a case with no task', () => given(filed).when(command).thenRefused('conflict', /has no task/));
  it('refuses another company', () => given(filed, dispatched, signedFor).when({ ...command, actor: foreignCompany }).thenRefused('forbidden', /not assigned/));
  it('refuses a task not signed for', () => given(filed, dispatched).when(command).thenRefused('conflict', /task task-1 must be signed for before it is resolved/));
  it('refuses a task resolved already', () => given(filed, dispatched, signedFor, resolved).when(command).thenRefused('conflict', /cannot be resolved while resolved/));
  it('refuses a blank note', () => given(filed, dispatched, signedFor).when({ ...command, note: '' }).thenRefused('invalid', /a resolution needs a note/));

  it('records the photos given as evidence, in their order', () =>
    given(filed, dispatched, signedFor)
      .when({ ...command, evidence: [photo('b'), photo('a')] })
      .then([{ ...resolved, data: { ...resolved.data, evidence: [photo('b'), photo('a')] } }]));
  it('records ten photos', () => {
    const ten = [...'0123456789'].map(photo);
    given(filed, dispatched, signedFor).when({ ...command, evidence: ten }).then([{ ...resolved, data: { ...resolved.data, evidence: ten } }]);
  });
  it('refuses eleven photos', () =>
    given(filed, dispatched, signedFor).when({ ...command, evidence: [...'0123456789a'].map(photo) }).thenRefused('invalid', /at most 10 photos .* not 11/));
  it('refuses a hash in capitals or of the wrong length', () => {
    given(filed, dispatched, signedFor).when({ ...command, evidence: [photo('A')] }).thenRefused('invalid', /is not the lowercase hex SHA-256/);
    given(filed, dispatched, signedFor).when({ ...command, evidence: ['ab'.repeat(20)] }).thenRefused('invalid', /is not the lowercase hex SHA-256/);
  });
  it('refuses the same photo twice', () =>
    given(filed, dispatched, signedFor).when({ ...command, evidence: [photo('a'), photo('b'), photo('a')] }).thenRefused('invalid', new RegExp(`names photo ${photo('a')} twice`)));
  it('refuses evidence from another company, as any resolution of theirs', () =>
    given(filed, dispatched, signedFor).when({ ...command, actor: foreignCompany, evidence: [photo('a')] }).thenRefused('forbidden', /not assigned/));
});

describe('AttachEvidence', () => {
  const AT = '2026-03-02T01:00:00.000Z';
  const command: Command<'AttachEvidence'> = { type: 'AttachEvidence', ...by(staff, AT), evidence: [photo('a')] };
  const attached = (evidence: string[], note?: string): CaseEvent => ({
    type: 'EvidenceAttached',
    data: { evidence, ...(note === undefined ? {} : { note }), attachedAt: AT },
  });

  it('records the photos staff took down with the complaint', () => given(filed).when(command).then([attached([photo('a')])]));
  it('records them with a note', () =>
    given(filed).when({ ...command, evidence: [photo('b'), photo('a')], note: '居民提供的现场照片' }).then([attached([photo('b'), photo('a')], '居民提供的现场照片')]));
  it.each([
    ['awaiting sign for', [filed, dispatched]],
    ['in progress, the clock paused', [filed, dispatched, signedFor, paused]],
    ['resolved', [filed, dispatched, signedFor, resolved]],
    ['returned', [filed, dispatched, returned('wrongly_routed')]],
    ['escalated to the street', [filed, dispatched, escalatedToStreet]],
    ['before a council', [filed, referred]],
    ['linked as a duplicate', [filed, linked]],
  ] as const)('records photos whatever the stage of an open case: %s', (_stage, history) =>
    given(...history).when(command).then([attached([photo('a')])]));

  it('moves the case nowhere: its state, and so the center’s next step, stay as they were', () => {
    const before = foldCase([filed, dispatched, signedFor]);
    expect(foldCase([filed, dispatched, signedFor, attached([photo('a')])])).toStrictEqual(before);
  });

  it('refuses a closed case', () => given(filed, dispatched, signedFor, resolved, closed()).when(command).thenRefused('conflict', /case case-1 is closed/));
  it('refuses staff of another community', () => given(filed).when({ ...command, actor: foreignStaff }).thenRefused('forbidden', /only staff of community/));
  it('refuses the company holding the task: its photos go with its reports', () =>
    given(filed, dispatched, signedFor).when({ ...command, actor: company }).thenRefused('forbidden', /only staff of community/));
  it('refuses the street, even when it handles the case', () =>
    given(filed, dispatched, escalatedToStreet).when({ ...command, actor: streetOfficer }).thenRefused('forbidden', /only staff of community/));
  it('refuses no photo', () => given(filed).when({ ...command, evidence: [] }).thenRefused('invalid', /at least one photo/));
  it('refuses eleven photos', () =>
    given(filed).when({ ...command, evidence: [...'0123456789a'].map(photo) }).thenRefused('invalid', /at most 10 photos .* not 11/));
  it('refuses a hash that is not a SHA-256', () => given(filed).when({ ...command, evidence: [photo('A')] }).thenRefused('invalid', /is not the lowercase hex SHA-256/));
  it('refuses the same photo twice', () =>
    given(filed).when({ ...command, evidence: [photo('a'), photo('a')] }).thenRefused('invalid', new RegExp(`names photo ${photo('a')} twice`)));
  it('refuses a blank note', () => given(filed).when({ ...command, note: ' ' }).thenRefused('invalid', /note to the photos must not be blank/));
});

describe('ReturnTask', () => {
  const command: Command<'ReturnTask'> = { type: 'ReturnTask', ...by(company, '2026-03-02T03:00:00.000Z'), reason: 'wrongly_routed', note: '退单说明' };

  it('returns a task before it is signed for', () => given(filed, dispatched).when(command).then([returned('wrongly_routed')]));
  it('returns a task in progress as needing the owners’ decision', () =>
    given(filed, dispatched, signedFor).when({ ...command, reason: 'needs_owners_decision' }).then([returned('needs_owners_decision')]));
  it('lets the owners’ committee return a task as disputed', () =>
    given(filed, redispatched('task-1', ids.ownersCommittee, 'owners_committee'))
      .when({ ...command, actor: ownersCommittee, reason: 'disputed_responsibility' })
      .then([returned('disputed_responsibility', ids.ownersCommittee)]));

  it('refuses a case with no task', () => given(filed).when(command).thenRefused('conflict', /has no task/));
  it('refuses another company', () => given(filed, dispatched).when({ ...command, actor: foreignCompany }).thenRefused('forbidden', /not assigned/));
  it('refuses a resolved task', () => given(filed, dispatched, signedFor, resolved).when(command).thenRefused('conflict', /cannot be returned while resolved/));
  it('refuses a blank note', () => given(filed, dispatched).when({ ...command, note: ' ' }).thenRefused('invalid', /a return needs a note/));
  it('refuses the owners’ committee returning a task as needing the owners’ decision', () =>
    given(filed, redispatched('task-1', ids.ownersCommittee, 'owners_committee'))
      .when({ ...command, actor: ownersCommittee, reason: 'needs_owners_decision' })
      .thenRefused('invalid', /the owners committee is the one to take owners decisions/));
});

describe('RejectReturn', () => {
  const command: Command<'RejectReturn'> = { type: 'RejectReturn', ...by(staff, '2026-03-02T04:00:00.000Z'), reason: '3幢在贵司服务范围内' };
  const rejected: CaseEvent = {
    type: 'ReturnRejected',
    data: { taskId: 'task-1', assigneeOrganisationId: ids.company, reason: '3幢在贵司服务范围内', rejectedAt: '2026-03-02T04:00:00.000Z' },
  };

  it('sends a returned task back to its assignee', () => given(filed, dispatched, returned('wrongly_routed')).when(command).then([rejected]));
  it('lets the center reject a return too', () => given(filed, dispatched, returned('wrongly_routed')).when({ ...command, actor: center }).then([rejected]));

  it('refuses a task not returned', () => given(filed, dispatched, signedFor).when(command).thenRefused('conflict', /cannot be sent back to its assignee while in progress/));
  it('refuses the assignee', () => given(filed, dispatched, returned('wrongly_routed')).when({ ...command, actor: company }).thenRefused('forbidden', /handled at the community tier/));
  it('refuses without a reason', () => given(filed, dispatched, returned('wrongly_routed')).when({ ...command, reason: '' }).thenRefused('invalid', /rejecting a return needs a reason/));
});

describe('RequestExtension', () => {
  const command: Command<'RequestExtension'> = {
    type: 'RequestExtension',
    ...by(company, '2026-03-02T06:00:00.000Z'),
    extension: { workingDays: 2 },
    reason: '主板配件需从厂家调货',
  };

  it('records the assignee’s request before the resolve deadline', () => given(filed, dispatched, signedFor).when(command).then([extensionRequested]));

  it('refuses a case with no task', () => given(filed).when(command).thenRefused('conflict', /has no task/));
  it('refuses another company', () => given(filed, dispatched, signedFor).when({ ...command, actor: foreignCompany }).thenRefused('forbidden', /not assigned/));
  it('refuses a resolved task', () => given(filed, dispatched, signedFor, resolved).when(command).thenRefused('conflict', /cannot be extended while resolved/));
  it('refuses without a reason', () => given(filed, dispatched, signedFor).when({ ...command, reason: ' ' }).thenRefused('invalid', /an extension request needs a reason/));
  it('refuses a request at the deadline or after', () =>
    given(filed, dispatched, signedFor)
      .when({ ...command, at: '2026-03-03T01:00:00.000Z' })
      .thenRefused('conflict', /must be requested before the deadline 2026-03-03T01:00:00.000Z/));
  it('refuses a second request while one waits', () =>
    given(filed, dispatched, signedFor, extensionRequested).when(command).thenRefused('conflict', /already has an extension request waiting/));
});

describe('GrantExtension', () => {
  const command: Command<'GrantExtension'> = { type: 'GrantExtension', ...by(staff, '2026-03-02T07:00:00.000Z') };

  it('moves the resolve deadline 2 working days past the old one, to the end of Thursday 03-05', () =>
    given(filed, dispatched, signedFor, extensionRequested)
      .when(command)
      .then([
        {
          type: 'DeadlineExtended',
          data: {
            taskId: 'task-1',
            resolve: { due: '2026-03-05T15:59:59.999Z', unit: 'working_days', remindAt: '2026-03-06T15:59:59.999Z' },
            requested: true,
            extendedAt: '2026-03-02T07:00:00.000Z',
          },
        },
      ]));

  it('refuses anyone but the handling tier', () =>
    given(filed, dispatched, signedFor, extensionRequested).when({ ...command, actor: company }).thenRefused('forbidden', /handled at the community tier/));
  it('refuses without a request', () =>
    given(filed, dispatched, signedFor).when(command).thenRefused('conflict', /case case-1 has no extension request waiting for an answer/));
  it('refuses once the task is resolved', () =>
    given(filed, dispatched, signedFor, extensionRequested, resolved).when(command).thenRefused('conflict', /has no extension request/));
});

describe('RefuseExtension', () => {
  const command: Command<'RefuseExtension'> = { type: 'RefuseExtension', ...by(staff, '2026-03-02T07:00:00.000Z'), reason: '电梯停运影响老人出行，须按期修复' };

  it('refuses the request, with the reason', () =>
    given(filed, dispatched, signedFor, extensionRequested)
      .when(command)
      .then([{ type: 'ExtensionRefused', data: { taskId: 'task-1', reason: '电梯停运影响老人出行，须按期修复', refusedAt: '2026-03-02T07:00:00.000Z' } }]));

  it('refuses anyone but the handling tier', () =>
    given(filed, dispatched, signedFor, extensionRequested).when({ ...command, actor: foreignStaff }).thenRefused('forbidden', /handled at the community tier/));
  it('refuses without a request', () => given(filed, dispatched, signedFor).when(command).thenRefused('conflict', /has no extension request/));
  it('refuses without a reason', () =>
    given(filed, dispatched, signedFor, extensionRequested).when({ ...command, reason: '' }).thenRefused('invalid', /refusing an extension needs a reason/));
});

describe('ExtendDeadline', () => {
  const command: Command<'ExtendDeadline'> = { type: 'ExtendDeadline', ...by(staff, '2026-03-02T07:00:00.000Z'), extension: { hours: 48 }, reason: '需协调电梯厂家' };

  it('moves the resolve deadline on the tier’s own initiative, here by 48 hours', () =>
    given(filed, dispatched, signedFor)
      .when(command)
      .then([
        {
          type: 'DeadlineExtended',
          data: {
            taskId: 'task-1',
            resolve: { due: '2026-03-05T01:00:00.000Z', unit: 'hours', remindAt: '2026-03-06T15:59:59.999Z' },
            requested: false,
            reason: '需协调电梯厂家',
            extendedAt: '2026-03-02T07:00:00.000Z',
          },
        },
      ]));

  it('refuses a case with no running task', () => given(filed).when(command).thenRefused('conflict', /cannot be extended while filed/));
  it('refuses anyone but the handling tier', () => given(filed, dispatched).when({ ...command, actor: company }).thenRefused('forbidden', /handled at the community tier/));
  it('refuses without a reason', () => given(filed, dispatched).when({ ...command, reason: '' }).thenRefused('invalid', /an extension needs a reason/));
  it('refuses while the assignee’s request waits', () =>
    given(filed, dispatched, signedFor, extensionRequested).when(command).thenRefused('conflict', /has an extension request: grant or refuse it/));
});

describe('PauseClock', () => {
  const command: Command<'PauseClock'> = { type: 'PauseClock', ...by(staff, '2026-03-02T01:30:00.000Z'), reason: '等待业主在家开门' };

  it('stops the clock for the community’s staff', () => given(filed, dispatched).when(command).then([paused]));
  it('stops the clock for the assignee', () => given(filed, dispatched).when({ ...command, actor: company }).then([paused]));

  it('refuses a case with no running task', () => given(filed, dispatched, signedFor, resolved).when(command).thenRefused('conflict', /cannot be paused while resolved/));
  it('refuses staff of another community', () =>
    given(filed, dispatched).when({ ...command, actor: foreignStaff }).thenRefused('forbidden', /only staff of community xiangyuan/));
  it('refuses another company', () => given(filed, dispatched).when({ ...command, actor: foreignCompany }).thenRefused('forbidden', /not assigned/));
  it('refuses a street officer', () => given(filed, dispatched).when({ ...command, actor: streetOfficer }).thenRefused('forbidden', /not assigned/));
  it('refuses without a reason', () => given(filed, dispatched).when({ ...command, reason: '' }).thenRefused('invalid', /pausing the clock needs a reason/));
  it('refuses a clock already paused', () => given(filed, dispatched, paused).when(command).thenRefused('conflict', /already paused/));
});

describe('ResumeClock', () => {
  const command: Command<'ResumeClock'> = { type: 'ResumeClock', ...by(staff, '2026-03-02T04:00:00.000Z') };

  it('pushes hour deadlines back by exactly the 2.5 h paused, and leaves working-day ones whose day did not pass', () =>
    given(filed, dispatched, paused)
      .when(command)
      .then([
        {
          type: 'ClockResumed',
          data: {
            taskId: 'task-1',
            deadlines: {
              sign_for: { due: '2026-03-02T05:30:00.000Z', unit: 'hours', remindAt: '2026-03-03T15:59:59.999Z' },
              first_reply: elevatorDeadlines.first_reply,
              resolve: { due: '2026-03-03T03:30:00.000Z', unit: 'hours', remindAt: '2026-03-04T15:59:59.999Z' },
            },
            resumedAt: '2026-03-02T04:00:00.000Z',
          },
        },
      ]));

  it('pushes working-day deadlines back by the working days paused, not counting the Qingming holiday', () => {
    // A sanitation task (resolve within 7 working days) dispatched Wednesday 04-01, signed for, paused
    // Thursday 04-02 and resumed Wednesday 04-08: three working days passed (04-03, 04-07, 04-08).
    const sanitationDispatched: TaskDispatched = {
      type: 'TaskDispatched',
      data: {
        ...dispatched.data,
        deadlines: {
          sign_for: { due: '2026-04-01T03:00:00.000Z', unit: 'hours', remindAt: '2026-04-02T15:59:59.999Z' },
          first_reply: { due: '2026-04-02T15:59:59.999Z', unit: 'working_days', remindAt: '2026-04-03T15:59:59.999Z' },
          resolve: { due: '2026-04-13T15:59:59.999Z', unit: 'working_days', remindAt: '2026-04-14T15:59:59.999Z' },
        },
        dispatchedAt: '2026-04-01T01:00:00.000Z',
      },
    };
    given(
      complaintFiled({ category: 'sanitation', filedAt: '2026-04-01T00:30:00.000Z' }),
      sanitationDispatched,
      { type: 'TaskSignedFor', data: { taskId: 'task-1', signedForAt: '2026-04-01T02:00:00.000Z' } },
      { type: 'ClockPaused', data: { taskId: 'task-1', reason: '居民外出', pausedAt: '2026-04-02T02:00:00.000Z' } },
    )
      .when({ ...command, at: '2026-04-08T02:00:00.000Z' })
      .then([
        {
          type: 'ClockResumed',
          data: {
            taskId: 'task-1',
            deadlines: {
              first_reply: { due: '2026-04-08T15:59:59.999Z', unit: 'working_days', remindAt: '2026-04-09T15:59:59.999Z' },
              resolve: { due: '2026-04-16T15:59:59.999Z', unit: 'working_days', remindAt: '2026-04-17T15:59:59.999Z' },
            },
            resumedAt: '2026-04-08T02:00:00.000Z',
          },
        },
      ]);
  });

  it('lets the assignee resume', () =>
    given(filed, dispatched, paused)
      .when({ ...command, actor: company, at: '2026-03-02T01:30:00.000Z' })
      .then([{ type: 'ClockResumed', data: { taskId: 'task-1', deadlines: elevatorDeadlines, resumedAt: '2026-03-02T01:30:00.000Z' } }]));

  it('refuses staff of another community', () => given(filed, dispatched, paused).when({ ...command, actor: foreignStaff }).thenRefused('forbidden', /only staff of community/));
  it('refuses another company', () => given(filed, dispatched, paused).when({ ...command, actor: foreignCompany }).thenRefused('forbidden', /not assigned/));
  it('refuses a clock not paused', () => given(filed, dispatched).when(command).thenRefused('conflict', /clock of case case-1 is not paused/));
  it('refuses a company on a case with no task', () => given(filed).when({ ...command, actor: company }).thenRefused('conflict', /has no task/));
});

describe('EscalateCase', () => {
  const command: Command<'EscalateCase'> = { type: 'EscalateCase', ...by(center, ESCALATED_AT), reason: 'overdue' };

  it('moves an overdue case to the street, which renews only the open deadlines with its own limits', () =>
    given(filed, dispatched, signedFor, resolveReminded).when(command).then([escalatedToStreet]));

  it('escalates at escalateAt exactly', () =>
    given(filed, dispatched, signedFor, resolveReminded)
      .when({ ...command, at: '2026-03-12T15:59:59.999Z' })
      .then([
        {
          type: 'CaseEscalated',
          data: {
            ...escalatedToStreet.data,
            deadlines: {
              first_reply: { due: '2026-03-13T15:59:59.999Z', unit: 'working_days', remindAt: '2026-03-16T15:59:59.999Z' },
              resolve: { due: '2026-03-19T15:59:59.999Z', unit: 'working_days', remindAt: '2026-03-20T15:59:59.999Z' },
            },
            escalatedAt: '2026-03-12T15:59:59.999Z',
          },
        },
      ]));

  it('moves a case redone three times to the street, renewing the running task’s deadlines', () =>
    given(filed, dispatched, ...redoRound(1), ...redoRound(2), ...redoRound(3))
      .when({ ...command, reason: 'redone_three_times', at: MONDAY_16 })
      .then([
        {
          type: 'CaseEscalated',
          data: {
            fromTier: 'community',
            toTier: 'street',
            reason: 'redone_three_times',
            supervisorOrganisationId: ids.street,
            deadlines: streetDeadlinesOnMonday16,
            escalatedAt: MONDAY_16,
          },
        },
      ]));

  /** At the street, the task returned by three parties in turn. */
  const returnedByThree = [
    filed,
    dispatched,
    escalatedToStreet,
    returned('wrongly_routed'),
    redispatched('task-2', ids.neighbourCompany),
    returned('wrongly_routed', ids.neighbourCompany, 'task-2'),
    redispatched('task-3', ids.ownersCommittee, 'owners_committee'),
    returned('disputed_responsibility', ids.ownersCommittee, 'task-3'),
  ];

  it('moves a case returned by three parties from the street to the district; with no task running, no deadlines', () =>
    given(...returnedByThree)
      .when({ ...command, reason: 'returned_three_times' })
      .then([
        {
          type: 'CaseEscalated',
          data: { fromTier: 'street', toTier: 'district', reason: 'returned_three_times', supervisorOrganisationId: ids.district, escalatedAt: ESCALATED_AT },
        },
      ]));

  it('moves a case whose council did not decide by decideBy to the street', () =>
    given(...beforeCouncil)
      .when({ ...command, reason: 'council_timeout', at: '2026-03-18T15:59:59.999Z' })
      .then([
        {
          type: 'CaseEscalated',
          data: { fromTier: 'community', toTier: 'street', reason: 'council_timeout', supervisorOrganisationId: ids.street, escalatedAt: '2026-03-18T15:59:59.999Z' },
        },
      ]));

  it('refuses anyone but the center', () =>
    given(filed, dispatched, signedFor, resolveReminded).when({ ...command, actor: streetOfficer }).thenRefused('forbidden', /only the center moves a case/));
  it('refuses a case at the district', () =>
    given(filed, dispatched, signedFor, resolveReminded, escalatedToStreet, escalatedToDistrict)
      .when(command)
      .thenRefused('conflict', /already at the district, the highest tier/));
  it('refuses a case filed without its street and district', () =>
    given(legacyFiled(), dispatched, signedFor, resolveReminded).when(command).thenRefused('conflict', /filed without its street and district/));
  it('refuses overdue before escalateAt', () =>
    given(filed, dispatched, signedFor, resolveReminded)
      .when({ ...command, at: '2026-03-12T15:59:59.998Z' })
      .thenRefused('conflict', /has no deadline overdue past its follow-up/));
  it('refuses overdue when a deadline is only past due, not reminded', () =>
    given(filed, dispatched, signedFor).when(command).thenRefused('conflict', /no deadline overdue/));
  it('refuses overdue while the clock is paused', () =>
    given(filed, dispatched, signedFor, resolveReminded, { ...paused, data: { ...paused.data, pausedAt: '2026-03-12T01:00:00.000Z' } })
      .when(command)
      .thenRefused('conflict', /no deadline overdue/));
  it('refuses overdue once the task is resolved', () =>
    given(filed, dispatched, signedFor, resolveReminded, resolved).when(command).thenRefused('conflict', /no deadline overdue/));
  it('refuses redone_three_times after two redos', () =>
    given(filed, dispatched, ...redoRound(1), ...redoRound(2)).when({ ...command, reason: 'redone_three_times' }).thenRefused('conflict', /was redone 2 times/));
  it('refuses redone_three_times a second time', () =>
    given(filed, dispatched, ...redoRound(1), ...redoRound(2), ...redoRound(3), {
      type: 'CaseEscalated',
      data: { fromTier: 'community', toTier: 'street', reason: 'redone_three_times', supervisorOrganisationId: ids.street, escalatedAt: MONDAY_16 },
    })
      .when({ ...command, reason: 'redone_three_times' })
      .thenRefused('conflict', /was redone 3 times/));
  it('refuses returned_three_times when two parties returned it', () =>
    given(...returnedByThree.slice(0, -2)).when({ ...command, reason: 'returned_three_times' }).thenRefused('conflict', /returned by 2 parties/));
  it('counts the same party returning three times once', () =>
    given(filed, dispatched, returned('wrongly_routed'), redispatched('task-2', ids.company), returned('wrongly_routed', ids.company, 'task-2'), redispatched('task-3', ids.company), returned('wrongly_routed', ids.company, 'task-3'))
      .when({ ...command, reason: 'returned_three_times' })
      .thenRefused('conflict', /returned by 1 parties/));
  it('refuses returned_three_times a second time', () =>
    given(filed, dispatched, ...returnedByThree.slice(3), {
      type: 'CaseEscalated',
      data: { fromTier: 'community', toTier: 'street', reason: 'returned_three_times', supervisorOrganisationId: ids.street, escalatedAt: ESCALATED_AT },
    })
      .when({ ...command, reason: 'returned_three_times' })
      .thenRefused('conflict', /returned by 3 parties/));
  it('refuses council_timeout before decideBy', () =>
    given(...beforeCouncil).when({ ...command, reason: 'council_timeout', at: '2026-03-18T15:59:59.998Z' }).thenRefused('conflict', /has no council decision overdue/));
  it('refuses council_timeout once the council decided', () =>
    given(...beforeCouncil, convened, decided).when({ ...command, reason: 'council_timeout', at: '2026-03-19T01:00:00.000Z' }).thenRefused('conflict', /no council decision overdue/));
  it('refuses council_timeout a second time', () =>
    given(...beforeCouncil, {
      type: 'CaseEscalated',
      data: { fromTier: 'community', toTier: 'street', reason: 'council_timeout', supervisorOrganisationId: ids.street, escalatedAt: '2026-03-18T15:59:59.999Z' },
    })
      .when({ ...command, reason: 'council_timeout', at: '2026-03-20T01:00:00.000Z' })
      .thenRefused('conflict', /no council decision overdue/));
  it('refuses council_timeout when no council was asked', () =>
    given(filed, dispatched).when({ ...command, reason: 'council_timeout' }).thenRefused('conflict', /no council decision overdue/));
});

describe('ReferToCouncil', () => {
  const command: Command<'ReferToCouncil'> = {
    type: 'ReferToCouncil',
    ...by(center, '2026-03-04T02:00:00.000Z'),
    council: 'property_council',
    question: '3幢电梯维保责任属于北辰奥园物业还是卧城印象物业？',
  };

  it('puts a disputed return before the street’s property council, to decide within 10 working days', () =>
    given(filed, dispatched, signedFor, returned('disputed_responsibility')).when(command).then([referred]));
  it('lets the handling tier refer an owner-side dispute to the owners’-committee council', () =>
    given(filed, dispatched)
      .when({ ...command, actor: staff, council: 'owners_council' })
      .then([{ type: 'CaseReferredToCouncil', data: { ...referred.data, council: 'owners_council', councilId: ids.ownersCouncil } }]));

  it('refers to the council the directory says sits for the street now', () =>
    given(legacyFiled(), dispatched, signedFor, returned('disputed_responsibility'))
      .when({ ...command, councilId: 'property-council-2026' })
      .then([{ type: 'CaseReferredToCouncil', data: { ...referred.data, councilId: 'property-council-2026' } }]));

  it('refuses a case already before a council', () => given(...beforeCouncil).when(command).thenRefused('conflict', /cannot be referred to a council while before council/));
  it('refuses a case the council decided', () =>
    given(...beforeCouncil, convened, decided).when(command).thenRefused('conflict', /cannot be referred to a council while council decided/));
  it('refuses a duplicate', () => given(filed, linked).when(command).thenRefused('conflict', /while duplicate/));
  it('refuses the assignee', () =>
    given(filed, dispatched, returned('disputed_responsibility')).when({ ...command, actor: company }).thenRefused('forbidden', /handled at the community tier/));
  it('refuses without a question', () => given(filed, dispatched).when({ ...command, question: ' ' }).thenRefused('invalid', /the question the council is to decide/));
  it('refuses a council that does not sit for the street', () =>
    given(complaintFiled({ jurisdiction: { streetId: ids.street, districtId: ids.district, councils: { property_council: ids.propertyCouncil } } }))
      .when({ ...command, council: 'owners_council' })
      .thenRefused('conflict', /no owners council sits for the street of case case-1/));
  it('refuses a case filed without its street', () =>
    given(legacyFiled()).when(command).thenRefused('conflict', /no property council sits for the street/));
});

describe('ConveneCouncilSession', () => {
  const command: Command<'ConveneCouncilSession'> = {
    type: 'ConveneCouncilSession',
    ...by(propertyCouncilSecretary, '2026-03-05T02:00:00.000Z'),
    sessionId: 'session-1',
    members: [ids.company, ids.neighbourCompany],
    scheduledFor: '2026-03-10T06:00:00.000Z',
  };

  it('convenes a session of the council the case was referred to', () => given(...beforeCouncil).when(command).then([convened]));
  it('convenes a session for the same day', () =>
    given(...beforeCouncil)
      .when({ ...command, scheduledFor: '2026-03-05T02:00:00.000Z' })
      .then([{ type: 'CouncilSessionConvened', data: { ...convened.data, scheduledFor: '2026-03-05T02:00:00.000Z' } }]));

  it('refuses a case not before a council', () => given(filed, dispatched).when(command).thenRefused('conflict', /cannot be put before a council session while awaiting sign for/));
  it('refuses the secretary of the other council', () =>
    given(...beforeCouncil).when({ ...command, actor: ownersCouncilSecretary }).thenRefused('forbidden', /only the secretariat of council property-council/));
  it('refuses someone of the council’s organisation but not a council member', () =>
    given(...beforeCouncil).when({ ...command, actor: { ...streetOfficer, organisationId: ids.propertyCouncil } }).thenRefused('forbidden', /only the secretariat/));
  it('refuses a session without members', () => given(...beforeCouncil).when({ ...command, members: [] }).thenRefused('invalid', /needs its members/));
  it('refuses a session scheduled in the past', () =>
    given(...beforeCouncil).when({ ...command, scheduledFor: '2026-03-05T01:59:59.999Z' }).thenRefused('invalid', /cannot be scheduled in the past/));
});

describe('RecordCouncilDecision', () => {
  const command: Command<'RecordCouncilDecision'> = {
    type: 'RecordCouncilDecision',
    ...by(propertyCouncilSecretary, '2026-03-10T08:00:00.000Z'),
    decision: '由北辰奥园物业负责维修3幢电梯',
    assignee: { organisationId: ids.company, kind: 'property_company' },
    dueBy: '2026-03-20T10:00:00.000Z',
    vote: { for: 5, against: 1, abstain: 0 },
  };

  it('records who does what by when, with the vote', () => given(...beforeCouncil, convened).when(command).then([decided]));
  it('records a decision by consensus without a vote', () => {
    const { vote: _none, ...consensus } = decided.data;
    given(...beforeCouncil, convened)
      .when({ ...command, vote: undefined })
      .then([{ type: 'CouncilDecisionRecorded', data: consensus }]);
  });

  it('refuses a case not before a council', () => given(filed, dispatched).when(command).thenRefused('conflict', /cannot be decided by a council while awaiting sign for/));
  it('refuses the secretary of the other council', () =>
    given(...beforeCouncil, convened).when({ ...command, actor: ownersCouncilSecretary }).thenRefused('forbidden', /only the secretariat of council property-council/));
  it('refuses a decision before any session', () =>
    given(...beforeCouncil).when(command).thenRefused('conflict', /no session of council property-council has been convened for case case-1/));
  it('refuses a decision without its text', () => given(...beforeCouncil, convened).when({ ...command, decision: '' }).thenRefused('invalid', /a decision needs its text/));
  it('refuses a decision due when it is taken', () =>
    given(...beforeCouncil, convened).when({ ...command, dueBy: '2026-03-10T08:00:00.000Z' }).thenRefused('invalid', /a decision is due after it is taken/));
  it('refuses a tied vote', () =>
    given(...beforeCouncil, convened)
      .when({ ...command, vote: { for: 3, against: 3, abstain: 1 } })
      .thenRefused('invalid', /a vote of 3 for and 3 against carries no decision/));

  it('gives the task to a member of the session, such as the company next door', () => {
    const toNeighbour = { ...command, assignee: { organisationId: ids.neighbourCompany, kind: 'property_company' as const } };
    given(...beforeCouncil, convened)
      .when(toNeighbour)
      .then([{ type: 'CouncilDecisionRecorded', data: { ...decided.data, assignee: toNeighbour.assignee } }]);
  });
  it('gives the task to the compound’s owners’ committee, not a member of the property council', () => {
    const toCommittee = { ...command, assignee: { organisationId: ids.ownersCommittee, kind: 'owners_committee' as const } };
    given(...beforeCouncil, convened)
      .when(toCommittee)
      .then([{ type: 'CouncilDecisionRecorded', data: { ...decided.data, assignee: toCommittee.assignee } }]);
  });
  it('refuses an organisation that neither serves the compound nor sits on the council: it would read the resident in full', () =>
    given(...beforeCouncil, convened)
      .when({ ...command, assignee: { organisationId: ids.otherCompany, kind: 'property_company' } })
      .thenRefused('invalid', /pc-hushan-huayuan neither serves compound beichen-aoyuan nor sits on council property-council/));
});

describe('RecordCallBack', () => {
  const CALLED_BACK_AT = '2026-03-03T02:00:00.000Z';
  const command: Command<'RecordCallBack'> = { type: 'RecordCallBack', ...by(staff, CALLED_BACK_AT), outcome: 'satisfied', rating: 5 };
  const history = [filed, dispatched, signedFor, resolved];

  it('closes the case when the resident is satisfied', () =>
    given(...history)
      .when(command)
      .then([
        { type: 'CallBackRecorded', data: { outcome: 'satisfied', rating: 5, calledBackAt: CALLED_BACK_AT } },
        { type: 'CaseClosed', data: { reason: 'resident_satisfied', closedAt: CALLED_BACK_AT } },
      ]));
  it('leaves the case open for a redo when the resident is not satisfied', () =>
    given(...history).when({ ...command, outcome: 'not_satisfied', rating: 2, note: '电梯仍有异响' }).then([notSatisfied]));
  it('records an unreachable resident without closing the case, the first time', () =>
    given(...history).when({ ...command, outcome: 'unreachable', rating: undefined }).then([unreachable(CALLED_BACK_AT)]));
  it('records the second unreachable call-back without closing the case', () =>
    given(...history, unreachable('2026-03-02T09:00:00.000Z'))
      .when({ ...command, outcome: 'unreachable', rating: undefined })
      .then([unreachable(CALLED_BACK_AT)]));
  it('closes the case at the third unreachable call-back', () =>
    given(...history, unreachable('2026-03-02T09:00:00.000Z'), unreachable('2026-03-02T12:00:00.000Z'))
      .when({ ...command, outcome: 'unreachable', rating: undefined, note: '三次电话未接通' })
      .then([
        { type: 'CallBackRecorded', data: { outcome: 'unreachable', note: '三次电话未接通', calledBackAt: CALLED_BACK_AT } },
        { type: 'CaseClosed', data: { reason: 'resident_unreachable', closedAt: CALLED_BACK_AT } },
      ]));

  it('refuses staff of another community', () => given(...history).when({ ...command, actor: foreignStaff }).thenRefused('forbidden', /only staff of community xiangyuan/));
  it('refuses the assignee', () => given(...history).when({ ...command, actor: company }).thenRefused('forbidden', /only staff of community/));
  it('refuses before the task is resolved', () => given(filed, dispatched, signedFor).when(command).thenRefused('conflict', /cannot be called back while in progress/));
  it('refuses a rating from an unreachable resident', () =>
    given(...history).when({ ...command, outcome: 'unreachable', rating: 3 }).thenRefused('invalid', /an unreachable resident gives no rating/));
  it('refuses a call-back without a rating', () =>
    given(...history).when({ ...command, outcome: 'not_satisfied', rating: undefined }).thenRefused('invalid', /rating must be a whole number from 1 to 5/));
  it.each([0, 6, 3.5])('refuses a rating of %p', (rating) => given(...history).when({ ...command, rating }).thenRefused('invalid', /rating must be a whole number from 1 to 5/));

  describe('by the resident, on their own page', () => {
    const resident = residentActor(CASE_ID);
    const rated: Command<'RecordCallBack'> = { ...command, actor: resident };

    it('closes the case when they are satisfied, as staff’s call-back does', () =>
      given(...history)
        .when(rated)
        .then([
          { type: 'CallBackRecorded', data: { outcome: 'satisfied', rating: 5, calledBackAt: CALLED_BACK_AT } },
          { type: 'CaseClosed', data: { reason: 'resident_satisfied', closedAt: CALLED_BACK_AT } },
        ]));
    it('leaves the case open for a redo when they are not satisfied', () =>
      given(...history).when({ ...rated, outcome: 'not_satisfied', rating: 2, note: '电梯仍有异响' }).then([notSatisfied]));
    it('refuses the resident of another case', () =>
      given(...history).when({ ...rated, actor: residentActor('another-case') }).thenRefused('forbidden', /only staff of community xiangyuan or the case’s resident/));
    it('refuses a resident calling themself unreachable', () =>
      given(...history).when({ ...rated, outcome: 'unreachable', rating: undefined }).thenRefused('invalid', /a resident answering on their own page is not unreachable/));
    it('refuses before the task is resolved', () => given(filed, dispatched, signedFor).when(rated).thenRefused('conflict', /cannot be called back while in progress/));
    it('refuses a second rating once the case is closed', () =>
      given(...history, { type: 'CaseClosed', data: { reason: 'resident_satisfied', closedAt: CALLED_BACK_AT } }).when(rated).thenRefused('conflict', /is closed/));
  });
});

describe('OrderRedo', () => {
  const REDO_AT = '2026-03-03T02:30:00.000Z';
  const command: Command<'OrderRedo'> = { type: 'OrderRedo', ...by(center, REDO_AT) };
  /** Fresh deadlines from Tuesday 03-03 10:30 in China. */
  const redoDeadlines: TaskDeadlines = {
    sign_for: { due: '2026-03-03T04:30:00.000Z', unit: 'hours', remindAt: '2026-03-04T15:59:59.999Z' },
    first_reply: { due: '2026-03-04T15:59:59.999Z', unit: 'working_days', remindAt: '2026-03-05T15:59:59.999Z' },
    resolve: { due: '2026-03-04T02:30:00.000Z', unit: 'hours', remindAt: '2026-03-05T15:59:59.999Z' },
  };
  const redone = (redoCount: number): CaseEvent => ({
    type: 'TaskRedoOrdered',
    data: { taskId: 'task-1', assigneeOrganisationId: ids.company, redoCount, deadlines: redoDeadlines, orderedAt: REDO_AT },
  });

  it('sends the task back to the same assignee with fresh deadlines', () =>
    given(filed, dispatched, signedFor, resolved, notSatisfied).when(command).then([redone(1)]));
  it('counts the redos: the third', () =>
    given(filed, dispatched, ...redoRound(1), ...redoRound(2), signedFor, resolved, notSatisfied).when(command).then([redone(3)]));
  it('lets the handling staff order it', () => given(filed, dispatched, signedFor, resolved, notSatisfied).when({ ...command, actor: staff }).then([redone(1)]));

  it('refuses a case whose resident was not called back unsatisfied', () =>
    given(filed, dispatched, signedFor, resolved).when(command).thenRefused('conflict', /cannot be redone while resolved/));
  it('refuses the assignee', () =>
    given(filed, dispatched, signedFor, resolved, notSatisfied).when({ ...command, actor: company }).thenRefused('forbidden', /handled at the community tier/));
});

describe('WithdrawComplaint', () => {
  const command: Command<'WithdrawComplaint'> = { type: 'WithdrawComplaint', ...by(staff, '2026-03-02T04:00:00.000Z'), note: '居民表示电梯已自行恢复，撤回诉求' };
  const withdrawn: CaseEvent = { type: 'CaseClosed', data: { reason: 'withdrawn', note: '居民表示电梯已自行恢复，撤回诉求', closedAt: '2026-03-02T04:00:00.000Z' } };

  it('closes a filed case as withdrawn', () => given(filed).when(command).then([withdrawn]));
  it('closes a case whose task is running', () => given(filed, dispatched, signedFor).when(command).then([withdrawn]));
  it('closes a case at the street', () => given(filed, dispatched, escalatedToStreet).when(command).then([withdrawn]));

  it('refuses staff of another community', () => given(filed).when({ ...command, actor: foreignStaff }).thenRefused('forbidden', /only staff of community/));
  it('refuses a street officer', () => given(filed).when({ ...command, actor: streetOfficer }).thenRefused('forbidden', /only staff of community/));
  it('refuses without a note', () => given(filed).when({ ...command, note: '' }).thenRefused('invalid', /a withdrawal needs a note/));
});

describe('MergeCase', () => {
  const command: Command<'MergeCase'> = { type: 'MergeCase', ...by(staff, '2026-03-02T00:30:00.000Z'), primaryCaseId: 'case-0' };

  it('links a filed case to the case it duplicates', () => given(filed).when(command).then([linked]));
  it('links a case whose task is not signed for yet', () => given(filed, dispatched).when(command).then([linked]));

  it('refuses staff of another community', () => given(filed).when({ ...command, actor: foreignStaff }).thenRefused('forbidden', /only staff of community/));
  it('refuses a case in progress', () => given(filed, dispatched, signedFor).when(command).thenRefused('conflict', /cannot be merged into another case while in progress/));
  it('refuses a case already a duplicate', () => given(filed, linked).when(command).thenRefused('conflict', /while duplicate/));
  it('refuses to merge a case into itself', () => given(filed).when({ ...command, primaryCaseId: CASE_ID }).thenRefused('invalid', /cannot be merged into itself/));
});

describe('UnmergeCase', () => {
  const command: Command<'UnmergeCase'> = { type: 'UnmergeCase', ...by(staff, '2026-03-02T02:00:00.000Z') };

  it('unlinks a duplicate from its primary case', () =>
    given(filed, linked).when(command).then([{ type: 'CaseUnlinked', data: { primaryCaseId: 'case-0', unlinkedAt: '2026-03-02T02:00:00.000Z' } }]));

  it('refuses staff of another community', () => given(filed, linked).when({ ...command, actor: foreignStaff }).thenRefused('forbidden', /only staff of community/));
  it('refuses a case that is no duplicate', () => given(filed).when(command).thenRefused('conflict', /cannot be unmerged while filed/));
});

describe('CloseWithRuling', () => {
  const command: Command<'CloseWithRuling'> = { type: 'CloseWithRuling', ...by(streetOfficer, '2026-03-16T02:00:00.000Z'), ruling: '经街道协调，电梯由北辰奥园物业维修，费用由维修基金承担' };
  const ruled = (closedAt = '2026-03-16T02:00:00.000Z'): CaseEvent => ({
    type: 'CaseClosed',
    data: { reason: 'ruling', note: '经街道协调，电梯由北辰奥园物业维修，费用由维修基金承担', closedAt },
  });

  it('closes a case at the street with the street’s ruling', () => given(filed, dispatched, escalatedToStreet).when(command).then([ruled()]));
  it('closes a case at the district with the district’s ruling', () =>
    given(filed, dispatched, escalatedToStreet, escalatedToDistrict).when({ ...command, actor: districtOfficer }).then([ruled()]));

  it('refuses a case still at the community', () =>
    given(filed, dispatched).when({ ...command, actor: staff }).thenRefused('conflict', /only a supervising tier \(street or district\) closes a case with a ruling/));
  it('refuses another street', () =>
    given(filed, dispatched, escalatedToStreet).when({ ...command, actor: foreignStreetOfficer }).thenRefused('forbidden', /handled at the street tier by shushan/));
  it('refuses the district while the street handles the case', () =>
    given(filed, dispatched, escalatedToStreet).when({ ...command, actor: districtOfficer }).thenRefused('forbidden', /handled at the street tier/));
  it('refuses without a ruling', () => given(filed, dispatched, escalatedToStreet).when({ ...command, ruling: ' ' }).thenRefused('invalid', /a ruling needs its text/));
});

describe('ReopenCase', () => {
  const command: Command<'ReopenCase'> = { type: 'ReopenCase', ...by(streetOfficer, '2026-03-20T02:00:00.000Z'), reason: '居民反映电梯再次停运' };
  const reopened: CaseEvent = { type: 'CaseReopened', data: { reason: '居民反映电梯再次停运', reopenedAt: '2026-03-20T02:00:00.000Z' } };
  const closedHistory = [filed, dispatched, signedFor, resolved, closed()];

  it('reopens a closed case for the street supervising it', () => given(...closedHistory).when(command).then([reopened]));
  it('reopens a closed case for the district supervising it', () => given(...closedHistory).when({ ...command, actor: districtOfficer }).then([reopened]));
  it('reopens a withdrawn case', () => given(filed, closed('withdrawn')).when(command).then([reopened]));

  it('refuses a case that is not closed', () => given(filed, dispatched).when(command).thenRefused('conflict', /cannot be reopened while awaiting sign for/));
  it.each([
    ['community staff', staff],
    ['another street', foreignStreetOfficer],
    ['another district', foreignDistrictOfficer],
    ['the center', center],
    ['the assignee', company],
    ['an owners’ committee', foreignOwnersCommittee],
  ])('refuses %s', (_who, actor) =>
    given(...closedHistory).when({ ...command, actor }).thenRefused('forbidden', /only the street or district supervising case case-1 may do this/));
  it('refuses a case filed without its street and district', () =>
    given(legacyFiled(), closed('withdrawn')).when(command).thenRefused('forbidden', /only the street or district supervising/));
  it('refuses without a reason', () => given(...closedHistory).when({ ...command, reason: '' }).thenRefused('invalid', /reopening needs a reason/));
});

describe('ErasePersonalData', () => {
  const ERASED_AT = '2026-03-20T02:00:00.000Z';
  const command: Command<'ErasePersonalData'> = { type: 'ErasePersonalData', ...by(staff, ERASED_AT), subjectId: personalData.subjectId };
  const erased: CaseEvent = { type: 'PersonalDataErased', data: { subjectId: personalData.subjectId, keyId: personalData.keyId, erasedAt: ERASED_AT } };

  it('records the erasure on an open case', () => given(filed, dispatched).when(command).then([erased]));
  it('records it on a closed case', () => given(filed, dispatched, signedFor, resolved, closed()).when(command).then([erased]));
  it('records it on a duplicate', () => given(filed, linked).when(command).then([erased]));
  it('refuses staff of another community: each community erases its own cases', () =>
    given(filed).when({ ...command, actor: foreignStaff }).thenRefused('forbidden', /only staff of community xiangyuan take a resident’s request/));

  it('changes nothing else about the case', () => {
    const before = foldCase([filed, dispatched, signedFor]);
    const after = foldCase([filed, dispatched, signedFor, erased]);
    expect(after).toStrictEqual({ ...before, residentKey: { ...before.residentKey, erasedAt: ERASED_AT } });
  });

  it('refuses a second erasure', () => given(filed, erased).when(command).thenRefused('conflict', /personal data of case case-1 was already erased at 2026-03-20/));
  it('refuses another resident', () => given(filed).when({ ...command, subjectId: 'subject-li' }).thenRefused('invalid', /case case-1 is not a case of resident subject-li/));
  it('refuses a complaint filed in clear, before personal data was encrypted', () =>
    given(complaintFiled({ personalData: { clear: { name: '王阿姨', phone: '13800000000' } } }))
      .when(command)
      .thenRefused('conflict', /filed before personal data was encrypted/));
  it('refuses a case never filed', () => given().when(command).thenRefused('not_found', /case case-1 does not exist/));
  it.each([
    ['the assignee', company],
    ['the street', streetOfficer],
    ['the center', center],
    ['an auditor', { userId: 'u-audit', role: 'auditor', organisationId: ids.district } as Actor],
  ])('refuses %s', (_who, actor) => given(filed).when({ ...command, actor }).thenRefused('forbidden', /only staff of community xiangyuan take a resident’s request/));
});

describe('actors outside the case', () => {
  it.each<[string, CaseCommand]>([
    ['withdraw it', { type: 'WithdrawComplaint', ...by(residentActor(CASE_ID), DISPATCHED_AT), note: '不需要了' }],
    ['dispatch it', { type: 'DispatchTask', ...by(residentActor(CASE_ID), DISPATCHED_AT), taskId: 'task-1' }],
  ])('lets the resident of a case do nothing but rate it: not %s', (_what, command) => expect(() => decideCase(command, foldCase([filed]), clock)).toThrow(DomainError));
  it('lets no auditor act on a case', () =>
    given(filed).when({ type: 'DispatchTask', ...by({ userId: 'u-audit', role: 'auditor', organisationId: ids.community }, DISPATCHED_AT), taskId: 'task-1' }).thenRefused('forbidden', /handled at the community tier/));
  it('lets a neighbouring company act on the task once it holds it', () =>
    given(filed, redispatched('task-2', ids.neighbourCompany))
      .when({ type: 'SignForTask', ...by(neighbourCompany, '2026-03-02T02:00:00.000Z') })
      .then([{ type: 'TaskSignedFor', data: { taskId: 'task-2', signedForAt: '2026-03-02T02:00:00.000Z' } }]));
});
