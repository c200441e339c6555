import { UserAdministration } from '@yixin/directory';
import { PERSON_ROLES_UNDER_TEST, rolesAllowed, setUpControllerUnderTest, statusByRole } from '@yixin/testing';
import { AuthGuard } from '../auth/auth.guard';
import { configureHttpApp } from '../http-app';
import { AdminUsersController } from './admin-users.controller';

describe('AdminUsersController in isolation (a fake UserAdministration, the API’s guards, pipes and filters)', () => {
  const calls: Array<[string, ...unknown[]]> = [];
  const users: Partial<UserAdministration> = {
    listUsers: async (...args) => (calls.push(['listUsers', ...args]), []),
    createUser: async (...args) => (calls.push(['createUser', ...args]), { username: 'x' } as never),
    updateUser: async (...args) => (calls.push(['updateUser', ...args]), { username: 'x' } as never),
    resetPassword: async (...args) => void calls.push(['resetPassword', ...args]),
  };
  const under = setUpControllerUnderTest({
    controllers: [AdminUsersController],
    guards: [AuthGuard],
    providers: [{ provide: UserAdministration, useValue: users }],
    configure: configureHttpApp,
    beforeEach: () => (calls.length = 0),
  });

  it('is for administrators of an organisation, whatever their role: others 403, no token 401', async () => {
    expect(await statusByRole(under, 'GET', '/admin/users')).toEqual(rolesAllowed([]));
    expect(await statusByRole(under, 'GET', '/admin/users', undefined, { administrator: true })).toEqual(rolesAllowed(PERSON_ROLES_UNDER_TEST));
    const refused = await under.request('POST', '/admin/users/someone/password', await under.tokenFor('community_staff'), { password: 'a new one' });
    expect(refused.body).toEqual({ statusCode: 403, error: 'Forbidden', message: 'this action is for administrators of an organisation' });
    expect(calls.filter(([name]) => name !== 'listUsers')).toEqual([]);
  });

  it('hands a valid new user to the directory, for the administrator who asked', async () => {
    const token = await under.tokenFor('community_staff', { administrator: true, organisationId: 'xiangyuan', userId: 'admin-1' });
    const answer = await under.request('POST', '/admin/users', token, { username: 'staff2.xiangyuan', displayName: '网格员', role: 'community_staff', password: 'yixin-demo' });
    expect(answer.status).toBe(201);
    expect(calls).toEqual([
      ['createUser', { userId: 'admin-1', role: 'community_staff', organisationId: 'xiangyuan' }, expect.objectContaining({ username: 'staff2.xiangyuan', role: 'community_staff' })],
    ]);
  });

  it('refuses bad users, empty changes and empty passwords with 400, changing nothing', async () => {
    const token = await under.tokenFor('community_staff', { administrator: true });
    const badUser = await under.request('POST', '/admin/users', token, { username: '-x', displayName: ' ', role: 'system', password: '' });
    expect(badUser.body).toEqual({
      statusCode: 400,
      error: 'Bad Request',
      message: expect.arrayContaining([
        'username must be 3 to 64 of a-z 0-9 . _ - and start with a letter or digit',
        'displayName must not be blank',
        expect.stringMatching(/^role must be one of/),
        'password must be longer than or equal to 1 characters',
      ]),
    });
    const noChange = await under.request('PATCH', '/admin/users/staff2.xiangyuan', token, {});
    expect(noChange.body).toEqual({ statusCode: 400, error: 'Bad Request', message: ['give at least one of displayName, disabled, isAdministrator'] });
    const badFlag = await under.request('PATCH', '/admin/users/staff2.xiangyuan', token, { disabled: 'yes' });
    expect(badFlag).toMatchObject({ status: 400, body: { message: ['disabled must be a boolean value'] } });
    const noPassword = await under.request('POST', '/admin/users/staff2.xiangyuan/password', token, {});
    expect(noPassword).toMatchObject({ status: 400, body: { statusCode: 400, error: 'Bad Request' } });
    expect(calls).toEqual([]);
  });
});
