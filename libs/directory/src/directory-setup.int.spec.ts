import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteDatabase } from '@yixin/event-store';
import { SqliteSqlDatabase } from '@yixin/stores';
import { DEMO_ORGANISATIONS } from './demo-directory';
import { DIRECTORY_SCHEMA, DirectoryService } from './directory.service';
import type { Organisation, OrganisationKind } from './organisation';
import { verifyPassword } from './password';
import { addUserAccessColumns } from './user-access';
import { createAdministrator } from './user-administration';

/** The first organisations and administrator of a deployment without the demo directory, on a SQLite file. */
describe('setting up the directory outside the demo', () => {
  let dir: string;
  let db: SqliteSqlDatabase;
  let directory: DirectoryService;
  const password = 'Xiaoshan-admin-2026';

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'yixin-directory-'));
    db = new SqliteSqlDatabase(openSqliteDatabase(join(dir, 'read.sqlite')));
    await db.executeScript(DIRECTORY_SCHEMA);
    await addUserAccessColumns(db);
    directory = new DirectoryService(db);
    await directory.load();
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const snapshot = async () => ({
    organisations: await db.query('SELECT * FROM organisations ORDER BY id'),
    users: await db.query('SELECT * FROM users ORDER BY username'),
  });

  async function addStreet(): Promise<void> {
    await directory.addOrganisation({ id: 'xiaoshan', kind: 'district', name: '萧山区住建局' });
    await directory.addOrganisation({ id: 'shushan', kind: 'street', name: '蜀山街道', parentId: 'xiaoshan' });
  }

  describe('addOrganisation', () => {
    it('builds the demo directory, so the tree it checks is the one the rest of the directory walks', async () => {
      // Parents first; a compound after the property company serving it.
      const order: OrganisationKind[] = ['district', 'street', 'center', 'property_council', 'owners_council', 'community', 'property_company', 'compound', 'owners_committee'];
      const byKind = [...DEMO_ORGANISATIONS].sort((a, b) => order.indexOf(a.kind) - order.indexOf(b.kind));
      for (const organisation of byKind) await directory.addOrganisation(organisation);

      expect(directory.findCompound('beichen-aoyuan')).toEqual({
        id: 'beichen-aoyuan',
        communityId: 'xiangyuan',
        propertyCompanyId: 'pc-beichen-aoyuan',
        ownersCommitteeId: 'oc-beichen-aoyuan',
        jurisdiction: { streetId: 'shushan', districtId: 'xiaoshan', councils: { property_council: 'property-council', owners_council: 'owners-council' } },
      });
      const reloaded = new DirectoryService(db);
      await reloaded.load();
      expect(reloaded.findOrganisation('pc-beichen-aoyuan')).toEqual(DEMO_ORGANISATIONS.find((o) => o.id === 'pc-beichen-aoyuan'));
    });

    it.each<[string, Organisation, RegExp]>([
      ['a district under something', { id: 'x', kind: 'district', name: 'x', parentId: 'xiaoshan' }, /a district has no parent/],
      ['a street without its district', { id: 'x', kind: 'street', name: 'x' }, /a street needs its parent, a district/],
      ['a community under a district', { id: 'x', kind: 'community', name: 'x', parentId: 'xiaoshan' }, /the parent of a community is a street; xiaoshan is a district/],
      ['a parent that is not there', { id: 'x', kind: 'community', name: 'x', parentId: 'nowhere' }, /nowhere is not in the directory/],
      ['a compound without its property company', { id: 'x', kind: 'compound', name: 'x', parentId: 'hushan' }, /a compound needs its property company/],
      ['a property company of a community', { id: 'x', kind: 'community', name: 'x', parentId: 'shushan', propertyCompanyId: 'pc' }, /a community has no property company/],
      ['an unknown kind', { id: 'x', kind: 'ministry' as OrganisationKind, name: 'x' }, /kind is one of district, street, .*not ministry/],
      ['an id with spaces', { id: 'Hu Shan', kind: 'community', name: 'x', parentId: 'shushan' }, /an organisation id is 1 to 64 of a-z 0-9/],
      ['a blank name', { id: 'x', kind: 'community', name: ' ', parentId: 'shushan' }, /needs a name/],
      ['an id that is taken', { id: 'shushan', kind: 'street', name: '另一个', parentId: 'xiaoshan' }, /organisation shushan exists/],
    ])('refuses %s and changes nothing', async (_, organisation, message) => {
      await addStreet();
      await directory.addOrganisation({ id: 'hushan', kind: 'community', name: '湖山社区', parentId: 'shushan' });
      const before = await snapshot();
      await expect(directory.addOrganisation(organisation)).rejects.toThrow(message);
      expect(await snapshot()).toEqual(before);
      expect(directory.findOrganisation('shushan')?.name).toBe('蜀山街道');
    });
  });

  describe('createAdministrator', () => {
    beforeEach(addStreet);

    it('makes an administrator of the organisation who signs in with the password given, stored only hashed', async () => {
      const admin = await createAdministrator(db, directory, { organisationId: 'xiaoshan', username: 'admin.xiaoshan', password });
      expect(admin).toEqual({
        username: 'admin.xiaoshan',
        userId: expect.stringMatching(/^user-/),
        displayName: 'admin.xiaoshan',
        role: 'district_officer',
        organisationId: 'xiaoshan',
        isAdministrator: true,
        disabled: false,
      });
      const found = await directory.findUserWithPasswordHash('admin.xiaoshan');
      expect(found).toMatchObject({ user: { userId: admin.userId, isAdministrator: true }, disabled: false });
      expect(found!.passwordHash).not.toContain(password);
      expect(await verifyPassword(password, found!.passwordHash)).toBe(true);
    });

    it('takes a display name and a role the organisation’s kind allows', async () => {
      const auditor = await createAdministrator(db, directory, { organisationId: 'xiaoshan', username: 'audit.admin', displayName: '审计管理员', role: 'auditor', password });
      expect(auditor).toMatchObject({ displayName: '审计管理员', role: 'auditor', isAdministrator: true });
    });

    it.each<[string, Partial<Parameters<typeof createAdministrator>[2]>, RegExp]>([
      ['an unknown organisation', { organisationId: 'nowhere' }, /organisation nowhere not found/],
      ['a username that is taken', { username: 'admin.shushan' }, /the username admin.shushan is taken/],
      ['an empty password', { password: '' }, /at least 10 characters/],
      ['a weak password', { password: 'abcdefghijkl' }, /at least two of letters, digits and other characters/],
      ['a password holding the username', { username: 'admin.other', password: 'admin.other-2026' }, /must not contain the username/],
      ['a password longer than sign-in reads', { password: `${'Ab1-'.repeat(50)}x` }, /at most 200 characters/],
      ['a username the API would refuse', { username: 'Admin Shushan' }, /username must be 3 to 64 of a-z 0-9/],
      ['a blank display name', { displayName: '  ' }, /displayName must be 1 to 100 characters, not blank/],
      ['a role the organisation has not', { role: 'community_staff' }, /a user of shushan has the role street_officer, not community_staff/],
    ])('refuses %s and changes nothing', async (_, changes, message) => {
      await createAdministrator(db, directory, { organisationId: 'shushan', username: 'admin.shushan', password });
      const before = await snapshot();
      const refused = createAdministrator(db, directory, { organisationId: 'shushan', username: 'admin.other', password, ...changes });
      await expect(refused).rejects.toThrow(message);
      expect(await snapshot()).toEqual(before);
    });

    it('refuses an organisation that has no users of its own', async () => {
      await directory.addOrganisation({ id: 'shushan-center', kind: 'center', name: '服务中心', parentId: 'shushan' });
      await expect(createAdministrator(db, directory, { organisationId: 'shushan-center', username: 'admin.center', password })).rejects.toThrow(
        /a center has no users of its own/,
      );
    });
  });
});
