import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { openSqliteDatabase } from './sqlite-database';
import { SqliteGroupCommit } from './sqlite-group-commit';

describe('SqliteGroupCommit', () => {
  let dir: string;
  let db: Database.Database;
  let group: SqliteGroupCommit;
  const insert = (value: string) => () => db.prepare('INSERT INTO notes (value) VALUES (?)').run(value).changes;
  const synchronousNow = () => db.pragma('synchronous', { simple: true }) as number;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'yixin-group-commit-'));
    db = openSqliteDatabase(join(dir, 'group.sqlite'), { synchronous: 'FULL' });
    db.exec('CREATE TABLE notes (value TEXT NOT NULL UNIQUE)');
    group = SqliteGroupCommit.of(db);
  });

  afterEach(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs the writes of one turn in one transaction, after the turn, each resolving with its own result', async () => {
    const begins = jest.spyOn(db, 'exec');
    const writes = [group.write(insert('a')), group.write(insert('b'))];
    expect(db.prepare('SELECT count(*) FROM notes').pluck().get()).toBe(0);
    expect(await Promise.all(writes)).toEqual([1, 1]);
    expect(begins.mock.calls.filter(([sql]) => sql === 'BEGIN IMMEDIATE')).toHaveLength(1);
    expect(db.prepare('SELECT value FROM notes ORDER BY value').pluck().all()).toEqual(['a', 'b']);
  });

  it('undoes a write that throws alone: the rest of its group commits', async () => {
    const outcomes = await Promise.allSettled([group.write(insert('a')), group.write(insert('a')), group.write(insert('c'))]);
    expect(outcomes.map(({ status }) => status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(db.prepare('SELECT value FROM notes ORDER BY value').pluck().all()).toEqual(['a', 'c']);
  });

  it('commits a group of rebuildable writes without waiting for the disk, and a group with any other write with it', async () => {
    const readSynchronous = () => synchronousNow();
    expect(await group.write(readSynchronous, { rebuildable: true })).toBe(1);
    expect(synchronousNow()).toBe(2);
    const mixed = await Promise.all([group.write(readSynchronous, { rebuildable: true }), group.write(insert('a'))]);
    expect(mixed[0]).toBe(2);
    expect(synchronousNow()).toBe(2);
  });
});
