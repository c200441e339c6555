import { PostgresSqlDatabase, StatementRowCountError } from '@yixin/stores';
import { startTestPostgres, testPool, type TestPostgres } from '@yixin/testing';
import { DatabaseLeases, LEASES_SCHEMA, type LeaseTiming } from './database-leases';
import type { HeldLease } from './leases';

const TIMING: LeaseTiming = { ttlMs: 1500, everyMs: 250 };

/** A worker's side of one lease: when it held it, and a way to stop it. */
class Contender {
  readonly stopping = new AbortController();
  readonly holdings: { token: number; from: number; to?: number }[] = [];
  readonly running: Promise<void>;
  current?: HeldLease;

  constructor(readonly leases: DatabaseLeases, name: string) {
    this.running = leases.runWhileHeld(name, this.stopping.signal, async (lease) => {
      this.current = lease;
      const holding: { token: number; from: number; to?: number } = { token: lease.token, from: Date.now() };
      this.holdings.push(holding);
      await new Promise<void>((resolve) => lease.signal.addEventListener('abort', () => resolve(), { once: true }));
      holding.to = Date.now();
      this.current = undefined;
    });
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    await this.running;
  }
}

async function eventually<T>(probe: () => T | undefined, what: string, timeoutMs = 10_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('leases in PostgreSQL', () => {
  let postgres: TestPostgres;
  const pools: ReturnType<typeof testPool>[] = [];
  const contenders: Contender[] = [];

  const worker = () => {
    const pool = testPool({ connectionString: postgres.connectionString, max: 3 });
    pools.push(pool);
    return { pool, leases: new DatabaseLeases(new PostgresSqlDatabase(pool), TIMING) };
  };
  const contend = (leases: DatabaseLeases, name: string) => {
    const contender = new Contender(leases, name);
    contenders.push(contender);
    return contender;
  };

  beforeAll(async () => {
    postgres = await startTestPostgres();
    const { pool } = worker();
    await pool.query(LEASES_SCHEMA);
    await pool.query('CREATE TABLE read_model (value TEXT)');
  }, 120_000);

  afterEach(async () => {
    await Promise.all(contenders.splice(0).map((contender) => contender.stop()));
  });

  afterAll(async () => {
    await Promise.all(pools.map((pool) => pool.end().catch(() => undefined)));
    await postgres?.stop();
  });

  it('is held by one worker at a time, and handed over within a renewal when its holder stops', async () => {
    const [first, second, third] = [worker(), worker(), worker()].map(({ leases }) => contend(leases, 'bridge'));
    const holder = await eventually(() => [first, second, third].find((contender) => contender.current), 'a holder');
    await new Promise((resolve) => setTimeout(resolve, 4 * TIMING.everyMs));
    expect([first, second, third].filter((contender) => contender.current)).toEqual([holder]);

    const stoppedAt = Date.now();
    await holder.stop();
    const successor = await eventually(() => [first, second, third].find((contender) => contender.current), 'a successor');
    expect(successor).not.toBe(holder);
    expect(Date.now() - stoppedAt).toBeLessThan(TIMING.ttlMs);
    expect(successor.current!.token).toBeGreaterThan(holder.holdings[0].token);
  });

  it('is given up by a holder cut off from the database before the lease expires, and taken over after', async () => {
    const cutOff = worker();
    const holder = contend(cutOff.leases, 'projection:case_list');
    await eventually(() => holder.current, 'the first holder');
    const other = contend(worker().leases, 'projection:case_list');

    await cutOff.pool.end();
    const successor = await eventually(() => other.current, 'the takeover');
    const given = holder.holdings[0];
    expect(given.to).toBeDefined();
    // The first gave the work up before the second could start it: never two at once.
    expect(given.to!).toBeLessThanOrEqual(other.holdings[0].from);
    expect(successor.token).toBe(given.token + 1);
  });

  it('fences off the writes of a holder whose lease has changed hands', async () => {
    const { pool, leases } = worker();
    const db = new PostgresSqlDatabase(pool);
    const stale = contend(leases, 'projection:rates');
    const lease = await eventually(() => stale.current, 'the lease');
    const fence = lease.fence();
    await db.batch([...fence, { sql: 'INSERT INTO read_model VALUES (?)', params: ['while held'] }]);

    // Another worker takes the lease over while this holder has not noticed yet.
    await pool.query("UPDATE leases SET token = token + 1, holder = 'another' WHERE name = 'projection:rates'");
    await expect(db.batch([...fence, { sql: 'INSERT INTO read_model VALUES (?)', params: ['after the takeover'] }])).rejects.toThrow(StatementRowCountError);

    const rows = await pool.query<{ value: string }>('SELECT value FROM read_model ORDER BY value');
    expect(rows.rows.map((row) => row.value)).toEqual(['while held']);
    await eventually(() => (stale.current ? undefined : true), 'the stale holder to notice it was taken over');
  });

  it('spreads the names over the workers present, and takes over the work of one that stops', async () => {
    const names = ['bridge:temporal', 'projection:a', 'projection:b', 'projection:c', 'projection:d', 'projection:e'];
    const join = () => {
      const { leases } = worker();
      return names.map((name) => contend(leases, name));
    };
    const held = (workers: Contender[][]) => workers.map((contenders) => contenders.filter((contender) => contender.current).length);
    /** Each name held by exactly one contender, and how many each worker holds, once that is `expected`. */
    const settles = (workers: Contender[][], expected: number[], what: string) =>
      eventually(() => {
        const counts = held(workers);
        const eachOnce = names.every((_, index) => workers.filter((contenders) => contenders[index].current).length === 1);
        return eachOnce && [...counts].sort().join() === [...expected].sort().join() ? counts : undefined;
      }, what, 20_000);

    const first = join();
    await settles([first], [6], 'the first worker to take every lease');
    const second = join();
    await settles([first, second], [3, 3], 'two workers to share the leases');
    const third = join();
    await settles([first, second, third], [2, 2, 2], 'three workers to share the leases');

    await Promise.all(second.map((contender) => contender.stop()));
    await settles([first, third], [3, 3], "the second worker's leases to be taken over");
    // Never two holders of a name at once: each name's holdings, in token order, follow one another.
    for (const [index] of names.entries()) {
      const holdings = [first, second, third].flatMap((contenders) => contenders[index].holdings).sort((a, b) => a.token - b.token);
      for (let next = 1; next < holdings.length; next += 1) expect(holdings[next].from).toBeGreaterThanOrEqual(holdings[next - 1].to!);
    }
  }, 60_000);
});
