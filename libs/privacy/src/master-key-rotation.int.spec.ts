import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteDatabase } from '@yixin/event-store';
import type { YixinConfig } from '@yixin/config';
import { SqliteSqlDatabase, type SqlDatabase } from '@yixin/stores';
import { rotateMasterKey } from './master-key-rotation';
import { createPersonalDataKeyTables, PersonalDataKeys } from './personal-data-keys';

const AT = '2026-03-02T00:30:00.000Z';
const LATER = '2026-03-20T02:00:00.000Z';

/** Rotating the master key on a SQLite file; the end-to-end suite runs the CLI on PostgreSQL too. */
describe('rotateMasterKey', () => {
  let dir: string;
  let db: SqliteSqlDatabase;
  const oldKey = randomBytes(32);
  const newKey = randomBytes(32);
  const keysUnder = (piiMasterKey: Buffer) => new PersonalDataKeys(db, { piiMasterKey } as YixinConfig);

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'yixin-rotation-'));
    db = new SqliteSqlDatabase(openSqliteDatabase(join(dir, 'read.sqlite')));
    await createPersonalDataKeyTables(db);
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** The record store with another batch: to fail the rotation's transaction, or to do what another process does meanwhile. */
  const withBatch = (batch: SqlDatabase['batch']): SqlDatabase => ({
    dialect: db.dialect,
    query: (sql, params) => db.query(sql, params),
    executeScript: (script) => db.executeScript(script),
    batch,
  });

  const keyTables = async () => ({
    keys: await db.query('SELECT * FROM personal_data_keys ORDER BY key_id'),
    secrets: await db.query('SELECT * FROM personal_data_secrets ORDER BY name'),
  });

  /** Two residents with keys under the old master key, and a third whose key was erased. */
  async function residents() {
    const keys = keysUnder(oldKey);
    const [wang, li, zhao] = await Promise.all(['13800000000', '13900000000', '13700000000'].map((phone) => keys.subjectIdOf(phone)));
    const wangKey = await keys.currentKeyOf(wang, 'xiangyuan', AT);
    const liKey = await keys.currentKeyOf(li, 'xiangyuan', AT);
    const zhaoKey = await keys.currentKeyOf(zhao, 'xiangyuan', AT);
    await keys.erase(zhaoKey.keyId, LATER);
    return { wang, wangKey, liKey, zhaoKey };
  }

  it('rewraps every data key and the pseudonym key: under the new master key all opens as before, under the old nothing does', async () => {
    const { wang, wangKey, liKey, zhaoKey } = await residents();

    expect(await rotateMasterKey(db, oldKey, newKey)).toEqual({ rewrapped: 3, alreadyUnderNewKey: 0, erased: 1 });

    const rotated = keysUnder(newKey);
    await rotated.checkMasterKey();
    expect(await rotated.subjectIdOf('138 0000 0000')).toBe(wang);
    expect(await rotated.dataKey(wangKey.keyId)).toEqual(wangKey);
    expect(await rotated.dataKey(liKey.keyId)).toEqual(liKey);
    expect(await rotated.dataKey(zhaoKey.keyId)).toEqual({ keyId: zhaoKey.keyId, erasedAt: LATER });
    expect(await rotated.currentKeyOf(wang, 'xiangyuan', LATER)).toEqual(wangKey);

    await expect(keysUnder(oldKey).checkMasterKey()).rejects.toThrow(/does not open the keys/);
    await expect(keysUnder(oldKey).dataKey(wangKey.keyId)).rejects.toThrow(/does not open the keys/);
    const [erased] = await db.query<{ wrapped_key: string | null }>('SELECT wrapped_key FROM personal_data_keys WHERE key_id = ?', [zhaoKey.keyId]);
    expect(erased.wrapped_key).toBeNull();
  });

  it('refuses a current key that does not open the stored keys, and changes nothing', async () => {
    await residents();
    const before = await keyTables();
    await expect(rotateMasterKey(db, randomBytes(32), newKey)).rejects.toThrow(
      /YIXIN_PII_MASTER_KEY does not open 3 of the 3 wrapped keys .*Nothing was changed/,
    );
    expect(await keyTables()).toEqual(before);
    await expect(rotateMasterKey(db, oldKey, oldKey)).rejects.toThrow('the new master key is the current one');
    expect(await keyTables()).toEqual(before);
  });

  it('changes nothing when run again after it succeeded', async () => {
    const { wangKey } = await residents();
    await rotateMasterKey(db, oldKey, newKey);
    const rotated = await keyTables();

    expect(await rotateMasterKey(db, oldKey, newKey)).toEqual({ rewrapped: 0, alreadyUnderNewKey: 3, erased: 1 });
    expect(await keyTables()).toEqual(rotated);
    expect(await keysUnder(newKey).dataKey(wangKey.keyId)).toEqual(wangKey);
  });

  it('changes nothing when the transaction fails: the run is all or nothing', async () => {
    await residents();
    const before = await keyTables();
    // The last update of the transaction fails, as a lost connection or a full disk would make it.
    const failingLast = withBatch((statements) => db.batch([...statements, { sql: 'UPDATE no_such_table SET x = 1' }]));
    // Matched by message: better-sqlite3's native errors may come from another test file's realm, which `toThrow` does not take for errors.
    await expect(rotateMasterKey(failingLast, oldKey, newKey)).rejects.toMatchObject({ message: expect.stringMatching(/no such table/) });
    expect(await keyTables()).toEqual(before);
    expect(await rotateMasterKey(db, oldKey, newKey)).toEqual({ rewrapped: 3, alreadyUnderNewKey: 0, erased: 1 });
  });

  it('leaves erased a key erased while the keys were being rewrapped', async () => {
    const { wangKey } = await residents();
    const erasingMeanwhile = withBatch(async (statements) => {
      await keysUnder(oldKey).erase(wangKey.keyId, LATER);
      await db.batch(statements);
    });
    expect(await rotateMasterKey(erasingMeanwhile, oldKey, newKey)).toEqual({ rewrapped: 2, alreadyUnderNewKey: 0, erased: 2 });
    expect(await keysUnder(newKey).dataKey(wangKey.keyId)).toEqual({ keyId: wangKey.keyId, erasedAt: LATER });
  });

  it('fails when a key is written under the old master key meanwhile, and rewraps it when run again', async () => {
    await residents();
    let newResident: { keyId: string; key: Buffer } | undefined;
    const apiStillRunning = withBatch(async (statements) => {
      newResident = await keysUnder(oldKey).currentKeyOf('subject-of-a-new-resident', 'xiangyuan', LATER);
      await db.batch(statements);
    });
    await expect(rotateMasterKey(apiStillRunning, oldKey, newKey)).rejects.toThrow(
      /1 wrapped keys are still under the current master key.*Stop every API process and run the rotation again/,
    );

    expect(await rotateMasterKey(db, oldKey, newKey)).toEqual({ rewrapped: 1, alreadyUnderNewKey: 3, erased: 1 });
    expect(await keysUnder(newKey).dataKey(newResident!.keyId)).toEqual(newResident);
  });

  it('has nothing to do on a key store without keys', async () =>
    expect(await rotateMasterKey(db, oldKey, newKey)).toEqual({ rewrapped: 0, alreadyUnderNewKey: 0, erased: 0 }));
});
