/** What the decisions check of a case's status and of what a command brings, whoever sends it. */
import { refuse } from '../../shared/domain-error';
import { MAX_EVIDENCE, SHA256_HEX } from '../case-events';
import type { CaseState, CaseStatus } from '../case-state';

export function requireStatus(state: CaseState, allowed: readonly CaseStatus[], action: string): void {
  if (!allowed.includes(state.status)) {
    refuse('conflict', `case ${state.caseId} cannot be ${action} while ${state.status.replace(/_/g, ' ')}`);
  }
}

export function requireText(text: string, message: string): void {
  if (text.trim() === '') refuse('invalid', message);
}

export function requireEvidence(evidence: string[] = []): string[] {
  if (evidence.length > MAX_EVIDENCE) refuse('invalid', `at most ${MAX_EVIDENCE} photos may be given as evidence, not ${evidence.length}`);
  const malformed = evidence.find((hash) => !SHA256_HEX.test(hash));
  if (malformed !== undefined) refuse('invalid', `evidence ${JSON.stringify(malformed)} is not the lowercase hex SHA-256 of a photo`);
  const repeated = evidence.find((hash, index) => evidence.indexOf(hash) !== index);
  if (repeated !== undefined) refuse('invalid', `evidence names photo ${repeated} twice`);
  return [...evidence];
}

export function isBefore(a: string, b: string): boolean {
  return Date.parse(a) < Date.parse(b);
}
