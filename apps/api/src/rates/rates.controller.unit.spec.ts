import { rolesAllowed, setUpControllerUnderTest, statusByRole } from '@yixin/testing';
import { AuthGuard } from '../auth/auth.guard';
import { configureHttpApp } from '../http-app';
import { RatesController } from './rates.controller';

describe('RatesController in isolation (fake buses, the API’s guards, pipes and filters)', () => {
  const under = setUpControllerUnderTest({
    controllers: [RatesController],
    guards: [AuthGuard],
    configure: configureHttpApp,
    beforeEach: ({ queryBus }) => (queryBus.answer = () => ({ units: [] })),
  });

  it('serves the rates to staff, property companies, officers and auditors', async () => {
    expect(await statusByRole(under, 'GET', '/rates?month=2026-03&level=community')).toEqual(
      rolesAllowed(['community_staff', 'property_company', 'street_officer', 'district_officer', 'auditor']),
    );
  });

  it('serves the ranking to officers and auditors', async () => {
    expect(await statusByRole(under, 'GET', '/rates/ranking?month=2026-03&level=property_company')).toEqual(rolesAllowed(['street_officer', 'district_officer', 'auditor']));
  });

  it('serves the case counts to staff, committees, officers and auditors', async () => {
    expect(await statusByRole(under, 'GET', '/rates/case-counts?by=category')).toEqual(rolesAllowed(['community_staff', 'owners_committee', 'street_officer', 'district_officer', 'auditor']));
  });

  it('refuses a malformed month, level, size or grouping with 400 and asks nothing', async () => {
    const auditor = await under.tokenFor('auditor');
    const rates = await under.request('GET', '/rates?month=2026-3&level=planet', auditor);
    expect(rates.body).toEqual({
      statusCode: 400,
      error: 'Bad Request',
      message: expect.arrayContaining(['month must be a month written YYYY-MM (e.g. 2026-03)', expect.stringMatching(/^level must be one of/)]),
    });
    const ranking = await under.request('GET', '/rates/ranking?month=2026-03&level=street&size=0', auditor);
    expect(ranking).toMatchObject({ status: 400, body: { statusCode: 400, error: 'Bad Request' } });
    const counts = await under.request('GET', '/rates/case-counts?by=colour&from=March', auditor);
    expect(counts.body.message).toEqual(expect.arrayContaining([expect.stringMatching(/^by must be one of/), 'from must be a month written YYYY-MM (e.g. 2026-03)']));
    expect(under.queryBus.executed).toEqual([]);
  });
});
