import { openSqliteDatabase } from '@yixin/event-store';
import { SqliteSqlDatabase } from '@yixin/stores';
import { DIRECTORY_SCHEMA } from './directory.service';
import { addUserAccessColumns } from './user-access';

describe('addUserAccessColumns on SQLite', () => {
  const openDirectory = async () => {
    const db = new SqliteSqlDatabase(openSqliteDatabase(':memory:'));
    await db.executeScript(DIRECTORY_SCHEMA);
    return db;
  };
  const columns = async (db: SqliteSqlDatabase) => (await db.query<{ name: string }>("SELECT name FROM pragma_table_info('users')")).map((column) => column.name);

  it('gives a users table of the first version its access columns, its users neither administrators nor disabled', async () => {
    const db = await openDirectory();
    await db.batch([
      { sql: "INSERT INTO organisations (id, kind, name) VALUES ('xiangyuan', 'community', '湘源社区')" },
      {
        sql: "INSERT INTO users (username, user_id, display_name, role, organisation_id, password_hash) VALUES ('staff.xiangyuan', 'u-1', '湘源', 'community_staff', 'xiangyuan', 'x')",
      },
    ]);
    await addUserAccessColumns(db);
    expect(await columns(db)).toEqual(expect.arrayContaining(['is_administrator', 'disabled', 'token_generation']));
    expect(await db.query('SELECT is_administrator, disabled, token_generation FROM users')).toEqual([
      { is_administrator: 0, disabled: 0, token_generation: 0 },
    ]);
  });

  it('changes nothing the second time', async () => {
    const db = await openDirectory();
    await addUserAccessColumns(db);
    const once = await columns(db);
    await addUserAccessColumns(db);
    expect(await columns(db)).toEqual(once);
  });
});
