import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { openSqliteDatabase } from '@yixin/event-store';
import type { YixinConfig } from '@yixin/config';
import { SqliteSqlDatabase } from '@yixin/stores';
import { createPersonalDataKeyTables, PersonalDataKeys } from './personal-data-keys';

const AT = '2026-03-02T00:30:00.000Z';
const LATER = '2026-03-20T02:00:00.000Z';

/** The key store on a SQLite record store of its own; PostgreSQL runs the same SQL in the end-to-end suites. */
describe('PersonalDataKeys', () => {
  let dir: string;
  let db: SqliteSqlDatabase;
  const masterKey = randomBytes(32);
  const keysWith = (piiMasterKey: Buffer | undefined) => new PersonalDataKeys(db, { piiMasterKey } as YixinConfig);

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'yixin-keys-'));
    db = new SqliteSqlDatabase(openSqliteDatabase(join(dir, 'read.sqlite')));
    await createPersonalDataKeyTables(db);
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('gives a resident one key for all their cases in a community, stored only wrapped', async () => {
    const keys = keysWith(masterKey);
    const subjectId = await keys.subjectIdOf('13800000000');
    const first = await keys.currentKeyOf(subjectId, 'xiangyuan', AT);
    const second = await keys.currentKeyOf(subjectId, 'xiangyuan', LATER);
    expect(second).toEqual(first);
    expect(first.key).toHaveLength(32);
    expect(await keys.dataKey(first.keyId)).toEqual(first);
    const [row] = await db.query<{ wrapped_key: string }>('SELECT wrapped_key FROM personal_data_keys');
    expect(row.wrapped_key).not.toContain(first.key.toString('base64'));
  });

  it('gives the resident another key in another community, so that each community erases its own cases', async () => {
    const keys = keysWith(masterKey);
    const subjectId = await keys.subjectIdOf('13800000000');
    const xiangyuan = await keys.currentKeyOf(subjectId, 'xiangyuan', AT);
    const hushan = await keys.currentKeyOf(subjectId, 'hushan', AT);
    expect(hushan.keyId).not.toBe(xiangyuan.keyId);
    await keys.erase(xiangyuan.keyId, LATER);
    expect(await keys.dataKey(hushan.keyId)).toEqual(hushan);
    expect(await keys.currentKeyOf(subjectId, 'hushan', LATER)).toEqual(hushan);
  });

  it('keeps the keys of a record store made before keys had a community, and gives its residents keys per community', async () => {
    const oldDb = new SqliteSqlDatabase(openSqliteDatabase(join(dir, 'old.sqlite')));
    await oldDb.executeScript(`
      CREATE TABLE personal_data_keys (key_id TEXT PRIMARY KEY, subject_id TEXT NOT NULL, wrapped_key TEXT, created_at TEXT NOT NULL, erased_at TEXT);
      CREATE UNIQUE INDEX personal_data_keys_current ON personal_data_keys (subject_id) WHERE erased_at IS NULL;
      INSERT INTO personal_data_keys (key_id, subject_id, wrapped_key, created_at) VALUES ('shared-key', 'subject-1', 'wrapped', '${AT}')`);
    await createPersonalDataKeyTables(oldDb);
    await createPersonalDataKeyTables(oldDb);
    const keys = new PersonalDataKeys(oldDb, { piiMasterKey: masterKey } as YixinConfig);
    const { keyId } = await keys.currentKeyOf('subject-1', 'xiangyuan', LATER);
    expect(keyId).not.toBe('shared-key');
    expect(await oldDb.query('SELECT key_id, community_id FROM personal_data_keys ORDER BY created_at')).toEqual([
      { key_id: 'shared-key', community_id: null },
      { key_id: keyId, community_id: 'xiangyuan' },
    ]);
  });

  it('keeps residents’ pseudonyms across processes: the pseudonym key is stored, wrapped', async () => {
    const subjectId = await keysWith(masterKey).subjectIdOf('13800000000');
    expect(await keysWith(masterKey).subjectIdOf('138 0000 0000')).toBe(subjectId);
  });

  it('erases a key for good; a resident who files again in the community gets a new one', async () => {
    const keys = keysWith(masterKey);
    const subjectId = await keys.subjectIdOf('13800000000');
    const before = await keys.currentKeyOf(subjectId, 'xiangyuan', AT);
    await keys.erase(before.keyId, LATER);
    expect(await keys.dataKey(before.keyId)).toEqual({ keyId: before.keyId, erasedAt: LATER });
    expect(await keys.erasedAt(before.keyId)).toBe(LATER);
    const [row] = await db.query<{ wrapped_key: string | null }>('SELECT wrapped_key FROM personal_data_keys WHERE key_id = ?', [before.keyId]);
    expect(row.wrapped_key).toBeNull();

    await keys.erase(before.keyId, '2026-04-01T00:00:00.000Z');
    expect(await keys.erasedAt(before.keyId)).toBe(LATER);

    const after = await keys.currentKeyOf(subjectId, 'xiangyuan', '2026-04-02T00:00:00.000Z');
    expect(after.keyId).not.toBe(before.keyId);
    expect(await keys.erasedAt(after.keyId)).toBeUndefined();
  });

  it('lists a resident’s cases under a community’s keys and under keys shared by every community, and the cases under a key', async () => {
    const keys = keysWith(masterKey);
    const xiangyuan = await keys.currentKeyOf('subject-1', 'xiangyuan', AT);
    const hushan = await keys.currentKeyOf('subject-1', 'hushan', AT);
    await db.batch([{ sql: "INSERT INTO personal_data_keys (key_id, subject_id, wrapped_key, created_at) VALUES ('shared-key', 'subject-1', 'wrapped', ?)", params: [AT] }]);
    await keys.recordCase('case-b', 'subject-1', xiangyuan.keyId);
    await keys.recordCase('case-a', 'subject-1', xiangyuan.keyId);
    await keys.recordCase('case-c', 'subject-1', hushan.keyId);
    await keys.recordCase('case-d', 'subject-1', 'shared-key');
    await keys.recordCase('case-e', 'subject-2', (await keys.currentKeyOf('subject-2', 'xiangyuan', AT)).keyId);
    expect(await keys.casesOf('subject-1', 'xiangyuan')).toEqual(['case-a', 'case-b', 'case-d']);
    expect(await keys.casesOf('subject-1', 'hushan')).toEqual(['case-c', 'case-d']);
    expect(await keys.casesUnder(xiangyuan.keyId)).toEqual(['case-a', 'case-b']);
  });

  it('says when the master key is missing or not the one the keys were wrapped with', async () => {
    const keys = keysWith(masterKey);
    const { keyId } = await keys.currentKeyOf(await keys.subjectIdOf('13800000000'), 'xiangyuan', AT);
    await expect(keysWith(undefined).checkMasterKey()).rejects.toThrow(/YIXIN_PII_MASTER_KEY must be set/);
    await expect(keysWith(randomBytes(32)).checkMasterKey()).rejects.toThrow(/YIXIN_PII_MASTER_KEY does not open the keys in the record store/);
    await expect(keysWith(randomBytes(32)).dataKey(keyId)).rejects.toThrow(/not the master key they were wrapped with/);
  });

  it('tells an unknown key from an erased one', async () =>
    expect(keysWith(masterKey).erasedAt('no-such-key')).rejects.toThrow('the key store holds no data key no-such-key'));
});
