import { newKey, open, pseudonymOf, seal, type Sealed } from './personal-data-crypto';

const plaintext = Buffer.from(JSON.stringify({ name: '王阿姨', phone: '13800000000', unit: '2单元1502室' }), 'utf8');
const CONTEXT = 'case/c-1/subject/s-1/key/k-1';

/** The same sealed value with one byte of `field` flipped. */
function flipped(sealed: Sealed, field: keyof Sealed): Sealed {
  const bytes = Buffer.from(sealed[field], 'base64');
  bytes[0] ^= 0x01;
  return { ...sealed, [field]: bytes.toString('base64') };
}

describe('sealing personal data with AES-256-GCM', () => {
  const key = newKey();

  it('opens what it sealed, with the same key and context', () => expect(open(seal(plaintext, key, CONTEXT), key, CONTEXT)).toEqual(plaintext));

  it('leaves nothing of the plaintext readable in what it stores', () => {
    const stored = JSON.stringify(seal(plaintext, key, CONTEXT));
    for (const secret of ['王阿姨', '13800000000', '2单元1502室', Buffer.from('13800000000').toString('base64')]) expect(stored).not.toContain(secret);
  });

  it('seals the same data differently every time: a fresh IV each time', () => {
    const [first, second] = [seal(plaintext, key, CONTEXT), seal(plaintext, key, CONTEXT)];
    expect(first.iv).not.toBe(second.iv);
    expect(first.ciphertext).not.toBe(second.ciphertext);
  });

  it('refuses to open with another key', () => expect(() => open(seal(plaintext, key, CONTEXT), newKey(), CONTEXT)).toThrow());

  it.each(['tag', 'ciphertext', 'iv'] as const)('refuses to open with its %s tampered with', (field) =>
    expect(() => open(flipped(seal(plaintext, key, CONTEXT), field), key, CONTEXT)).toThrow());

  it('refuses to open in another context: a ciphertext copied into another case does not decrypt', () =>
    expect(() => open(seal(plaintext, key, CONTEXT), key, 'case/c-2/subject/s-1/key/k-1')).toThrow());

  it('makes 32-byte keys', () => expect(newKey()).toHaveLength(32));
});

describe('pseudonymOf', () => {
  const key = newKey();

  it('gives a phone number the same pseudonym however it is written', () => {
    expect(pseudonymOf('138 0000 0000', key)).toBe(pseudonymOf('13800000000', key));
    expect(pseudonymOf('0571-12345678', key)).toBe(pseudonymOf('057112345678', key));
  });

  it('is 64 hexadecimal digits, not the phone number', () => {
    expect(pseudonymOf('13800000000', key)).toMatch(/^[0-9a-f]{64}$/);
    expect(pseudonymOf('13800000000', key)).not.toContain('13800000000');
  });

  it('differs between phone numbers and between keys', () => {
    expect(pseudonymOf('13800000000', key)).not.toBe(pseudonymOf('13800000001', key));
    expect(pseudonymOf('13800000000', key)).not.toBe(pseudonymOf('13800000000', newKey()));
  });
});
