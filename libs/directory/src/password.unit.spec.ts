import * as crypto from 'node:crypto';
import { hashPassword, verifyPassword, verifyPasswordOfUnknownUser } from './password';

jest.mock('node:crypto', () => {
  const actual = jest.requireActual<typeof import('node:crypto')>('node:crypto');
  return { ...actual, scrypt: jest.fn(actual.scrypt) };
});

const scrypt = crypto.scrypt as unknown as jest.Mock;

/** What one sign-in asks of scrypt: how many derivations, of which salt and key lengths. */
function scryptWork(): Array<{ saltBytes: number; keyBytes: number }> {
  return scrypt.mock.calls.map(([, salt, keyBytes]: [string, Buffer, number]) => ({ saltBytes: salt.length, keyBytes }));
}

describe('passwords', () => {
  it('verifies the password a hash was made of, and no other', async () => {
    const stored = await hashPassword('Colleague-2026-pass');
    expect(await verifyPassword('Colleague-2026-pass', stored)).toBe(true);
    expect(await verifyPassword('colleague-2026-pass', stored)).toBe(false);
    expect(await verifyPassword('Colleague-2026-pass', 'plain$text')).toBe(false);
  });

  // Timing is not asserted (tests never fail on timing): the work is. Refusing an unknown username
  // without a derivation took 2 ms against 40 ms for a real one, which told a guesser who exists.
  it('asks the same scrypt work to refuse an unknown user as to check a real user’s password', async () => {
    const stored = await hashPassword('Colleague-2026-pass');
    scrypt.mockClear();
    expect(await verifyPassword('a wrong guess', stored)).toBe(false);
    const forRealUser = scryptWork();
    scrypt.mockClear();
    expect(await verifyPasswordOfUnknownUser('a wrong guess')).toBe(false);
    expect(scryptWork()).toEqual(forRealUser);
    expect(forRealUser).toEqual([{ saltBytes: 16, keyBytes: 32 }]);
  });
});
