import type { Database, Statement } from 'better-sqlite3';
import { Pool, types, type PoolClient } from 'pg';
import { SqliteGroupCommit, type GroupWriteOptions } from '@yixin/event-store';

/**
 * SQL beside the log: the record store (the directory, idempotency keys, residents' data keys) and
 * the read store (projections and their checkpoints). The same SQL runs on SQLite and PostgreSQL:
 * statements use `?` placeholders, and the types both know (TEXT, BIGINT, INTEGER, DOUBLE PRECISION).
 */
export interface SqlStatement {
  sql: string;
  params?: readonly unknown[];
  /** The transaction is rolled back, with a StatementRowCountError, unless this statement changes exactly this many rows. */
  requiredRows?: number;
}

/** A batch rolled back because one of its statements did not change the rows it required (a lease's fence, say). */
export class StatementRowCountError extends Error {
  constructor(readonly statement: SqlStatement, readonly changed: number) {
    super(`the statement changed ${changed} rows, not the ${statement.requiredRows} required: ${statement.sql.trim().split('\n')[0]}`);
    this.name = 'StatementRowCountError';
  }
}

function checkRowCount(statement: SqlStatement, changed: number): void {
  if (statement.requiredRows !== undefined && changed !== statement.requiredRows) throw new StatementRowCountError(statement, changed);
}

export interface SqlWriteOptions extends GroupWriteOptions {
  /**
   * Written for an append to the log that follows it, and of no use without that append (a
   * resident's key, the record of which case holds their data). Where this database also holds the
   * log, its write-ahead log is the log's, so the append's durable commit makes this write durable
   * too, and it does not wait for the disk itself: a crash may lose it only with the append. Where
   * the log is elsewhere, it waits as any write does.
   */
  coveredByNextAppend?: boolean;
}

export interface SqlDatabase {
  readonly dialect: 'sqlite' | 'postgres';
  query<Row>(sql: string, params?: readonly unknown[]): Promise<Row[]>;
  /**
   * Runs the statements in one transaction: all of them or none. `rebuildable` writes (a read model
   * and its checkpoint) may be lost by a crash, never torn, so their commit does not wait for the disk.
   */
  batch(statements: readonly SqlStatement[], options?: SqlWriteOptions): Promise<void>;
  /** Runs a script of DDL statements separated by semicolons. */
  executeScript(script: string): Promise<void>;
}

export interface SqlDatabaseOptions {
  /** The database also holds the event log (the log's SQLite file, or PostgreSQL when it is the log's store). */
  holdsTheLog: boolean;
}

export class SqliteSqlDatabase implements SqlDatabase {
  readonly dialect = 'sqlite';
  private readonly statements = new Map<string, Statement<unknown[]>>();
  private readonly groupCommit: SqliteGroupCommit;

  constructor(private readonly db: Database, private readonly options: SqlDatabaseOptions = { holdsTheLog: false }) {
    this.groupCommit = SqliteGroupCommit.of(db);
  }

  async query<Row>(sql: string, params: readonly unknown[] = []): Promise<Row[]> {
    return this.prepare(sql).all(...(params as unknown[])) as Row[];
  }

  async batch(statements: readonly SqlStatement[], write: SqlWriteOptions = {}): Promise<void> {
    // A savepoint of the connection's group transaction, run synchronously: nothing else interleaves with it.
    await this.groupCommit.write(
      this.db.transaction(() => {
        for (const statement of statements) checkRowCount(statement, this.prepare(statement.sql).run(...((statement.params ?? []) as unknown[])).changes);
      }),
      { rebuildable: waitsForNoDisk(write, this.options) },
    );
  }

  async executeScript(script: string): Promise<void> {
    this.db.exec(script);
  }

  private prepare(sql: string): Statement<unknown[]> {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare<unknown[]>(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }
}

/** BIGINT and NUMERIC come back as JS numbers; positions and counts stay far below 2^53. */
const numericTypes = {
  getTypeParser: (oid: number, format?: 'text' | 'binary') =>
    oid === types.builtins.INT8 || oid === types.builtins.NUMERIC ? Number : types.getTypeParser(oid, format as 'text'),
};

export class PostgresSqlDatabase implements SqlDatabase {
  readonly dialect = 'postgres';

  constructor(private readonly pool: Pool, private readonly options: SqlDatabaseOptions = { holdsTheLog: false }) {}

  async query<Row>(sql: string, params: readonly unknown[] = []): Promise<Row[]> {
    const result = await this.pool.query({ text: toPostgresPlaceholders(sql), values: [...params], types: numericTypes });
    return result.rows as Row[];
  }

  async batch(statements: readonly SqlStatement[], write: SqlWriteOptions = {}): Promise<void> {
    const client: PoolClient = await this.pool.connect();
    try {
      await client.query('BEGIN');
      if (waitsForNoDisk(write, this.options)) await client.query('SET LOCAL synchronous_commit TO OFF');
      for (const statement of statements) {
        const result = await client.query({ text: toPostgresPlaceholders(statement.sql), values: [...(statement.params ?? [])] });
        checkRowCount(statement, result.rowCount ?? 0);
      }
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  async executeScript(script: string): Promise<void> {
    if (await this.createsNothingNew(script)) return;
    // Several processes start at once at scale; the lock keeps their CREATE … IF NOT EXISTS from racing.
    await this.batch([{ sql: 'SELECT pg_advisory_xact_lock(7428001)' }, { sql: script }]);
  }

  /**
   * True when the script only creates tables and indexes, and all of them exist. Such a script
   * would change nothing, yet running it is not free: CREATE INDEX takes its table's SHARE lock
   * before it looks for the index, so a process starting again beside running ones would lock the
   * tables they write, one by one, and deadlock with a projection writing them in another order.
   */
  private async createsNothingNew(script: string): Promise<boolean> {
    // Our SQL has no `--` or `;` inside string literals.
    const statements = script
      .replace(/--[^\n]*/g, '')
      .split(';')
      .map((statement) => statement.trim())
      .filter((statement) => statement !== '');
    const names = statements.map((statement) => CREATE_IF_NOT_EXISTS.exec(statement)?.[1]);
    if (names.some((name) => name === undefined)) return false;
    const [{ missing }] = await this.query<{ missing: number }>('SELECT count(*) AS missing FROM unnest(?::text[]) AS name WHERE to_regclass(name) IS NULL', [names]);
    return missing === 0;
  }
}

const CREATE_IF_NOT_EXISTS = /^CREATE (?:UNIQUE )?(?:TABLE|INDEX) IF NOT EXISTS (\w+)/i;

/** A write whose commit need not wait for the disk: it is rebuilt from the log, or made durable by the next append. */
function waitsForNoDisk({ rebuildable = false, coveredByNextAppend = false }: SqlWriteOptions, { holdsTheLog }: SqlDatabaseOptions): boolean {
  return rebuildable || (coveredByNextAppend && holdsTheLog);
}

/** `?` → `$1`, `$2`, … (our SQL has no `?` inside string literals). */
function toPostgresPlaceholders(sql: string): string {
  let index = 0;
  return sql.replace(/\?/g, () => `$${++index}`);
}
