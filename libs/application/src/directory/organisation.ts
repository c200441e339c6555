import type { Role } from '../../../domain/src';

export const ORGANISATION_KINDS = [
  'district',
  'street',
  'center',
  'community',
  'compound',
  'property_company',
  'owners_committee',
  'property_council',
  'owners_council',
] as const;
export type OrganisationKind = (typeof ORGANISATION_KINDS)[number];

export interface Organisation {
  id: string;
  kind: OrganisationKind;
  name: string;
  /** The organisation it belongs to: a community's street, a compound's community, … */
  parentId?: string;
  /** For a compound: the property project serving it. */
  propertyCompanyId?: string;
}

export interface UserAccount {
  username: string;
  userId: string;
  displayName: string;
  role: Role;
  organisationId: string;
  /** Manages the users of its organisation (and, in a district, of every organisation under it). */
  isAdministrator?: boolean;
}
