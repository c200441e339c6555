import { randomBytes } from 'node:crypto';
import { parseMasterKey } from './master-key';

describe('parseMasterKey', () => {
  it('reads 32 bytes of base64', () => {
    const bytes = randomBytes(32);
    expect(parseMasterKey(bytes.toString('base64'))).toEqual(bytes);
  });

  it.each([
    ['16 bytes', randomBytes(16).toString('base64')],
    ['33 bytes', randomBytes(33).toString('base64')],
    ['hex', randomBytes(32).toString('hex')],
    ['base64 with a stray character', `${randomBytes(32).toString('base64')}!`],
  ])('refuses %s, saying what it needs', (_what, value) => expect(() => parseMasterKey(value)).toThrow(/YIXIN_PII_MASTER_KEY must be 32 random bytes in base64/));
});
