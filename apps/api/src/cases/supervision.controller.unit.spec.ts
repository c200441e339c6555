import { rolesAllowed, setUpControllerUnderTest, statusByRole } from '@yixin/testing';
import { AuthGuard } from '../auth/auth.guard';
import { configureHttpApp } from '../http-app';
import { SupervisionController } from './supervision.controller';

describe('SupervisionController in isolation (fake buses, the API’s guards, pipes and filters)', () => {
  const under = setUpControllerUnderTest({
    controllers: [SupervisionController],
    guards: [AuthGuard],
    configure: configureHttpApp,
    beforeEach: ({ queryBus }) => (queryBus.answer = () => ({ items: [], total: 0 })),
  });

  it('serves the supervision queues to street and district officers only', async () => {
    expect(await statusByRole(under, 'GET', '/supervision?queue=overdue')).toEqual(rolesAllowed(['street_officer', 'district_officer']));
  });

  it('serves the councils’ agenda to council members only', async () => {
    expect(await statusByRole(under, 'GET', '/councils/agenda')).toEqual(rolesAllowed(['council_member']));
  });

  it('refuses an unknown queue or a page out of range with 400 and asks nothing', async () => {
    const officer = await under.tokenFor('street_officer');
    const noQueue = await under.request('GET', '/supervision', officer);
    expect(noQueue).toMatchObject({ status: 400, body: { statusCode: 400, error: 'Bad Request', message: [expect.stringMatching(/^queue must be one of/)] } });
    const badPage = await under.request('GET', '/councils/agenda?limit=500&offset=-1', await under.tokenFor('council_member'));
    expect(badPage).toMatchObject({ status: 400, body: { message: expect.arrayContaining(['limit must not be greater than 200']) } });
    expect(under.queryBus.executed).toEqual([]);
  });
});
