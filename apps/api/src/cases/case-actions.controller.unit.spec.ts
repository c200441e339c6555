import { randomUUID } from 'node:crypto';
import { ExecuteCaseCommand } from '@yixin/cases';
import { DomainError } from '@yixin/domain';
import { setUpControllerUnderTest, statusByRole } from '@yixin/testing';
import { AuthGuard } from '../auth/auth.guard';
import { configureHttpApp } from '../http-app';
import { CaseActionsController } from './case-actions.controller';

const ASSIGNEES = ['property_company', 'owners_committee'];
const HANDLERS = ['community_staff', 'street_officer', 'district_officer'];
const OFFICERS = ['street_officer', 'district_officer'];

/** Who may ask for each action, spelled out here so that a change of a route's roles shows. */
const ACTIONS: Array<[string, string[]]> = [
  ['task/sign-for', ASSIGNEES],
  ['task/progress', ASSIGNEES],
  ['task/resolve', ASSIGNEES],
  ['evidence', ['community_staff']],
  ['task/return', ASSIGNEES],
  ['task/extension-request', ASSIGNEES],
  ['extension/grant', HANDLERS],
  ['extension/refuse', HANDLERS],
  ['deadline/extend', HANDLERS],
  ['clock/pause', ['community_staff', ...ASSIGNEES]],
  ['clock/resume', ['community_staff', ...ASSIGNEES]],
  ['return/reject', HANDLERS],
  ['redispatch', HANDLERS],
  ['council-referral', HANDLERS],
  ['council/session', ['council_member']],
  ['council/decision', ['council_member']],
  ['call-back', ['community_staff']],
  ['withdraw', ['community_staff']],
  ['merge', ['community_staff']],
  ['unmerge', ['community_staff']],
  ['ruling', OFFICERS],
  ['reopen', OFFICERS],
];

describe('CaseActionsController in isolation (fake buses, the API’s guards, pipes and filters)', () => {
  const caseId = randomUUID();
  const under = setUpControllerUnderTest({
    controllers: [CaseActionsController],
    guards: [AuthGuard],
    configure: configureHttpApp,
    beforeEach: ({ commandBus }) => (commandBus.answer = () => ({ caseId, revision: 2, state: { status: 'in_progress' }, appended: true })),
  });

  it.each(ACTIONS)('lets only its roles ask for %s (401 without a token, 403 for the others)', async (action, roles) => {
    // An empty body: the roles allowed reach the route (its validation may then refuse the body), the others are stopped before.
    const statuses = await statusByRole(under, 'POST', `/cases/${caseId}/${action}`, {});
    expect(statuses.anonymous).toBe(401);
    const { anonymous: _anonymous, ...byRole } = statuses;
    const allowed = Object.entries(byRole).filter(([, status]) => status !== 403).map(([role]) => role);
    expect(allowed.sort()).toEqual([...roles].sort());
    expect(Object.values(byRole).every((status) => [200, 400, 403].includes(status))).toBe(true);
  });

  it('dispatches the action to the command bus as the domain command, for the caller and the case', async () => {
    const token = await under.tokenFor('property_company', { organisationId: 'wanke', userId: 'u-1' });
    const answer = await under.request('POST', `/cases/${caseId}/task/progress`, token, { note: '已联系维保单位' });
    expect(answer).toMatchObject({ status: 200, body: { caseId, revision: 2, status: 'in_progress', appended: true } });
    expect(under.commandBus.executed).toEqual([expect.any(ExecuteCaseCommand)]);
    expect((under.commandBus.executed[0] as ExecuteCaseCommand).command).toMatchObject({
      type: 'ReportProgress',
      caseId,
      actor: { userId: 'u-1', role: 'property_company', organisationId: 'wanke' },
      note: '已联系维保单位',
    });
  });

  it('refuses bad bodies with 400 in the API’s format and dispatches nothing', async () => {
    const staff = await under.tokenFor('community_staff');
    const company = await under.tokenFor('property_company');
    const refusals = [
      await under.request('POST', `/cases/${caseId}/task/progress`, company, { note: '', extra: true }),
      await under.request('POST', `/cases/${caseId}/task/extension-request`, company, { reason: '材料未到', extension: { hours: 4, workingDays: 1 } }),
      await under.request('POST', `/cases/${caseId}/merge`, staff, { primaryCaseId: 'case-1' }),
      await under.request('POST', `/cases/not-a-uuid/withdraw`, staff, { note: '居民撤回' }),
    ];
    for (const refusal of refusals) expect(refusal).toMatchObject({ status: 400, body: { statusCode: 400, error: 'Bad Request' } });
    expect(refusals[0].body.message).toEqual(expect.arrayContaining(['property extra should not exist']));
    expect(refusals[1].body.message).toEqual(['extension must have exactly one of hours or workingDays']);
    expect(refusals[2].body.message).toEqual(['primaryCaseId must be a UUID']);
    expect(refusals[3].body.message).toBe('caseId must be a UUID');
    expect(under.commandBus.executed).toEqual([]);
  });

  it('answers the domain’s refusals with their status: another organisation’s task 403, an unknown case 404, a wrong moment 409', async () => {
    const token = await under.tokenFor('property_company');
    for (const [kind, status] of [['forbidden', 403], ['not_found', 404], ['conflict', 409]] as const) {
      under.commandBus.answer = () => {
        throw new DomainError(kind, `refused: ${kind}`);
      };
      const answer = await under.request('POST', `/cases/${caseId}/task/sign-for`, token);
      expect(answer).toMatchObject({ status, body: { statusCode: status, message: `refused: ${kind}` } });
    }
  });
});
