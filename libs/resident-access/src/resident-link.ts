import { createHmac, timingSafeEqual } from 'node:crypto';
import { caseNumberOf } from '@yixin/domain';

/** What a resident types or follows: 8 hexadecimal characters of the case id, and a 6-digit check code. */
export const CASE_NUMBER_PATTERN = /^[0-9a-fA-F]{8}$/;
export const CHECK_CODE_PATTERN = /^[0-9]{6}$/;

/** The domain's rule (the random end of the case id), so that the SMS and the page agree on it. */
export { caseNumberOf };

/** A case number as typed, in the form caseNumberOf gives it. */
export function normaliseCaseNumber(typed: string): string {
  return typed.trim().toLowerCase();
}

/** 6 decimal digits of HMAC-SHA256(secret, caseId): only who holds the secret can make one, and it proves nothing for another case. */
export function checkCodeOf(secret: string, caseId: string): string {
  const mac = createHmac('sha256', secret).update(caseId).digest();
  return String(mac.readUInt32BE(0) % 1_000_000).padStart(6, '0');
}

/** The link the resident's SMS carries: the page, the case number and the check code. */
export function residentLinkOf(residentPageUrl: string, secret: string, caseId: string): string {
  return `${residentPageUrl.replace(/\/+$/, '')}/${caseNumberOf(caseId)}/${checkCodeOf(secret, caseId)}`;
}

/** Whether `typed` is the case's check code, compared in constant time so that the time taken tells nothing of how much of it was right. */
export function isCheckCodeOf(secret: string, caseId: string, typed: string): boolean {
  const expected = Buffer.from(checkCodeOf(secret, caseId));
  // As long as the expected code whatever was typed (cut or padded with zero bytes): timingSafeEqual compares equal lengths only.
  const given = Buffer.alloc(expected.length);
  given.write(typed);
  return timingSafeEqual(expected, given) && typed.length === expected.length;
}
