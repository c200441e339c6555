import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';

const scryptAsync = promisify(scrypt) as (password: string, salt: Buffer, keylen: number) => Promise<Buffer>;
const KEY_LENGTH = 32;
/** Sign-in reads no longer password: a longer one could be set but never used. */
export const PASSWORD_MAX_LENGTH = 200;

/** A salted scrypt hash, stored as `scrypt$<salt hex>$<hash hex>`. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scryptAsync(password, salt, KEY_LENGTH);
  return `scrypt$${salt.toString('hex')}$${hash.toString('hex')}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, saltHex, hashHex] = stored.split('$');
  if (scheme !== 'scrypt' || !saltHex || !hashHex) return false;
  const expected = Buffer.from(hashHex, 'hex');
  const actual = await scryptAsync(password, Buffer.from(saltHex, 'hex'), expected.length);
  return timingSafeEqual(actual, expected);
}

/** A hash no password opens, made at start: checked against when the username is unknown. */
const NO_USER_HASH = hashPassword(randomBytes(32).toString('hex'));

/**
 * The same scrypt work as checking a real user's password, so that a failed sign-in takes as long
 * whether or not the username exists, and its timing does not tell which usernames do.
 */
export async function verifyPasswordOfUnknownUser(password: string): Promise<false> {
  await verifyPassword(password, await NO_USER_HASH);
  return false;
}

/**
 * Why a password chosen by an administrator is too weak, or undefined: long enough, not one kind of
 * character only, not built on the username. A minimum, not a policy.
 */
export function passwordWeakness(password: string, username: string): string | undefined {
  if (password.length < 10) return 'a password needs at least 10 characters';
  const kinds = [/\p{L}/u, /\p{N}/u, /[^\p{L}\p{N}]/u].filter((kind) => kind.test(password)).length;
  if (kinds < 2) return 'a password needs at least two of letters, digits and other characters';
  if (password.toLowerCase().includes(username.toLowerCase())) return 'a password must not contain the username';
  return undefined;
}
