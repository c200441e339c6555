import { randomUUID } from 'node:crypto';
import { FileComplaintCommand, GetCaseQuery, ListCasesQuery, ListInboxQuery } from '@yixin/cases';
import { DomainError } from '@yixin/domain';
import { rolesAllowed, sampleComplaint, setUpControllerUnderTest, statusByRole } from '@yixin/testing';
import { AuthGuard } from '../auth/auth.guard';
import { configureHttpApp } from '../http-app';
import { CasesController } from './cases.controller';

const filed = (caseId: string) => ({ caseId, revision: 1, state: { status: 'dispatched' }, appended: true });

describe('CasesController in isolation (fake buses, the API’s guards, pipes and filters)', () => {
  const under = setUpControllerUnderTest({ controllers: [CasesController], guards: [AuthGuard], configure: configureHttpApp });

  it('files a complaint for community staff only, with no token 401', async () => {
    under.commandBus.answer = () => filed(randomUUID());
    expect(await statusByRole(under, 'POST', '/cases', sampleComplaint())).toEqual(rolesAllowed(['community_staff'], { status: 201 }));
    expect(under.commandBus.executed).toEqual([expect.any(FileComplaintCommand)]);
  });

  it('answers a forbidden role in the API’s error format, naming who may', async () => {
    const answer = await under.request('POST', '/cases', await under.tokenFor('auditor'), sampleComplaint());
    expect(answer.body).toEqual({ statusCode: 403, error: 'Forbidden', message: 'this action is for community_staff; you are auditor' });
  });

  it('refuses a token it did not sign, or none, with 401 before anything reaches a bus', async () => {
    const forged = await under.request('GET', '/cases', 'not.a.token');
    expect(forged).toMatchObject({ status: 401, body: { statusCode: 401, error: 'Unauthorized', message: 'the bearer token is invalid or expired' } });
    expect((await under.request('GET', '/cases/' + randomUUID())).status).toBe(401);
    expect(under.queryBus.executed).toEqual([]);
  });

  it('refuses a malformed complaint with 400, every problem listed, and dispatches nothing', async () => {
    const { description: _description, ...noDescription } = sampleComplaint();
    const answer = await under.request('POST', '/cases', await under.tokenFor('community_staff'), { ...noDescription, category: 'weather', unknown: 1 });
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual({
      statusCode: 400,
      error: 'Bad Request',
      message: expect.arrayContaining(['property unknown should not exist', expect.stringMatching(/^category must be one of/), expect.stringMatching(/^description/)]),
    });
    expect(under.commandBus.executed).toEqual([]);
  });

  it('refuses a batch without complaints with 400 and dispatches nothing', async () => {
    const answer = await under.request('POST', '/cases/batch', await under.tokenFor('community_staff'), { complaints: 'none' });
    expect(answer).toMatchObject({ status: 400, body: { statusCode: 400, error: 'Bad Request' } });
    expect(under.commandBus.executed).toEqual([]);
  });

  it('lists cases for staff, committees, officers and auditors; validates the filters and the page', async () => {
    under.queryBus.answer = () => ({ items: [], total: 0 });
    expect(await statusByRole(under, 'GET', '/cases')).toEqual(rolesAllowed(['community_staff', 'owners_committee', 'street_officer', 'district_officer', 'auditor']));
    expect(under.queryBus.executed.every((query) => query instanceof ListCasesQuery)).toBe(true);
    under.reset();
    const bad = await under.request('GET', '/cases?status=lost&limit=0', await under.tokenFor('auditor'));
    expect(bad).toMatchObject({ status: 400, body: { statusCode: 400, error: 'Bad Request', message: expect.arrayContaining([expect.stringMatching(/^status must be one of/), 'limit must not be less than 1']) } });
    expect(under.queryBus.executed).toEqual([]);
  });

  it('shows a case to anyone signed in, a case out of their scope 404 (the domain’s not_found), and refuses a malformed id with 400', async () => {
    const caseId = randomUUID();
    under.queryBus.answer = (query) => {
      if ((query as GetCaseQuery).viewer.role === 'property_company') throw new DomainError('not_found', `case ${caseId} not found`);
      return { caseId };
    };
    const statuses = await statusByRole(under, 'GET', `/cases/${caseId}`);
    expect(statuses).toMatchObject({ anonymous: 401, community_staff: 200, property_company: 404, auditor: 200 });
    const hidden = await under.request('GET', `/cases/${caseId}`, await under.tokenFor('property_company'));
    expect(hidden.body).toEqual({ statusCode: 404, error: 'not found', message: `case ${caseId} not found` });
    under.reset();
    const malformed = await under.request('GET', '/cases/42', await under.tokenFor('community_staff'));
    expect(malformed).toMatchObject({ status: 400, body: { statusCode: 400, error: 'Bad Request', message: 'caseId must be a UUID' } });
    expect(under.queryBus.executed).toEqual([]);
  });

  it('serves the inbox to property companies and owners’ committees only, and refuses a forged cursor with 400', async () => {
    under.queryBus.answer = () => ({ items: [] });
    expect(await statusByRole(under, 'GET', '/tasks/inbox')).toEqual(rolesAllowed(['property_company', 'owners_committee']));
    expect(under.queryBus.executed.every((query) => query instanceof ListInboxQuery)).toBe(true);
    under.reset();
    const forged = await under.request('GET', '/tasks/inbox?cursor=abc', await under.tokenFor('property_company'));
    expect(forged.body).toEqual({ statusCode: 400, error: 'Bad Request', message: ['cursor must be the nextCursor of an earlier answer, unchanged'] });
    expect(under.queryBus.executed).toEqual([]);
  });
});
