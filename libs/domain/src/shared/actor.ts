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

export interface Actor {
  userId: string;
  role: Role;
  organisationId: string;
}

/** The case workflow acts as the center itself when it moves a case on. */
export function systemActor(centerOrganisationId: string): Actor {
  return { userId: 'case-workflow', role: 'system', organisationId: centerOrganisationId };
}
