import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { YIXIN_CONFIG, type YixinConfig } from '@yixin/config';
import type { SqlDatabase } from '@yixin/stores';
import { RECORD_STORE } from '@yixin/stores';
import { newKey, open, pseudonymOf, seal, type Sealed } from './personal-data-crypto';

/**
 * The keys of residents' personal data. Not a projection: nothing in the log can rebuild them, and
 * losing them erases every resident's data. Back them up with the record store (docs/privacy.md).
 *
 * - personal_data_keys: one data key per resident (subject) and community at a time, wrapped under
 *   the master key. Per community because a community erases only its own cases (docs/privacy.md):
 *   a key shared with another community's cases could not be deleted without erasing those too.
 *   Keys made before then have no community and may open cases of several communities.
 *   Erasure deletes the wrapped key and keeps the row, so that the data reads as erased rather than
 *   as lost, and a second erasure finds what the first did. A resident who files again afterwards
 *   gets a new key: at most one key per subject and community is not erased.
 * - personal_data_cases: which cases hold a subject's data, written before the case's first event, so
 *   that an erasure finds them all at once (a case whose filing was refused is skipped then).
 * - personal_data_secrets: the key of residents' pseudonyms, wrapped under the master key like the
 *   data keys, so that rotating the master key leaves every pseudonym in the log valid.
 */
const PERSONAL_DATA_KEYS_SCHEMA = `
  CREATE TABLE IF NOT EXISTS personal_data_keys (
    key_id TEXT PRIMARY KEY,
    subject_id TEXT NOT NULL,
    wrapped_key TEXT,
    created_at TEXT NOT NULL,
    erased_at TEXT,
    community_id TEXT);
  CREATE TABLE IF NOT EXISTS personal_data_cases (
    case_id TEXT PRIMARY KEY,
    subject_id TEXT NOT NULL,
    key_id TEXT NOT NULL);
  CREATE INDEX IF NOT EXISTS personal_data_cases_subject ON personal_data_cases (subject_id);
  CREATE TABLE IF NOT EXISTS personal_data_secrets (
    name TEXT PRIMARY KEY,
    wrapped_secret TEXT NOT NULL)`;

/** The key tables, on a record store of any age: keys gained their community after the table was first created. */
export async function createPersonalDataKeyTables(db: SqlDatabase): Promise<void> {
  await db.executeScript(PERSONAL_DATA_KEYS_SCHEMA);
  const addCommunity = 'ALTER TABLE personal_data_keys ADD COLUMN community_id TEXT';
  const currentPerCommunity = [
    'DROP INDEX IF EXISTS personal_data_keys_current',
    'CREATE UNIQUE INDEX IF NOT EXISTS personal_data_keys_current_in_community ON personal_data_keys (subject_id, community_id) WHERE erased_at IS NULL',
  ];
  if (db.dialect === 'postgres') {
    // Several processes may start at once; IF NOT EXISTS under the script's lock keeps them from racing.
    await db.executeScript([addCommunity.replace('ADD COLUMN', 'ADD COLUMN IF NOT EXISTS'), ...currentPerCommunity].join(';\n'));
    return;
  }
  const columns = await db.query<{ name: string }>("SELECT name FROM pragma_table_info('personal_data_keys')");
  const missing = columns.some((column) => column.name === 'community_id') ? [] : [addCommunity];
  await db.executeScript([...missing, ...currentPerCommunity].join(';\n'));
}

const PSEUDONYM_KEY = 'pseudonym-key';

export type DataKey = { keyId: string; key: Buffer } | { keyId: string; erasedAt: string };

interface KeyRow {
  key_id: string;
  wrapped_key: string | null;
  erased_at: string | null;
}

@Injectable()
export class PersonalDataKeys {
  private pseudonymKey?: Promise<Buffer>;

  constructor(@Inject(RECORD_STORE) private readonly db: SqlDatabase, @Inject(YIXIN_CONFIG) private readonly config: YixinConfig) {}

  /** Fails unless YIXIN_PII_MASTER_KEY is set and opens the keys already stored. */
  async checkMasterKey(): Promise<void> {
    await this.loadPseudonymKey();
  }

  async subjectIdOf(phone: string): Promise<string> {
    return pseudonymOf(phone, await this.loadPseudonymKey());
  }

  /**
   * The resident's key for a new case in the community: the one they have there, or a new one on their
   * first case there (or first since an erasure there).
   */
  async currentKeyOf(subjectId: string, communityId: string, at: string): Promise<{ keyId: string; key: Buffer }> {
    const current = await this.currentRow(subjectId, communityId);
    if (current) return this.unwrap(current.key_id, current.wrapped_key!);
    const keyId = randomUUID();
    // Two first complaints of one resident at once: the unique index lets one key win, and both use it.
    await this.db.batch(
      [
        {
          sql: `INSERT INTO personal_data_keys (key_id, subject_id, community_id, wrapped_key, created_at) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT DO NOTHING`,
          params: [keyId, subjectId, communityId, JSON.stringify(seal(newKey(), this.masterKey(), dataKeyWrappingContext(keyId))), at],
        },
      ],
      { coveredByNextAppend: true },
    );
    const winner = await this.currentRow(subjectId, communityId);
    if (!winner) throw new Error(`the key of subject ${subjectId} was erased while it was being created`);
    return this.unwrap(winner.key_id, winner.wrapped_key!);
  }

