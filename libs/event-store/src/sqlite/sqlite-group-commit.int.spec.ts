import { mkdtempSync, readdirSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3, { type Database } from 'better-sqlite3';
import { openSqliteDatabase } from './sqlite-database';
import { SqliteGroupCommit } from './sqlite-group-commit';

function readlinkOr(path: string): string | undefined {
  try {
    return readlinkSync(path);
  } catch {
    return undefined;
  }
}

async function eventually(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 1));
}

describe('SqliteGroupCommit', () => {
  let dir: string;
  let db: Database;
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
    jest.restoreAllMocks();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const openOther = (options: { timeout?: number } = {}) => new BetterSqlite3(join(dir, 'group.sqlite'), options);

  it('runs the writes of one turn in one transaction, after the turn, each resolving with its own result', async () => {
    const other = openOther();
    const seenByOther: number[] = [];
    const insertSeen = (value: string) => () => {
      seenByOther.push(other.prepare('SELECT count(*) FROM notes').pluck().get() as number);
      return insert(value)();
    };
    const writes = [group.write(insertSeen('a')), group.write(insertSeen('b'))];
    expect(db.prepare('SELECT count(*) FROM notes').pluck().get()).toBe(0);
    expect(await Promise.all(writes)).toEqual([1, 1]);
    // The second write ran before the first was committed: both in the one transaction.
    expect(seenByOther).toEqual([0, 0]);
    expect(other.prepare('SELECT value FROM notes ORDER BY value').pluck().all()).toEqual(['a', 'b']);
    other.close();
  });

  it("waits for another connection's write lock without blocking the event loop, and writes asked for meanwhile join the group", async () => {
    const other = openOther();
    other.exec('BEGIN IMMEDIATE');
    const first = group.write(insert('a'));
    await new Promise((resolve) => setTimeout(resolve, 30));
    const second = group.write(insert('b'));
    expect(db.prepare('SELECT count(*) FROM notes').pluck().get()).toBe(0);
    other.exec('COMMIT');
    expect(await Promise.all([first, second])).toEqual([1, 1]);
    expect(db.pragma('busy_timeout', { simple: true })).toBe(5000);
    other.close();
  });

  it("gives up after the connection's busy timeout, changing nothing", async () => {
    const impatient = openSqliteDatabase(join(dir, 'group.sqlite'));
    impatient.pragma('busy_timeout = 50');
    const other = openOther();
    other.exec('BEGIN IMMEDIATE');
    const write = SqliteGroupCommit.of(impatient).write(() => impatient.prepare("INSERT INTO notes (value) VALUES ('a')").run());
    await expect(write).rejects.toThrow('database is locked');
    other.exec('ROLLBACK');
    expect(db.prepare('SELECT count(*) FROM notes').pluck().get()).toBe(0);
    impatient.close();
    other.close();
  });

  it('undoes a write that throws alone: the rest of its group commits', async () => {
    const outcomes = await Promise.allSettled([group.write(insert('a')), group.write(insert('a')), group.write(insert('c'))]);
    expect(outcomes.map(({ status }) => status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(db.prepare('SELECT value FROM notes ORDER BY value').pluck().all()).toEqual(['a', 'c']);
  });

  it('leaves the writes after 5 ms of a group to the next group, in order', async () => {
    const other = openOther();
    const committedWith: number[][] = [];
    const slowInsert = (value: string) => () => {
      const until = performance.now() + 6;
      while (performance.now() < until);
      committedWith.push(other.prepare('SELECT count(*) FROM notes').pluck().all() as number[]);
      return insert(value)();
    };
    expect(await Promise.all(['a', 'b', 'c', 'd'].map((value) => group.write(slowInsert(value))))).toEqual([1, 1, 1, 1]);
    // Each write holds the lock for 6 ms, past MAX_LOCK_HOLD_MS: every one after it waits for the next group.
    expect(committedWith.flat()).toEqual([0, 1, 2, 3]);
    expect(other.prepare('SELECT value FROM notes ORDER BY rowid').pluck().all()).toEqual(['a', 'b', 'c', 'd']);
    other.close();
  });

  it('commits every group at NORMAL, and syncs the WAL itself for a group with any write that is not rebuildable', async () => {
    const synced = jest.spyOn(SqliteGroupCommit, 'syncWalFile');
    const readSynchronous = () => synchronousNow();
    expect(await group.write(readSynchronous, { rebuildable: true })).toBe(1);
    expect(synced).not.toHaveBeenCalled();
    const mixed = await Promise.all([group.write(readSynchronous, { rebuildable: true }), group.write(insert('a'))]);
    expect(mixed).toEqual([1, 1]);
    expect(synced.mock.calls.map(([wal]) => wal.path)).toEqual([join(dir, 'group.sqlite-wal')]);
    expect(synchronousNow()).toBe(2);
  });

  it('settles a durable write only after an fdatasync begun after its commit; groups committed meanwhile share the next one', async () => {
    const gates: Array<() => void> = [];
    const realSync = SqliteGroupCommit.syncWalFile;
    jest.spyOn(SqliteGroupCommit, 'syncWalFile').mockImplementation(async (wal) => {
      await new Promise<void>((release) => gates.push(release));
      return realSync(wal);
    });
    const settled: string[] = [];
    const first = group.write(insert('a')).then(() => settled.push('a'));
    await eventually(() => gates.length === 1);
    const second = group.write(insert('b')).then(() => settled.push('b'));
    const third = group.write(insert('c')).then(() => settled.push('c'));
    await new Promise((resolve) => setTimeout(resolve, 20));
    // Committed (another connection reads them), not yet synced: nobody is told.
    const other = openOther();
    expect(other.prepare('SELECT count(*) FROM notes').pluck().get()).toBe(3);
    other.close();
    expect(settled).toEqual([]);
    expect(gates).toHaveLength(1);
    gates[0]();
    await first;
    expect(settled).toEqual(['a']);
    await eventually(() => gates.length === 2);
    gates[1]();
    await Promise.all([second, third]);
    expect(settled).toEqual(['a', 'b', 'c']);
  });

  const onLinux = process.platform === 'linux' ? it : it.skip;
  onLinux('keeps the WAL open between syncs that follow each other, and closes it a second after the last', async () => {
    const wal = join(dir, 'group.sqlite-wal');
    const handlesOfWal = () => readdirSync('/proc/self/fd').filter((fd) => readlinkOr(`/proc/self/fd/${fd}`) === wal).length;
    await group.write(insert('a'));
    // SQLite's own descriptor of the WAL, and the one it is synced through.
    const whileSyncing = handlesOfWal();
    const synced = jest.spyOn(SqliteGroupCommit, 'syncWalFile');
    await group.write(insert('b'));
    await group.write(insert('c'));
    expect(synced).toHaveBeenCalledTimes(2);
    expect(handlesOfWal()).toBe(whileSyncing);
    await new Promise((resolve) => setTimeout(resolve, 1200));
    expect(handlesOfWal()).toBe(whileSyncing - 1);
  });

  it('leaves the syncing to SQLite on a connection that is not FULL', async () => {
    const normal = openSqliteDatabase(join(dir, 'normal.sqlite'), { synchronous: 'NORMAL' });
    normal.exec('CREATE TABLE notes (value TEXT)');
    const synced = jest.spyOn(SqliteGroupCommit, 'syncWalFile');
    await SqliteGroupCommit.of(normal).write(() => normal.prepare("INSERT INTO notes VALUES ('a')").run());
    await SqliteGroupCommit.of(normal).synced();
    expect(synced).not.toHaveBeenCalled();
    normal.close();
  });
});
