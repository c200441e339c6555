import { Inject, Injectable } from '@nestjs/common';
import type { Database } from 'better-sqlite3';
import { SQLITE_DATABASE } from '../store.tokens';
import type { Organisation, UserAccount } from './organisation';
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
}

/** The organisations and user accounts: reference data beside the event log, not part of it. */
@Injectable()
export class DirectoryService {
  constructor(@Inject(SQLITE_DATABASE) private readonly db: Database) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS organisations (
        id TEXT PRIMARY KEY, kind TEXT NOT NULL, name TEXT NOT NULL,
        parent_id TEXT, property_company_id TEXT);
      CREATE TABLE IF NOT EXISTS users (
        username TEXT PRIMARY KEY, user_id TEXT NOT NULL UNIQUE, display_name TEXT NOT NULL,
        role TEXT NOT NULL, organisation_id TEXT NOT NULL REFERENCES organisations(id),
        password_hash TEXT NOT NULL);
    `);
  }

  findOrganisation(id: string): Organisation | undefined {
    const row = this.db.prepare('SELECT * FROM organisations WHERE id = ?').get(id) as OrganisationRow | undefined;
    return row && {
      id: row.id,
      kind: row.kind,
      name: row.name,
      parentId: row.parent_id ?? undefined,
      propertyCompanyId: row.property_company_id ?? undefined,
    };
  }

  findUserWithPasswordHash(username: string): { user: UserAccount; passwordHash: string } | undefined {
    const row = this.db.prepare('SELECT * FROM users WHERE username = ?').get(username) as UserRow | undefined;
    return row && {
      user: { username: row.username, userId: row.user_id, displayName: row.display_name, role: row.role, organisationId: row.organisation_id },
      passwordHash: row.password_hash,
    };
  }

  /** Adds what is missing and leaves what exists (passwords included) as it is. */
  async seed(organisations: Organisation[], users: UserAccount[], password: string): Promise<void> {
    const insertOrganisation = this.db.prepare(
      'INSERT OR IGNORE INTO organisations (id, kind, name, parent_id, property_company_id) VALUES (?, ?, ?, ?, ?)',
    );
    const known = new Set((this.db.prepare('SELECT username FROM users').all() as Array<{ username: string }>).map((row) => row.username));
    const newUsers = await Promise.all(
      users.filter((user) => !known.has(user.username)).map(async (user) => ({ user, hash: await hashPassword(password) })),
    );
    const insertUser = this.db.prepare(
      'INSERT INTO users (username, user_id, display_name, role, organisation_id, password_hash) VALUES (?, ?, ?, ?, ?, ?)',
    );
    this.db.transaction(() => {
      for (const o of organisations) insertOrganisation.run(o.id, o.kind, o.name, o.parentId ?? null, o.propertyCompanyId ?? null);
      for (const { user, hash } of newUsers) {
        insertUser.run(user.username, user.userId, user.displayName, user.role, user.organisationId, hash);
      }
    })();
  }
}
