import type { SqlDatabase } from '@yixin/stores';
import { open, seal, type Sealed } from './personal-data-crypto';
import { dataKeyWrappingContext, secretWrappingContext } from './personal-data-keys';

export interface MasterKeyRotation {
  /** Data keys and secrets this run moved from the current master key to the new one. */
  rewrapped: number;
  /** Found under the new master key already (by an earlier run) and left as they were. */
  alreadyUnderNewKey: number;
  /** Erased data keys: nothing to rewrap, and they stay erased. */
  erased: number;
}

/** One wrapped value of the key tables: a data key or a secret. */
interface WrappedRow {
  table: 'personal_data_keys' | 'personal_data_secrets';
  id: string;
  wrapped: string;
  context: string;
}

interface KeyStoreByMasterKey {
  underCurrentKey: WrappedRow[];
  underNewKey: WrappedRow[];
  /** Opened by neither key: the "current" key is not the one they were wrapped with, or they were altered. */
  underNeither: WrappedRow[];
  erased: number;
}

const REWRAP = {
  personal_data_keys: 'UPDATE personal_data_keys SET wrapped_key = ? WHERE key_id = ? AND wrapped_key = ?',
  personal_data_secrets: 'UPDATE personal_data_secrets SET wrapped_secret = ? WHERE name = ? AND wrapped_secret = ?',
} as const;

/**
 * Rewraps every data key and secret of the key store from the current master key to the new one, in
 * one transaction: should the run stop half-way, nothing changed and it is run again. Which master
 * key wraps a value is not recorded, AES-GCM tells it: a value opens only under the key that sealed
 * it. So a run sorts the values by trying both keys, leaves those under the new key alone, and
 * refuses, changing nothing, if any opens under neither (a wrong current key). Running it again
 * after it succeeded changes nothing.
 *
 * A value is replaced only if it is still the one read, so a key erased meanwhile stays erased. A
 * key written meanwhile, under the current master key, by an API process that should have been
 * stopped, is left under it: the run then fails after committing the rest, and a second run (after
 * stopping that process) rewraps it.
 */
export async function rotateMasterKey(db: SqlDatabase, currentMasterKey: Buffer, newMasterKey: Buffer): Promise<MasterKeyRotation> {
  if (currentMasterKey.equals(newMasterKey)) throw new Error('the new master key is the current one');
  const before = await sortByMasterKey(db, currentMasterKey, newMasterKey);
  if (before.underNeither.length > 0) {
    const total = before.underCurrentKey.length + before.underNewKey.length + before.underNeither.length;
    throw new Error(
      `YIXIN_PII_MASTER_KEY does not open ${before.underNeither.length} of the ${total} wrapped keys in the record store ` +
        `(the first: ${before.underNeither[0].context}), nor does the new key: it is not the master key they were wrapped with, ` +
        'or they were altered. Nothing was changed.',
    );
  }
  await db.batch(
    before.underCurrentKey.map((row) => ({
      sql: REWRAP[row.table],
      params: [JSON.stringify(seal(open(parse(row), currentMasterKey, row.context), newMasterKey, row.context)), row.id, row.wrapped],
    })),
  );
  const after = await sortByMasterKey(db, currentMasterKey, newMasterKey);
  if (after.underCurrentKey.length > 0) {
    throw new Error(
      `${after.underCurrentKey.length} wrapped keys are still under the current master key: they were written while the keys ` +
        'were being rewrapped, so an API process is still running. Stop every API process and run the rotation again.',
    );
  }
  const rewrappedNow = new Set(after.underNewKey.map((row) => `${row.table}/${row.id}`));
  return {
    rewrapped: before.underCurrentKey.filter((row) => rewrappedNow.has(`${row.table}/${row.id}`)).length,
    alreadyUnderNewKey: before.underNewKey.length,
    erased: after.erased,
  };
}

async function sortByMasterKey(db: SqlDatabase, currentMasterKey: Buffer, newMasterKey: Buffer): Promise<KeyStoreByMasterKey> {
  const [dataKeys, secrets, [{ erased }]] = await Promise.all([
    db.query<{ key_id: string; wrapped_key: string }>('SELECT key_id, wrapped_key FROM personal_data_keys WHERE wrapped_key IS NOT NULL'),
    db.query<{ name: string; wrapped_secret: string }>('SELECT name, wrapped_secret FROM personal_data_secrets'),
    db.query<{ erased: number }>('SELECT COUNT(*) AS erased FROM personal_data_keys WHERE wrapped_key IS NULL'),
  ]);
  const rows: WrappedRow[] = [
    ...dataKeys.map((row): WrappedRow => ({ table: 'personal_data_keys', id: row.key_id, wrapped: row.wrapped_key, context: dataKeyWrappingContext(row.key_id) })),
    ...secrets.map((row): WrappedRow => ({ table: 'personal_data_secrets', id: row.name, wrapped: row.wrapped_secret, context: secretWrappingContext(row.name) })),
  ];
  const sorted: KeyStoreByMasterKey = { underCurrentKey: [], underNewKey: [], underNeither: [], erased: Number(erased) };
  for (const row of rows) {
    if (opensUnder(row, currentMasterKey)) sorted.underCurrentKey.push(row);
    else if (opensUnder(row, newMasterKey)) sorted.underNewKey.push(row);
    else sorted.underNeither.push(row);
  }
  return sorted;
}

function opensUnder(row: WrappedRow, masterKey: Buffer): boolean {
  try {
    open(parse(row), masterKey, row.context);
    return true;
  } catch {
    return false;
  }
}

function parse(row: WrappedRow): Sealed {
  return JSON.parse(row.wrapped) as Sealed;
}
