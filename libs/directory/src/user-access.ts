import type { SqlDatabase } from '@yixin/stores';

/** Columns of the users table that came after it was first created; databases of every age get them at start. */
const USER_ACCESS_COLUMNS: Record<string, string> = {
  is_administrator: 'INTEGER NOT NULL DEFAULT 0',
  disabled: 'INTEGER NOT NULL DEFAULT 0',
  token_generation: 'INTEGER NOT NULL DEFAULT 0',
};

export async function addUserAccessColumns(db: SqlDatabase): Promise<void> {
  const add = (columns: string[]) => columns.map((name) => `ALTER TABLE users ADD COLUMN ${name} ${USER_ACCESS_COLUMNS[name]}`);
  if (db.dialect === 'postgres') {
    // Several processes may start at once; IF NOT EXISTS under the script's lock keeps them from racing.
    await db.executeScript(add(Object.keys(USER_ACCESS_COLUMNS)).map((sql) => sql.replace('ADD COLUMN', 'ADD COLUMN IF NOT EXISTS')).join(';\n'));
    return;
  }
  const present = new Set((await db.query<{ name: string }>("SELECT name FROM pragma_table_info('users')")).map((column) => column.name));
  const missing = Object.keys(USER_ACCESS_COLUMNS).filter((name) => !present.has(name));
  if (missing.length > 0) await db.executeScript(add(missing).join(';\n'));
}
