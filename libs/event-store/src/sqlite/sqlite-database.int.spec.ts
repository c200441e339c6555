import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteDatabase } from './sqlite-database';

describe('openSqliteDatabase', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'yixin-sqlite-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('creates the missing folder and sets WAL, busy timeout, FULL sync and foreign keys', () => {
    const filename = join(dir, 'nested', 'data', 'log.sqlite');
    const db = openSqliteDatabase(filename);
    try {
      expect(existsSync(filename)).toBe(true);
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(db.pragma('busy_timeout', { simple: true })).toBe(5000);
      expect(db.pragma('synchronous', { simple: true })).toBe(2);
      expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    } finally {
      db.close();
    }
  });

  it('takes another synchronous mode and rejects an unknown one', () => {
    const db = openSqliteDatabase(join(dir, 'log.sqlite'), { synchronous: 'NORMAL' });
    try {
      expect(db.pragma('synchronous', { simple: true })).toBe(1);
    } finally {
      db.close();
    }
    expect(() => openSqliteDatabase(join(dir, 'other.sqlite'), { synchronous: 'FULL; DROP TABLE x' as never })).toThrow(
      /unknown synchronous mode/,
    );
  });
});
