import type { SqlDatabase } from '@yixin/stores';
import { COUNCIL_KINDS, refuse, type FileComplaint } from '@yixin/domain';
import { hashApiKey, type ApiKey, type ApiKeyWithSecret } from './api-key';
import { ORGANISATION_ID_PATTERN, ORGANISATION_ID_RULE, ORGANISATION_KINDS, PARENT_KIND, type Organisation, type UserAccount } from './organisation';

export type CompoundInDirectory = FileComplaint['compound'];
import { hashPassword } from './password';

interface OrganisationRow {
  id: string;
  kind: Organisation['kind'];
  name: string;
  parent_id: string | null;
  property_company_id: string | null;
}

interface UserRow {
  username: string;
  user_id: string;
  display_name: string;
  role: UserAccount['role'];
  organisation_id: string;
  password_hash: string;
  is_administrator: number;
  disabled: number;
  token_generation: number;
}

/** The columns of a users row that make a UserAccount (UserAdministration reads them too). */
export type UserAccountRow = Pick<UserRow, 'username' | 'user_id' | 'display_name' | 'role' | 'organisation_id' | 'is_administrator'>;

/** A user as a row of the users table holds them. */
export function userAccountOf(row: UserAccountRow): UserAccount & { isAdministrator: boolean } {
  return {
    username: row.username,
    userId: row.user_id,
    displayName: row.display_name,
    role: row.role,
    organisationId: row.organisation_id,
    isAdministrator: Boolean(row.is_administrator),
  };
}

interface ApiKeyRow {
  key_id: string;
  community_id: string;
  label: string;
}

export const DIRECTORY_SCHEMA = `
  CREATE TABLE IF NOT EXISTS organisations (
    id TEXT PRIMARY KEY, kind TEXT NOT NULL, name TEXT NOT NULL,
    parent_id TEXT, property_company_id TEXT);
  CREATE TABLE IF NOT EXISTS users (
    username TEXT PRIMARY KEY, user_id TEXT NOT NULL UNIQUE, display_name TEXT NOT NULL,
    role TEXT NOT NULL, organisation_id TEXT NOT NULL REFERENCES organisations(id),
    password_hash TEXT NOT NULL);
  CREATE TABLE IF NOT EXISTS api_keys (
    key_id TEXT PRIMARY KEY, key_hash TEXT NOT NULL UNIQUE,
    community_id TEXT NOT NULL REFERENCES organisations(id), label TEXT NOT NULL)`;

/**
 * The organisations, user accounts and API keys: reference data in the record store, beside the event log,
 * not part of it. Organisations change rarely and are read on every request, so they are cached.
 */
export class DirectoryService {
  private readonly organisations = new Map<string, Organisation>();

  constructor(private readonly db: SqlDatabase) {}

  async load(): Promise<void> {
    const rows = await this.db.query<OrganisationRow>('SELECT * FROM organisations');
    this.organisations.clear();
    for (const row of rows) {
      this.organisations.set(row.id, {
        id: row.id,
        kind: row.kind,
        name: row.name,
        parentId: row.parent_id ?? undefined,
        propertyCompanyId: row.property_company_id ?? undefined,
      });
    }
  }

  findOrganisation(id: string): Organisation | undefined {
    return this.organisations.get(id);
  }

  /** The ids of the organisations of this kind directly under `parentId`. */
  childrenOf(parentId: string, kind: Organisation['kind']): string[] {
    return [...this.organisations.values()].filter((o) => o.parentId === parentId && o.kind === kind).map((o) => o.id);
  }

  organisationsOfKind(kind: Organisation['kind']): Organisation[] {
    return [...this.organisations.values()].filter((o) => o.kind === kind);
  }

  communitiesOf(streetIds: string[]): string[] {
    return streetIds.flatMap((street) => this.childrenOf(street, 'community'));
  }

  /** `tokenGeneration` goes up whenever the user's tokens are revoked together (see TokenRevocation). */
  async findUserWithPasswordHash(
    username: string,
  ): Promise<{ user: UserAccount; passwordHash: string; disabled: boolean; tokenGeneration: number } | undefined> {
    const [row] = await this.db.query<UserRow>('SELECT * FROM users WHERE username = ?', [username]);
    return row && {
      user: userAccountOf(row),
      passwordHash: row.password_hash,
      disabled: Boolean(row.disabled),
      tokenGeneration: Number(row.token_generation),
    };
  }

  /** A compound with who serves it and the tiers above it; undefined if it is not a compound. */
  findCompound(compoundId: string): CompoundInDirectory | undefined {
    const compound = this.organisations.get(compoundId);
    if (compound?.kind !== 'compound' || !compound.parentId || !compound.propertyCompanyId) return undefined;
    const streetId = this.organisations.get(compound.parentId)?.parentId;
    const districtId = streetId && this.organisations.get(streetId)?.parentId;
    if (!streetId || !districtId) return undefined;
    const [ownersCommitteeId] = this.childrenOf(compound.id, 'owners_committee');
    return {
      id: compound.id,
      communityId: compound.parentId,
      propertyCompanyId: compound.propertyCompanyId,
      ...(ownersCommitteeId ? { ownersCommitteeId } : {}),
      jurisdiction: {
        streetId,
        districtId,
        councils: Object.fromEntries(
          COUNCIL_KINDS.flatMap((kind) => this.childrenOf(streetId, kind).slice(0, 1).map((councilId) => [kind, councilId])),
        ),
      },
    };
  }

