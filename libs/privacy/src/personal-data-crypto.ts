import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { KEY_BYTES } from '@yixin/config';

/**
 * The cryptography of residents' personal data, with Node's crypto alone: AES-256-GCM for the data
 * and for wrapping the data keys under the master key, HMAC-SHA256 for residents' pseudonyms.
 * Associated data binds each ciphertext to where it belongs, so that a ciphertext moved to another
 * case or a wrapped key moved to another row fails to open instead of opening as someone else's.
 */

/** GCM's recommended nonce size; a random one per encryption, never reused with the same key. */
const IV_BYTES = 12;

export interface Sealed {
  ciphertext: string;
  iv: string;
  tag: string;
}

export function newKey(): Buffer {
  return randomBytes(KEY_BYTES);
}

export function seal(plaintext: Buffer, key: Buffer, associatedData: string): Sealed {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(associatedData, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { ciphertext: ciphertext.toString('base64'), iv: iv.toString('base64'), tag: cipher.getAuthTag().toString('base64') };
}

/** Throws when the key, the associated data, the ciphertext, the IV or the tag is not the one sealed. */
export function open(sealed: Sealed, key: Buffer, associatedData: string): Buffer {
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(sealed.iv, 'base64'));
  decipher.setAAD(Buffer.from(associatedData, 'utf8'));
  decipher.setAuthTag(Buffer.from(sealed.tag, 'base64'));
  return Buffer.concat([decipher.update(Buffer.from(sealed.ciphertext, 'base64')), decipher.final()]);
}

/**
 * The same phone number written with spaces or dashes is the same resident: their cases must share
 * one pseudonym, or an erasure would miss some of them.
 */
export function normalisePhone(phone: string): string {
  return phone.replace(/[\s-]/g, '');
}

/** A resident's pseudonym: not reversible without the key, the same for every case of the same phone. */
export function pseudonymOf(phone: string, pseudonymKey: Buffer): string {
  return createHmac('sha256', pseudonymKey).update(normalisePhone(phone), 'utf8').digest('hex');
}
