import { createHash } from 'node:crypto';
import type { Actor } from '@yixin/domain';

/**
 * A key with which another system files complaints on behalf of one community: the community's
 * intake from outside, such as the transfer of 12345 hotline calls. Stored by its SHA-256 only.
 */
export interface ApiKey {
  keyId: string;
  communityId: string;
  label: string;
}

/** A key with its secret in clear: only demo keys are known this way; the store keeps the hash. */
export interface ApiKeyWithSecret extends ApiKey {
  secret: string;
}

export function hashApiKey(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** A key files as staff of its community, so the domain's rule of who may file holds for it unchanged. */
export function apiKeyActor(key: ApiKey): Actor {
  return { userId: `api-key:${key.keyId}`, role: 'community_staff', organisationId: key.communityId };
}
