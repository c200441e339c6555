import { Inject, Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { refuse, type Actor, type Role } from '@yixin/domain';
import type { SqlDatabase } from '@yixin/stores';
import { RECORD_STORE } from '@yixin/stores';
import { DirectoryService, userAccountOf } from './directory.service';
import type { Organisation, OrganisationKind } from './organisation';
import { hashPassword, PASSWORD_MAX_LENGTH, passwordWeakness } from './password';
import { TokenRevocation } from './token-revocation';

/** A user as administrators see them: never their password. */
export interface AdministeredUser {
  username: string;
  userId: string;
  displayName: string;
  role: Role;
  organisationId: string;
  isAdministrator: boolean;
  disabled: boolean;
}

export interface NewUser {
  username: string;
  displayName: string;
  role: Role;
  password: string;
  /** Another organisation than the administrator's own: for a district's administrators. */
  organisationId?: string;
  isAdministrator?: boolean;
}

export interface UserChanges {
  displayName?: string;
  disabled?: boolean;
  isAdministrator?: boolean;
}

/** What a user's username and display name must be, whoever creates the user; the API's DTOs check the same before. */
export const USERNAME_PATTERN = /^[a-z0-9][a-z0-9._-]{2,63}$/;
export const USERNAME_RULE = 'username must be 3 to 64 of a-z 0-9 . _ - and start with a letter or digit';
export const NOT_BLANK = /\S/;
export const DISPLAY_NAME_MAX_LENGTH = 100;

/** The roles a user of each kind of organisation may have; a center or a compound acts through others. */
export const ROLES_BY_ORGANISATION_KIND: Record<OrganisationKind, readonly Role[]> = {
  district: ['district_officer', 'auditor'],
  street: ['street_officer'],
  center: [],
  community: ['community_staff'],
  compound: [],
  property_company: ['property_company'],
  owners_committee: ['owners_committee'],
  property_council: ['council_member'],
  owners_council: ['council_member'],
};

interface UserRow {
  username: string;
  user_id: string;
  display_name: string;
  role: Role;
  organisation_id: string;
  is_administrator: number;
  disabled: number;
}

const USER_COLUMNS = 'username, user_id, display_name, role, organisation_id, is_administrator, disabled';

function toUser(row: UserRow): AdministeredUser {
  return { ...userAccountOf(row), disabled: Boolean(row.disabled) };
}

/**
 * Each organisation's administrators manage its users; a district's administrators manage the users
 * of every organisation under the district as well. Whether the caller administers anything is read
 * from the users table on every call, not taken from their token.
 */
@Injectable()
export class UserAdministration {
  // The directory is not in the event log; the log lines are the record of who changed whose access.
  private readonly logger = new Logger(UserAdministration.name);

  constructor(
    @Inject(RECORD_STORE) private readonly db: SqlDatabase,
    private readonly directory: DirectoryService,
    private readonly tokens: TokenRevocation,
  ) {}

  async listUsers(administrator: Actor, organisationId = administrator.organisationId): Promise<AdministeredUser[]> {
    await this.requireAdministers(administrator, organisationId);
    const rows = await this.db.query<UserRow>(`SELECT ${USER_COLUMNS} FROM users WHERE organisation_id = ? ORDER BY username`, [organisationId]);
    return rows.map(toUser);
  }

  async createUser(administrator: Actor, input: NewUser): Promise<AdministeredUser> {
    const organisation = await this.requireAdministers(administrator, input.organisationId ?? administrator.organisationId);
    const user = await addUser(this.db, organisation, input);
    this.logger.log({ message: 'user created', by: administrator.userId, ...user });
    return user;
  }

  /** Disabling a user, or giving or taking their administration, revokes every token they hold. */
  async updateUser(administrator: Actor, username: string, changes: UserChanges): Promise<AdministeredUser> {
    const user = await this.requireAdministeredUser(administrator, username);
    if (user.userId === administrator.userId && (changes.disabled === true || changes.isAdministrator === false)) {
      refuse('conflict', 'administrators cannot disable themselves or give up their own administration; another administrator can');
    }
    const changed: AdministeredUser = {
      ...user,
      displayName: changes.displayName ?? user.displayName,
      disabled: changes.disabled ?? user.disabled,
      isAdministrator: changes.isAdministrator ?? user.isAdministrator,
    };
    const accessChanged = changed.disabled !== user.disabled || changed.isAdministrator !== user.isAdministrator;
    await this.db.batch([
      {
        sql: `UPDATE users SET display_name = ?, disabled = ?, is_administrator = ?, token_generation = token_generation + ?
              WHERE username = ?`,
        params: [changed.displayName, changed.disabled ? 1 : 0, changed.isAdministrator ? 1 : 0, accessChanged ? 1 : 0, username],
      },
    ]);
    if (accessChanged) this.tokens.forgetUser(user.userId);
    this.logger.log({ message: 'user changed', by: administrator.userId, username, ...changes, tokensRevoked: accessChanged });
    return changed;
  }

  /** A new password signs the user out everywhere. */
  async resetPassword(administrator: Actor, username: string, password: string): Promise<void> {
    const user = await this.requireAdministeredUser(administrator, username);
    requireStrongPassword(password, username);
    await this.db.batch([
      { sql: 'UPDATE users SET password_hash = ?, token_generation = token_generation + 1 WHERE username = ?', params: [await hashPassword(password), username] },
    ]);
    this.tokens.forgetUser(user.userId);
    this.logger.log({ message: 'password reset', by: administrator.userId, username, tokensRevoked: true });
  }

  private async requireAdministrator(administrator: Actor): Promise<UserRow> {
    const [caller] = await this.db.query<UserRow>(`SELECT ${USER_COLUMNS} FROM users WHERE user_id = ?`, [administrator.userId]);
    if (!caller?.is_administrator || caller.disabled) refuse('forbidden', 'only an organisation’s administrators manage its users');
    return caller;
  }

  private async requireAdministers(administrator: Actor, organisationId: string): Promise<Organisation> {
    const caller = await this.requireAdministrator(administrator);
    const organisation = this.directory.findOrganisation(organisationId);
    if (!organisation) refuse('not_found', `organisation ${organisationId} not found`);
    if (!this.administers(caller.organisation_id, organisationId)) {
      refuse('forbidden', `you administer the users of ${caller.organisation_id} only`);
    }
    return organisation;
  }

  /** Another organisation's users, or no such user: not found either way, so that usernames are not given away. */
  private async requireAdministeredUser(administrator: Actor, username: string): Promise<AdministeredUser> {
    const caller = await this.requireAdministrator(administrator);
    const [row] = await this.db.query<UserRow>(`SELECT ${USER_COLUMNS} FROM users WHERE username = ?`, [username]);
    if (!row || !this.administers(caller.organisation_id, row.organisation_id)) refuse('not_found', `user ${username} not found`);
    return toUser(row);
  }

  private administers(administratorOrganisationId: string, organisationId: string): boolean {
    if (organisationId === administratorOrganisationId) return true;
    if (this.directory.findOrganisation(administratorOrganisationId)?.kind !== 'district') return false;
    const seen = new Set<string>();
    for (let current = this.directory.findOrganisation(organisationId); current?.parentId && !seen.has(current.id); ) {
      if (current.parentId === administratorOrganisationId) return true;
      seen.add(current.id);
      current = this.directory.findOrganisation(current.parentId);
    }
    return false;
  }
}

export interface NewAdministrator {
  organisationId: string;
  username: string;
  /** The username unless given. */
  displayName?: string;
  /** The first role of the organisation's kind unless given (ROLES_BY_ORGANISATION_KIND). */
  role?: Role;
  password: string;
}

/**
 * An administrator made by the operator, not by another administrator: the first one of a
 * deployment without the demo directory, or a new one when no administrator of an organisation is left.
 */
export async function createAdministrator(db: SqlDatabase, directory: DirectoryService, input: NewAdministrator): Promise<AdministeredUser> {
  const organisation = directory.findOrganisation(input.organisationId);
  if (!organisation) refuse('not_found', `organisation ${input.organisationId} not found`);
  const [firstRole] = ROLES_BY_ORGANISATION_KIND[organisation.kind];
  return addUser(db, organisation, {
    username: input.username,
    displayName: input.displayName ?? input.username,
    role: input.role ?? firstRole,
    password: input.password,
    isAdministrator: true,
  });
}

/** A new user of `organisation`, by the rules every way of creating users shares; nothing is written if one is broken. */
async function addUser(db: SqlDatabase, organisation: Organisation, input: Omit<NewUser, 'organisationId'>): Promise<AdministeredUser> {
  const roles = ROLES_BY_ORGANISATION_KIND[organisation.kind];
  if (roles.length === 0) refuse('invalid', `a ${organisation.kind.replace('_', ' ')} has no users of its own`);
  if (!roles.includes(input.role)) refuse('invalid', `a user of ${organisation.id} has the role ${roles.join(' or ')}, not ${input.role}`);
  if (!USERNAME_PATTERN.test(input.username)) refuse('invalid', USERNAME_RULE);
  if (!NOT_BLANK.test(input.displayName) || [...input.displayName].length > DISPLAY_NAME_MAX_LENGTH) {
    refuse('invalid', `displayName must be 1 to ${DISPLAY_NAME_MAX_LENGTH} characters, not blank`);
  }
  requireStrongPassword(input.password, input.username);
  const user: AdministeredUser = {
    username: input.username,
    userId: `user-${randomUUID()}`,
    displayName: input.displayName,
    role: input.role,
    organisationId: organisation.id,
    isAdministrator: input.isAdministrator ?? false,
    disabled: false,
  };
  const inserted = await db.query<{ username: string }>(
    `INSERT INTO users (username, user_id, display_name, role, organisation_id, password_hash, is_administrator)
     VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (username) DO NOTHING RETURNING username`,
    [user.username, user.userId, user.displayName, user.role, user.organisationId, await hashPassword(input.password), user.isAdministrator ? 1 : 0],
  );
  if (inserted.length === 0) refuse('conflict', `the username ${input.username} is taken`);
  return user;
}

function requireStrongPassword(password: string, username: string): void {
  // Characters, not UTF-16 units, as the API's validation counts them.
  if ([...password].length > PASSWORD_MAX_LENGTH) refuse('invalid', `a password has at most ${PASSWORD_MAX_LENGTH} characters`);
  const weakness = passwordWeakness(password, username);
  if (weakness) refuse('invalid', weakness);
}
