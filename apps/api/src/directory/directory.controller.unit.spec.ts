import { DirectoryService } from '@yixin/directory';
import { controllerUnderTest, statusByRole, type ControllerUnderTest } from '@yixin/testing';
import { AuthGuard } from '../auth/auth.guard';
import { configureHttpApp } from '../http-app';
import { DirectoryController } from './directory.controller';

const directory: Partial<DirectoryService> = {
  organisationsOfKind: (kind) => (kind === 'community' ? [{ id: 'xiangyuan', kind, name: '湘源社区' } as never] : []),
};

describe('DirectoryController in isolation (a fake DirectoryService, the API’s guards, pipes and filters)', () => {
  const unders: ControllerUnderTest[] = [];
  const start = async (env: NodeJS.ProcessEnv) => {
    const under = await controllerUnderTest({ controllers: [DirectoryController], guards: [AuthGuard], providers: [{ provide: DirectoryService, useValue: directory }], env, configure: configureHttpApp });
    unders.push(under);
    return under;
  };
  afterAll(() => Promise.all(unders.map((under) => under.close())));

  it('lists the organisations to anyone signed in, to no one else', async () => {
    const under = await start({});
    expect(await statusByRole(under, 'GET', '/directory/organisations')).toEqual({
      anonymous: 401,
      community_staff: 200,
      property_company: 200,
      owners_committee: 200,
      council_member: 200,
      street_officer: 200,
      district_officer: 200,
      auditor: 200,
    });
    expect((await under.request('GET', '/directory/organisations', await under.tokenFor('auditor'))).body).toEqual([{ id: 'xiangyuan', kind: 'community', name: '湘源社区' }]);
    expect((await under.request('GET', '/directory/organisations', 'Bearer-less')).body).toEqual({ statusCode: 401, error: 'Unauthorized', message: 'the bearer token is invalid or expired' });
  });

  it('lists the demo users without a token, and none unless the demo data is seeded', async () => {
    const seeded = await start({ YIXIN_SEED_DEMO_DATA: 'true' });
    const demo = await seeded.request('GET', '/auth/demo-users');
    expect(demo.status).toBe(200);
    expect(demo.body).toEqual(expect.arrayContaining([expect.objectContaining({ username: expect.any(String), role: expect.any(String), isAdministrator: expect.any(Boolean) })]));
    const unseeded = await start({ YIXIN_SEED_DEMO_DATA: 'false' });
    expect(await unseeded.request('GET', '/auth/demo-users')).toMatchObject({ status: 200, body: [] });
  });
});
