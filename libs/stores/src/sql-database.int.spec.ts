import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Database } from 'better-sqlite3';
import { startTestPostgres, testPool, type TestPostgres } from '@yixin/testing';
import { openSqliteDatabase, SqliteGroupCommit } from '@yixin/event-store';
import { PostgresSqlDatabase, SqliteSqlDatabase, StatementRowCountError, type SqlWriteOptions } from './sql-database';

/** A write covered by the next append waits for the disk only where the log is elsewhere. */
describe('a write covered by the next append, on SQLite', () => {
  let dir: string;
  let db: Database;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'yixin-sql-database-'));
    db = openSqliteDatabase(join(dir, 'records.sqlite'), { synchronous: 'FULL' });
    db.exec('CREATE TABLE notes (value TEXT)');
  });

  afterEach(() => {
    jest.restoreAllMocks();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const syncsFor = async (holdsTheLog: boolean, options: SqlWriteOptions) => {
    const synced = jest.spyOn(SqliteGroupCommit, 'syncWalFile');
    await new SqliteSqlDatabase(db, { holdsTheLog }).batch([{ sql: 'INSERT INTO notes VALUES (?)', params: ['交接'] }], options);
    return synced.mock.calls.length;
  };

  it('commits without a sync of its own in the log’s database: the append’s sync makes it durable', async () => {
    expect(await syncsFor(true, { coveredByNextAppend: true })).toBe(0);
    expect(db.prepare('SELECT count(*) FROM notes').pluck().get()).toBe(1);
  });

  it('is synced like any write in a database without the log', async () => {
    expect(await syncsFor(false, { coveredByNextAppend: true })).toBe(1);
  });

  it('leaves other writes durable in the log’s database', async () => {
    expect(await syncsFor(true, {})).toBe(1);
  });
});

describe('a write covered by the next append, on PostgreSQL', () => {
  let postgres: TestPostgres;
  let pool: ReturnType<typeof testPool>;

  beforeAll(async () => {
    postgres = await startTestPostgres();
    pool = testPool({ connectionString: postgres.connectionString, max: 2 });
    await pool.query('CREATE TABLE commit_settings (value TEXT)');
  }, 120_000);

  afterAll(async () => {
    await pool?.end();
    await postgres?.stop();
  });

  /** The synchronous_commit the batch's transaction ran with, as it recorded it itself. */
  const commitSettingFor = async (holdsTheLog: boolean, options: SqlWriteOptions) => {
    await pool.query('DELETE FROM commit_settings');
    await new PostgresSqlDatabase(pool, { holdsTheLog }).batch([{ sql: "INSERT INTO commit_settings SELECT current_setting('synchronous_commit')" }], options);
    return (await pool.query<{ value: string }>('SELECT value FROM commit_settings')).rows[0].value;
  };

  it('commits asynchronously in the log’s database, and waits for the disk elsewhere', async () => {
    expect(await commitSettingFor(true, { coveredByNextAppend: true })).toBe('off');
    expect(await commitSettingFor(false, { coveredByNextAppend: true })).toBe('on');
    expect(await commitSettingFor(true, {})).toBe('on');
  });
});

describe('a statement that requires a count of changed rows, on SQLite', () => {
  let dir: string;
  let db: Database;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'yixin-sql-database-'));
    db = openSqliteDatabase(join(dir, 'records.sqlite'), { synchronous: 'FULL' });
    db.exec("CREATE TABLE notes (value TEXT); INSERT INTO notes VALUES ('一')");
  });

  afterEach(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const batchWith = (requiredRows: number) =>
    new SqliteSqlDatabase(db).batch([
      { sql: 'INSERT INTO notes VALUES (?)', params: ['二'] },
      { sql: "UPDATE notes SET value = value WHERE value = '一'", requiredRows },
    ]);

  it('rolls the whole batch back when it changed another count', async () => {
    await expect(batchWith(2)).rejects.toThrow(StatementRowCountError);
    expect(db.prepare('SELECT count(*) FROM notes').pluck().get()).toBe(1);
  });

  it('commits the batch when it changed that count', async () => {
    await batchWith(1);
    expect(db.prepare('SELECT count(*) FROM notes').pluck().get()).toBe(2);
  });
});
