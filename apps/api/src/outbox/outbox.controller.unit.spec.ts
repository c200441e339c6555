import { DirectoryService, type Organisation } from '@yixin/directory';
import { LocalOutbox, type OutboxPage } from '@yixin/notifications';
import { PERSON_ROLES_UNDER_TEST, rolesAllowed, setUpControllerUnderTest, statusByRole } from '@yixin/testing';
import { AuthGuard } from '../auth/auth.guard';
import { configureHttpApp } from '../http-app';
import { OutboxController } from './outbox.controller';

describe('OutboxController in isolation (a fake LocalOutbox and directory, the API’s guards, pipes and filters)', () => {
  const asked: unknown[] = [];
  const page: OutboxPage = {
    items: [
      {
        id: '7',
        deliveryKey: 'case-1/1/resident_receipt/resident',
        channel: 'sms',
        recipient: '138****5678',
        template: 'resident_receipt',
        text: '您反映的问题已受理',
        createdAt: '2026-12-06T08:00:00.000Z',
      },
    ],
    nextCursor: '7',
  };
  const outbox: Partial<LocalOutbox> = { list: async (query) => (asked.push(query), page) };
  const organisations: Record<string, Organisation> = {
    xiaoshan: { id: 'xiaoshan', kind: 'district', name: '萧山区住建局' },
    'pc-beichen-aoyuan': { id: 'pc-beichen-aoyuan', kind: 'property_company', name: '北辰奥园物业服务中心', parentId: 'property-council' },
  };
  const directory: Partial<DirectoryService> = { findOrganisation: (id) => organisations[id] };
  const under = setUpControllerUnderTest({
    controllers: [OutboxController],
    guards: [AuthGuard],
    providers: [
      { provide: LocalOutbox, useValue: outbox },
      { provide: DirectoryService, useValue: directory },
    ],
    configure: configureHttpApp,
    beforeEach: () => (asked.length = 0),
  });
  const districtAdministrator = () => under.tokenFor('district_officer', { administrator: true, organisationId: 'xiaoshan' });

  it('is for administrators of an organisation, whatever their role: others 403, no token 401', async () => {
    expect(await statusByRole(under, 'GET', '/admin/outbox')).toEqual(rolesAllowed([]));
    expect(await statusByRole(under, 'GET', '/admin/outbox', undefined, { administrator: true })).toEqual(rolesAllowed(PERSON_ROLES_UNDER_TEST));
    const refused = await under.request('GET', '/admin/outbox', await under.tokenFor('district_officer', { organisationId: 'xiaoshan' }));
    expect(refused.body).toEqual({ statusCode: 403, error: 'Forbidden', message: 'this action is for administrators of an organisation' });
  });

  it('gives a district’s administrator every message, by channel and cursor, 20 to a page unless asked', async () => {
    const token = await districtAdministrator();
    const answer = await under.request('GET', '/admin/outbox?channel=sms&cursor=12&limit=5', token);
    expect(answer).toMatchObject({ status: 200, body: page });
    await under.request('GET', '/admin/outbox', token);
    expect(asked).toEqual([
      { channel: 'sms', cursor: '12', limit: 5 },
      { channel: undefined, cursor: undefined, limit: 20 },
    ]);
  });

  it('gives another organisation’s administrator only the WeCom messages to their organisation, no resident’s SMS', async () => {
    const token = await under.tokenFor('property_company', { administrator: true, organisationId: 'pc-beichen-aoyuan' });
    expect((await under.request('GET', '/admin/outbox?limit=10', token)).status).toBe(200);
    expect(asked).toEqual([{ channel: 'wecom', recipient: 'pc-beichen-aoyuan', cursor: undefined, limit: 10 }]);
    expect((await under.request('GET', '/admin/outbox?channel=sms', token)).body).toEqual({ items: [], nextCursor: null });
    expect(asked).toHaveLength(1);
  });

  it('refuses a bad channel, cursor or limit with 400, listing every problem, and asks the outbox nothing', async () => {
    const token = await districtAdministrator();
    const answer = await under.request('GET', '/admin/outbox?channel=email&cursor=abc&limit=0', token);
    expect(answer.body).toEqual({
      statusCode: 400,
      error: 'Bad Request',
      message: expect.arrayContaining([
        expect.stringMatching(/^channel must be one of/),
        'cursor must be the nextCursor of an earlier answer, unchanged',
        'limit must not be less than 1',
      ]),
    });
    for (const query of ['limit=101', 'limit=ten', 'cursor=0', 'cursor=99999999999999999']) {
      expect({ query, status: (await under.request('GET', `/admin/outbox?${query}`, token)).status }).toEqual({ query, status: 400 });
    }
    expect(asked).toEqual([]);
  });
});
