import { openSqliteDatabase } from '@yixin/event-store';
import { PostgresSqlDatabase, SqliteSqlDatabase, type SqlDatabase } from '@yixin/stores';
import { startTestPostgres, testPool, type TestPostgres } from '@yixin/testing';
import type { OutgoingMessage } from '../channels/channel';
import { LocalOutbox, OutboxChannel } from './local-outbox';

const message = (deliveryKey: string, text = '【一心】您反映的问题已受理，案件编号 YX-0001。'): OutgoingMessage => ({
  deliveryKey,
  template: 'resident_receipt',
  variables: {},
  text,
  subject: '已受理',
});

function outboxContract(name: string, open: () => Promise<{ db: SqlDatabase; close(): Promise<void> }>) {
  describe(`the local outbox on ${name}`, () => {
    let store: { db: SqlDatabase; close(): Promise<void> };
    let outbox: LocalOutbox;

    beforeEach(async () => {
      store = await open();
      outbox = new LocalOutbox(store.db);
      await outbox.onModuleInit();
      // A second start finds the table there.
      await outbox.onModuleInit();
    });
    afterEach(() => store.close());

    it('keeps a delivery once: a second send with its key keeps nothing and answers the same receipt', async () => {
      const sms = new OutboxChannel('sms', outbox);
      const first = await sms.send('13812345678', message('case-1/1/resident_receipt/resident'));
      const again = await sms.send('13812345678', message('case-1/1/resident_receipt/resident', 'another text'));
      expect(first).toEqual({ via: 'outbox', providerMessageId: expect.stringMatching(/^\d+$/) });
      expect(again).toEqual(first);
      const { items } = await outbox.list({ limit: 10 });
      expect(items).toEqual([
        {
          id: first.providerMessageId,
          deliveryKey: 'case-1/1/resident_receipt/resident',
          channel: 'sms',
          recipient: '138****5678',
          template: 'resident_receipt',
          text: '【一心】您反映的问题已受理，案件编号 YX-0001。',
          createdAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
        },
      ]);
    });

    it('never stores a phone whole, in any column', async () => {
      const sms = new OutboxChannel('sms', outbox);
      await sms.send('+86 138-1234-5678', message('a'));
      await sms.send('0571-87654321', message('b'));
      const rows = await store.db.query<Record<string, unknown>>('SELECT * FROM notification_outbox ORDER BY id');
      expect(rows.map((row) => row.recipient)).toEqual(['138****5678', '********4321']);
      const everything = JSON.stringify(rows);
      expect(everything).not.toContain('12345678');
      expect(everything).not.toContain('87654321');
    });

    it('keeps a WeCom message under the organisation it is for', async () => {
      const wecom = new OutboxChannel('wecom', outbox);
      await wecom.send('pc-beichen-aoyuan', { ...message('case-1/2/task_dispatched/pc-beichen-aoyuan', '新任务'), template: 'task_dispatched' });
      expect((await outbox.list({ limit: 10 })).items).toEqual([expect.objectContaining({ channel: 'wecom', recipient: 'pc-beichen-aoyuan', template: 'task_dispatched' })]);
    });

    it('pages newest first by a cursor, by channel and by recipient, to the last page', async () => {
      const sms = new OutboxChannel('sms', outbox);
      const wecom = new OutboxChannel('wecom', outbox);
      for (let index = 1; index <= 5; index++) {
        await sms.send('13812345678', message(`sms-${index}`));
        await wecom.send(index % 2 ? 'pc-beichen-aoyuan' : 'hushan', message(`wecom-${index}`));
      }
      const keys = (page: { items: Array<{ deliveryKey: string }> }) => page.items.map((item) => item.deliveryKey);
      const first = await outbox.list({ limit: 4 });
      expect(keys(first)).toEqual(['wecom-5', 'sms-5', 'wecom-4', 'sms-4']);
      const second = await outbox.list({ limit: 4, cursor: first.nextCursor! });
      expect(keys(second)).toEqual(['wecom-3', 'sms-3', 'wecom-2', 'sms-2']);
      const last = await outbox.list({ limit: 4, cursor: second.nextCursor! });
      expect(keys(last)).toEqual(['wecom-1', 'sms-1']);
      expect(last.nextCursor).toBeNull();

      const smsFirst = await outbox.list({ channel: 'sms', limit: 3 });
      expect(keys(smsFirst)).toEqual(['sms-5', 'sms-4', 'sms-3']);
      expect(keys(await outbox.list({ channel: 'sms', limit: 3, cursor: smsFirst.nextCursor! }))).toEqual(['sms-2', 'sms-1']);
      expect(keys(await outbox.list({ channel: 'wecom', recipient: 'pc-beichen-aoyuan', limit: 10 }))).toEqual(['wecom-5', 'wecom-3', 'wecom-1']);
      expect(await outbox.list({ channel: 'sms', recipient: 'pc-beichen-aoyuan', limit: 10 })).toEqual({ items: [], nextCursor: null });
    });

    it('keeps one row when the same delivery is sent many times at once', async () => {
      const sms = new OutboxChannel('sms', outbox);
      const receipts = await Promise.all(Array.from({ length: 8 }, () => sms.send('13812345678', message('raced'))));
      expect(new Set(receipts.map((receipt) => receipt.providerMessageId)).size).toBe(1);
      expect((await outbox.list({ limit: 10 })).items).toHaveLength(1);
    });
  });
}

outboxContract('SQLite', async () => {
  const db = openSqliteDatabase(':memory:');
  return { db: new SqliteSqlDatabase(db), close: async () => void db.close() };
});

describe('on PostgreSQL', () => {
  let postgres: TestPostgres;
  beforeAll(async () => {
    postgres = await startTestPostgres();
  }, 120_000);
  afterAll(async () => {
    await postgres?.stop();
  });

  outboxContract('PostgreSQL', async () => {
    const pool = testPool({ connectionString: postgres.connectionString, max: 4 });
    await pool.query('DROP TABLE IF EXISTS notification_outbox');
    return { db: new PostgresSqlDatabase(pool), close: () => pool.end() };
  });
});
