import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Database } from 'better-sqlite3';
import { BackgroundCheckpointer } from './background-checkpointer';
import { openSqliteDatabase } from './sqlite-database';

async function eventually(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('BackgroundCheckpointer', () => {
  let dir: string;
  let file: string;
  let db: Database;
  const insertRows = (count: number) => {
    const insert = db.prepare('INSERT INTO notes (value) VALUES (?)');
    db.transaction(() => {
      for (let row = 0; row < count; row++) insert.run('汇报'.repeat(200));
    })();
  };
  const sizeOf = (path: string) => statSync(path).size;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'yixin-checkpointer-'));
    file = join(dir, 'log.sqlite');
    db = openSqliteDatabase(file, { synchronous: 'NORMAL', autoCheckpointPages: 0 });
    db.exec('CREATE TABLE notes (value TEXT NOT NULL)');
  });

  afterEach(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('copies the WAL into the database file from its own thread, so that writers start the WAL over instead of growing it', async () => {
    insertRows(2000);
    const databaseBefore = sizeOf(file);
    const walBefore = sizeOf(`${file}-wal`);
    const checkpointer = BackgroundCheckpointer.start(file, (failure) => {
      throw new Error(failure);
    });
    try {
      await eventually(() => sizeOf(file) > databaseBefore);
      // Written whole into the database file: the next writes go to the start of the WAL again.
      await new Promise((resolve) => setTimeout(resolve, 150));
      for (let round = 0; round < 5; round++) {
        insertRows(100);
        await new Promise((resolve) => setTimeout(resolve, 150));
      }
      expect(sizeOf(`${file}-wal`)).toBe(walBefore);
    } finally {
      await checkpointer.stop();
    }
  });

  it('tells of a checkpoint it cannot make, and stops when asked', async () => {
    const failures: string[] = [];
    const checkpointer = BackgroundCheckpointer.start(join(dir, 'missing.sqlite'), (failure) => failures.push(failure));
    await eventually(() => failures.length > 0);
    expect(failures).toEqual([expect.stringMatching(/unable to open database file/)]);
    await checkpointer.stop();
  });
});
