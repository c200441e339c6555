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

describe('a schema script run again beside running writers, on PostgreSQL', () => {
  const script = `
    CREATE TABLE IF NOT EXISTS tallies (name TEXT PRIMARY KEY, count BIGINT NOT NULL);
    -- A comment, as the projections' scripts have.
    CREATE INDEX IF NOT EXISTS tallies_count ON tallies (count)`;
  let postgres: TestPostgres;
  let pool: ReturnType<typeof testPool>;
  let db: PostgresSqlDatabase;

  beforeAll(async () => {
    postgres = await startTestPostgres();
    pool = testPool({ connectionString: postgres.connectionString, max: 3 });
    db = new PostgresSqlDatabase(pool);
    await db.executeScript(script);
  }, 120_000);

  afterAll(async () => {
    await pool?.end();
    await postgres?.stop();
  });

  /** Runs the script while another transaction holds an uncommitted write to its table; `ran` settles once that is rolled back. */
  const runBesideOpenWrite = async (): Promise<{ outcome: 'done' | 'waiting for the writer'; ran: Promise<void> }> => {
    const writer = await pool.connect();
    let timer: NodeJS.Timeout | undefined;
    try {
      await writer.query('BEGIN');
      await writer.query("INSERT INTO tallies VALUES ('报修', 1)");
      const ran = db.executeScript(script);
      const waited = new Promise<'waiting for the writer'>((resolve) => (timer = setTimeout(() => resolve('waiting for the writer'), 5_000)));
      return { outcome: await Promise.race([ran.then(() => 'done' as const), waited]), ran };
    } finally {
      clearTimeout(timer);
      await writer.query('ROLLBACK');
      writer.release();
    }
  };

  it('takes no lock when everything it creates exists, so it cannot deadlock with the writers', async () => {
    expect((await runBesideOpenWrite()).outcome).toBe('done');
  });

  it('still creates what is missing, such as an index a stopped rebuild dropped', async () => {
    await pool.query('DROP INDEX tallies_count');
    const { outcome, ran } = await runBesideOpenWrite();
    expect(outcome).toBe('waiting for the writer');
    await ran;
    const [{ index }] = (await pool.query<{ index: string | null }>("SELECT to_regclass('tallies_count')::text AS index")).rows;
    expect(index).toBe('tallies_count');
  });
});
