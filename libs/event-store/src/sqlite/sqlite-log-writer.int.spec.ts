import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { event } from '../contract/event-store.contract';
import { SqliteEventStore } from './sqlite-event-store';
import { IpcLogWriter } from './sqlite-log-writer';
import { startLogWriterProcess } from './__fixtures__/log-writer-process';

// What the contract suite cannot show: the writer process going away.
describe('appends through the log file’s writer process', () => {
  let dir: string;

  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'yixin-log-writer-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('once the writer process is gone, an append is refused with that reason and nothing is written', async () => {
    const filename = join(dir, 'log.sqlite');
    const writerProcess = await startLogWriterProcess(filename);
    const db = new Database(filename, { readonly: true });
    const store = new SqliteEventStore(db, { writer: new IpcLogWriter(writerProcess) });
    try {
      await store.append('case-1', [event('before')], 'no_stream');
      writerProcess.kill('SIGKILL');
      await once(writerProcess, 'exit');

      await expect(store.append('case-1', [event('after')], 0)).rejects.toThrow(/log writer process is gone/);
      expect((await store.readStream('case-1')).map((stored) => stored.id)).toEqual(['before']);
    } finally {
      db.close();
    }
  });
});