  /** The data key, or when it was erased. */
  async dataKey(keyId: string): Promise<DataKey> {
    const row = await this.row(keyId);
    return row.erased_at !== null ? { keyId, erasedAt: row.erased_at } : this.unwrap(keyId, row.wrapped_key!);
  }

  /** When the key was erased, if it was; reads no key material, so needs no master key. */
  async erasedAt(keyId: string): Promise<string | undefined> {
    return (await this.row(keyId)).erased_at ?? undefined;
  }

  /** Before the case's first event, which makes it durable where the log shares this store's database. */
  async recordCase(caseId: string, subjectId: string, keyId: string): Promise<void> {
    await this.db.batch([{ sql: 'INSERT INTO personal_data_cases (case_id, subject_id, key_id) VALUES (?, ?, ?)', params: [caseId, subjectId, keyId] }], {
      coveredByNextAppend: true,
    });
  }

  /**
   * The subject's cases under the community's keys, and under keys made before keys were per
   * community, which may be any community's: another community's cases under its own keys are
   * never read, so an erasure takes the same time whether or not the resident has any.
   */
  async casesOf(subjectId: string, communityId: string): Promise<string[]> {
    const rows = await this.db.query<{ case_id: string }>(
      `SELECT personal_data_cases.case_id FROM personal_data_cases JOIN personal_data_keys ON personal_data_keys.key_id = personal_data_cases.key_id
       WHERE personal_data_cases.subject_id = ? AND (personal_data_keys.community_id = ? OR personal_data_keys.community_id IS NULL)
       ORDER BY personal_data_cases.case_id`,
      [subjectId, communityId],
    );
    return rows.map((row) => row.case_id);
  }

  /** The cases whose data the key encrypts. */
  async casesUnder(keyId: string): Promise<string[]> {
    const rows = await this.db.query<{ case_id: string }>('SELECT case_id FROM personal_data_cases WHERE key_id = ? ORDER BY case_id', [keyId]);
    return rows.map((row) => row.case_id);
  }

  /** Deletes the key: the data of each case under it can no longer be decrypted, by anyone. */
  async erase(keyId: string, at: string): Promise<void> {
    await this.db.batch([
      { sql: 'UPDATE personal_data_keys SET wrapped_key = NULL, erased_at = ? WHERE key_id = ? AND erased_at IS NULL', params: [at, keyId] },
    ]);
  }

  private async currentRow(subjectId: string, communityId: string): Promise<KeyRow | undefined> {
    const [row] = await this.db.query<KeyRow>(
      'SELECT key_id, wrapped_key, erased_at FROM personal_data_keys WHERE subject_id = ? AND community_id = ? AND erased_at IS NULL',
      [subjectId, communityId],
    );
    return row;
  }

  private async row(keyId: string): Promise<KeyRow> {
    const [row] = await this.db.query<KeyRow>('SELECT key_id, wrapped_key, erased_at FROM personal_data_keys WHERE key_id = ?', [keyId]);
    // Not "erased": no erasure happened. The keys were lost, or this record store is not the log's (docs/privacy.md).
    if (!row) throw new Error(`the key store holds no data key ${keyId}`);
    return row;
  }

  private unwrap(keyId: string, wrapped: string): { keyId: string; key: Buffer } {
    return { keyId, key: this.openWithMasterKey(JSON.parse(wrapped) as Sealed, dataKeyWrappingContext(keyId)) };
  }

  private loadPseudonymKey(): Promise<Buffer> {
    this.pseudonymKey ??= this.readOrCreatePseudonymKey().catch((error: unknown) => {
      this.pseudonymKey = undefined;
      throw error;
    });
    return this.pseudonymKey;
  }

  private async readOrCreatePseudonymKey(): Promise<Buffer> {
    const context = secretWrappingContext(PSEUDONYM_KEY);
    await this.db.batch([
      {
        sql: 'INSERT INTO personal_data_secrets (name, wrapped_secret) VALUES (?, ?) ON CONFLICT (name) DO NOTHING',
        params: [PSEUDONYM_KEY, JSON.stringify(seal(newKey(), this.masterKey(), context))],
      },
    ]);
    const [row] = await this.db.query<{ wrapped_secret: string }>('SELECT wrapped_secret FROM personal_data_secrets WHERE name = ?', [PSEUDONYM_KEY]);
    return this.openWithMasterKey(JSON.parse(row.wrapped_secret) as Sealed, context);
  }

  private openWithMasterKey(sealed: Sealed, context: string): Buffer {
    const masterKey = this.masterKey();
    try {
      return open(sealed, masterKey, context);
    } catch {
      throw new Error('YIXIN_PII_MASTER_KEY does not open the keys in the record store: it is not the master key they were wrapped with, or they were altered');
    }
  }

  private masterKey(): Buffer {
    const key = this.config.piiMasterKey;
    if (!key) throw new Error('YIXIN_PII_MASTER_KEY must be set to encrypt or decrypt residents’ personal data (the embedded launcher generates one under the data directory)');
    return key;
  }
}

/** The associated data of a wrapped data key: the key opens only in its own row. */
export function dataKeyWrappingContext(keyId: string): string {
  return `personal_data_keys/${keyId}`;
}

export function secretWrappingContext(name: string): string {
  return `personal_data_secrets/${name}`;
}
