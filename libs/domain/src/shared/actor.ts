/** The people and programs that act on a case, as the domain sees them. */
export const ROLES = [
  'community_staff',
  'property_company',
  'owners_committee',
  'council_member',
  'street_officer',
  'district_officer',
  'auditor',
  'system',
] as const;
export type Role = (typeof ROLES)[number];

export const TIERS = ['community', 'street', 'district'] as const;
export type Tier = (typeof TIERS)[number];

/**
 * A resident acting on their own case through the resident page, having shown the case's check code.
 * Not one of ROLES: a resident has no account, signs in nowhere and is given no token, so the roles
 * of users (accounts, tokens, the console's menus) stay as they are.
 */
export const RESIDENT_ROLE = 'resident';
export type ActorRole = Role | typeof RESIDENT_ROLE;
/** Every role an event's actor may have: the users' roles, and the resident's. */
export const ACTOR_ROLES: readonly ActorRole[] = [...ROLES, RESIDENT_ROLE];

export interface Actor {
  userId: string;
  role: ActorRole;
  /** For a resident: the case they proved to be theirs. */
  organisationId: string;
}

/** The resident of one case, as the resident page acts for them. */
export function residentActor(caseId: string): Actor {
  return { userId: 'resident', role: RESIDENT_ROLE, organisationId: caseId };
}

/** The case workflow acts as the center itself when it moves a case on. */
export function systemActor(centerOrganisationId: string): Actor {
  return { userId: 'case-workflow', role: 'system', organisationId: centerOrganisationId };
}
