import { DirectoryService, hashPassword } from '@yixin/directory';
import { setUpControllerUnderTest } from '@yixin/testing';
import { configureHttpApp } from '../http-app';
import { AuthController } from './auth.controller';
import { AuthGuard } from './auth.guard';

describe('AuthController in isolation (a fake DirectoryService, the API’s guards, pipes and filters)', () => {
  const asked: string[] = [];
  let passwordHash: Promise<string> | undefined;
  const directory: Partial<DirectoryService> = {
    findUserWithPasswordHash: async (username) => {
      asked.push(username);
      if (username !== 'staff.xiangyuan') return undefined;
      const user = { username, userId: 'u-staff', displayName: '网格员', role: 'community_staff', organisationId: 'xiangyuan' } as const;
      return { user, passwordHash: await (passwordHash ??= hashPassword('yixin-demo')), disabled: false, tokenGeneration: 0 };
    },
  };
  const under = setUpControllerUnderTest({
    controllers: [AuthController],
    guards: [AuthGuard],
    providers: [{ provide: DirectoryService, useValue: directory }],
    configure: configureHttpApp,
    beforeEach: () => (asked.length = 0),
  });

  it('signs in with the right password, and the token it gives is one the AuthGuard takes', async () => {
    const login = await under.request('POST', '/auth/login', undefined, { username: 'staff.xiangyuan', password: 'yixin-demo' });
    expect(login).toMatchObject({ status: 200, body: { userId: 'u-staff', role: 'community_staff', organisationId: 'xiangyuan', isAdministrator: false } });
    expect((await under.request('POST', '/auth/logout', login.body.accessToken)).status).toBe(204);
  });

  it('answers an unknown user and a wrong password alike, 401', async () => {
    for (const [username, password] of [['nobody', 'yixin-demo'], ['staff.xiangyuan', 'guess']]) {
      const answer = await under.request('POST', '/auth/login', undefined, { username, password });
      expect(answer.body).toEqual({ statusCode: 401, error: 'Unauthorized', message: 'unknown user or wrong password' });
    }
  });

  it('refuses a malformed login with 400 without asking the directory', async () => {
    const answer = await under.request('POST', '/auth/login', undefined, { username: '', password: 42, remember: true });
    expect(answer.body).toEqual({
      statusCode: 400,
      error: 'Bad Request',
      message: expect.arrayContaining(['property remember should not exist', 'username must be longer than or equal to 1 characters', 'password must be a string']),
    });
    expect(asked).toEqual([]);
  });

  it('signs out only a signed-in user', async () => {
    expect(await under.request('POST', '/auth/logout')).toMatchObject({ status: 401, body: { statusCode: 401, error: 'Unauthorized' } });
  });
});
