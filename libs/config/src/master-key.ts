/** The size of every key of residents' personal data (libs/privacy): AES-256 and HMAC-SHA256. */
export const KEY_BYTES = 32;

/** YIXIN_PII_MASTER_KEY (or the key that replaces it, named by `variable`): exactly 32 bytes, base64. */
export function parseMasterKey(base64: string, variable = 'YIXIN_PII_MASTER_KEY'): Buffer {
  const key = Buffer.from(base64, 'base64');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(base64) || key.length !== KEY_BYTES || key.toString('base64') !== base64) {
    throw new Error(`${variable} must be ${KEY_BYTES} random bytes in base64 (e.g. openssl rand -base64 32)`);
  }
  return key;
}
