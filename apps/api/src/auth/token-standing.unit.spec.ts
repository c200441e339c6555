import { TOKEN_RECHECK_INTERVAL_MS, TokenNoLongerStandsError, whileTokenStands } from './token-standing';

describe('whileTokenStands', () => {
  let now: number;
  let stands: boolean;
  let checks: number;
  const tokenStillStands = async () => {
    checks++;
    return stands;
  };

  beforeEach(() => {
    now = 1_000_000;
    stands = true;
    checks = 0;
  });

  /** Lines of an export, each taking `msEach` to produce; records whether the consumer let it go. */
  function lines(count: number, msEach: number, closed: { value: boolean }) {
    return (async function* () {
      try {
        for (let line = 1; line <= count; line++) {
          now += msEach;
          yield `line ${line}`;
        }
      } finally {
        closed.value = true;
      }
    })();
  }

  it('passes every item on while the token stands, asking once per interval', async () => {
    const closed = { value: false };
    const passed: string[] = [];
    for await (const line of whileTokenStands(lines(10, 1_000, closed), tokenStillStands, () => now)) passed.push(line);
    expect(passed).toHaveLength(10);
    expect(checks).toBe(Math.floor(10_000 / TOKEN_RECHECK_INTERVAL_MS));
  });

  it('stops within an interval of the token falling, and closes the source', async () => {
    const closed = { value: false };
    const passed: string[] = [];
    const consuming = (async () => {
      for await (const line of whileTokenStands(lines(100, 1_000, closed), tokenStillStands, () => now)) {
        passed.push(line);
        if (passed.length === 7) stands = false;
      }
    })();
    await expect(consuming).rejects.toBeInstanceOf(TokenNoLongerStandsError);
    expect(passed).toHaveLength(9);
    expect(closed.value).toBe(true);
  });
});