  /**
   * A council's members: the property projects that belong to the property council, or the owners'
   * committees of the compounds in the street of the owners' council.
   */
  councilMembers(councilId: string): string[] {
    const council = this.organisations.get(councilId);
    if (council?.kind === 'property_council') return this.childrenOf(councilId, 'property_company');
    if (council?.kind !== 'owners_council' || !council.parentId) return [];
    const compounds = this.communitiesOf([council.parentId]).flatMap((community) => this.childrenOf(community, 'compound'));
    return compounds.flatMap((compound) => this.childrenOf(compound, 'owners_committee'));
  }

  async findApiKey(secret: string): Promise<ApiKey | undefined> {
    const [row] = await this.db.query<ApiKeyRow>('SELECT key_id, community_id, label FROM api_keys WHERE key_hash = ?', [hashApiKey(secret)]);
    return row && { keyId: row.key_id, communityId: row.community_id, label: row.label };
  }

  /**
   * A new organisation, under a parent of the kind PARENT_KIND names; a compound with the property
   * company serving it. Refused, with nothing written, if any of that is wrong or the id is taken.
   * Other processes read the directory when they start: they see the organisation once restarted.
   */
  async addOrganisation(organisation: Organisation): Promise<void> {
    const { id, kind, name, parentId, propertyCompanyId } = organisation;
    if (!ORGANISATION_ID_PATTERN.test(id)) refuse('invalid', ORGANISATION_ID_RULE);
    if (!ORGANISATION_KINDS.includes(kind)) refuse('invalid', `an organisation's kind is one of ${ORGANISATION_KINDS.join(', ')}, not ${kind}`);
    if (!/\S/.test(name)) refuse('invalid', 'an organisation needs a name');
    this.requireRelative(kind, 'parent', parentId, PARENT_KIND[kind]);
    this.requireRelative(kind, 'property company', propertyCompanyId, kind === 'compound' ? 'property_company' : undefined);
    const inserted = await this.db.query<{ id: string }>(
      `INSERT INTO organisations (id, kind, name, parent_id, property_company_id) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (id) DO NOTHING RETURNING id`,
      [id, kind, name, parentId ?? null, propertyCompanyId ?? null],
    );
    if (inserted.length === 0) refuse('conflict', `organisation ${id} exists`);
    await this.load();
  }

  /** `relativeId` names an organisation of `expectedKind` when the kind expects one, and is absent when it does not. */
  private requireRelative(kind: Organisation['kind'], relation: string, relativeId: string | undefined, expectedKind: Organisation['kind'] | undefined): void {
    if (!expectedKind) {
      if (relativeId !== undefined) refuse('invalid', `a ${kind} has no ${relation}`);
      return;
    }
    if (relativeId === undefined) refuse('invalid', `a ${kind} needs its ${relation}, a ${expectedKind}`);
    const relative = this.organisations.get(relativeId);
    if (relative?.kind !== expectedKind) {
      refuse('invalid', `the ${relation} of a ${kind} is a ${expectedKind}; ${relativeId} is ${relative ? `a ${relative.kind}` : 'not in the directory'}`);
    }
  }

  /** Adds what is missing and brings the organisations up to date; existing users and keys (passwords included) stay as they are. */
  async seed(organisations: Organisation[], users: UserAccount[], password: string, apiKeys: ApiKeyWithSecret[]): Promise<void> {
    const known = new Set((await this.db.query<{ username: string }>('SELECT username FROM users')).map((row) => row.username));
    const newUsers = await Promise.all(
      users.filter((user) => !known.has(user.username)).map(async (user) => ({ user, hash: await hashPassword(password) })),
    );
    await this.db.batch([
      ...organisations.map((o) => ({
        sql: `INSERT INTO organisations (id, kind, name, parent_id, property_company_id) VALUES (?, ?, ?, ?, ?)
              ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, name = excluded.name,
                parent_id = excluded.parent_id, property_company_id = excluded.property_company_id`,
        params: [o.id, o.kind, o.name, o.parentId ?? null, o.propertyCompanyId ?? null],
      })),
      ...newUsers.map(({ user, hash }) => ({
        sql: `INSERT INTO users (username, user_id, display_name, role, organisation_id, password_hash, is_administrator)
              VALUES (?, ?, ?, ?, ?, ?, ?)`,
        params: [user.username, user.userId, user.displayName, user.role, user.organisationId, hash, user.isAdministrator ? 1 : 0],
      })),
      ...apiKeys.map((key) => ({
        sql: 'INSERT INTO api_keys (key_id, key_hash, community_id, label) VALUES (?, ?, ?, ?) ON CONFLICT (key_id) DO NOTHING',
        params: [key.keyId, hashApiKey(key.secret), key.communityId, key.label],
      })),
    ]);
    await this.load();
  }
}
