import { FixedWindowCounter } from './rate-limit';

describe('FixedWindowCounter', () => {
  let now: number;
  const counter = (limit: number) => new FixedWindowCounter(limit, 60_000, () => now);

  beforeEach(() => (now = 1_000_000));

  it('allows `limit` hits per key in a window, then tells how long until the window ends', () => {
    const writes = counter(3);
    expect([writes.hit('wang'), writes.hit('wang'), writes.hit('wang')]).toEqual([undefined, undefined, undefined]);
    now += 15_500;
    expect(writes.hit('wang')).toBe(45);
    expect(writes.hit('li')).toBeUndefined();
  });

  it('opens a new window at the first hit after the last one ended; refused hits do not count', () => {
    const writes = counter(1);
    expect(writes.hit('wang')).toBeUndefined();
    now += 59_999;
    expect(writes.hit('wang')).toBe(1);
    now += 1;
    expect(writes.hit('wang')).toBeUndefined();
    now += 30_000;
    expect(writes.hit('wang')).toBe(30);
  });

  it('forgets the keys of ended windows once per window', () => {
    const writes = counter(5);
    for (const key of ['a', 'b', 'c']) writes.hit(key);
    now += 30_000;
    writes.hit('d');
    expect(writes.size).toBe(4);
    now += 30_000;
    writes.hit('d');
    expect(writes.size).toBe(1);
  });
});

describe('FixedWindowCounter.retryAfter', () => {
  it('tells whether a key may hit now without counting a hit', () => {
    let now = 1_000_000;
    const failures = new FixedWindowCounter(2, 60_000, () => now);
    expect(failures.retryAfter('10.0.0.1')).toBeUndefined();
    failures.hit('10.0.0.1');
    expect(failures.retryAfter('10.0.0.1')).toBeUndefined();
    expect(failures.retryAfter('10.0.0.1')).toBeUndefined();
    failures.hit('10.0.0.1');
    now += 20_000;
    expect(failures.retryAfter('10.0.0.1')).toBe(40);
    expect(failures.retryAfter('10.0.0.2')).toBeUndefined();
    now += 40_000;
    expect(failures.retryAfter('10.0.0.1')).toBeUndefined();
  });
});
