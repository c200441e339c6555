import { DirectoryService } from '@yixin/directory';
import { PERSON_ROLES_UNDER_TEST, rolesAllowed, setUpControllerUnderTest, statusByRole } from '@yixin/testing';
import { AuthGuard } from '../auth/auth.guard';
import { configureHttpApp } from '../http-app';
import { DirectoryController } from './directory.controller';

const directory: Partial<DirectoryService> = {
  organisationsOfKind: (kind) => (kind === 'community' ? [{ id: 'xiangyuan', kind, name: '湘源社区' } as never] : []),
};

describe('DirectoryController in isolation (a fake DirectoryService, the API’s guards, pipes and filters)', () => {
  const start = (env: NodeJS.ProcessEnv) =>
    setUpControllerUnderTest({ controllers: [DirectoryController], guards: [AuthGuard], providers: [{ provide: DirectoryService, useValue: directory }], env, configure: configureHttpApp });
  const under = start({});
  const seeded = start({ YIXIN_SEED_DEMO_DATA: 'true' });
  const unseeded = start({ YIXIN_SEED_DEMO_DATA: 'false' });

  it('lists the organisations to anyone signed in, to no one else', async () => {
    expect(await statusByRole(under, 'GET', '/directory/organisations')).toEqual(rolesAllowed(PERSON_ROLES_UNDER_TEST));
    expect((await under.request('GET', '/directory/organisations', await under.tokenFor('auditor'))).body).toEqual([{ id: 'xiangyuan', kind: 'community', name: '湘源社区' }]);
    expect((await under.request('GET', '/directory/organisations', 'Bearer-less')).body).toEqual({ statusCode: 401, error: 'Unauthorized', message: 'the bearer token is invalid or expired' });
  });

  it('lists the demo users without a token, and none unless the demo data is seeded', async () => {
    const demo = await seeded.request('GET', '/auth/demo-users');
    expect(demo.status).toBe(200);
    expect(demo.body).toEqual(expect.arrayContaining([expect.objectContaining({ username: expect.any(String), role: expect.any(String), isAdministrator: expect.any(Boolean) })]));
    expect(await unseeded.request('GET', '/auth/demo-users')).toMatchObject({ status: 200, body: [] });
  });
});
