import type { Role } from '@yixin/domain';

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

/**
 * The kind of organisation each kind belongs to: the tree the directory walks to find a compound's
 * street and district, a council's members, the organisations a district's administrators manage.
 * A district belongs to none.
 */
export const PARENT_KIND: Record<OrganisationKind, OrganisationKind | undefined> = {
  district: undefined,
  street: 'district',
  center: 'street',
  community: 'street',
  compound: 'community',
  property_company: 'property_council',
  owners_committee: 'compound',
  property_council: 'street',
  owners_council: 'street',
};

/** Ids go into URLs, tokens and log lines as they are. */
export const ORGANISATION_ID_PATTERN = /^[a-z0-9][a-z0-9._-]{0,63}$/;
export const ORGANISATION_ID_RULE = 'an organisation id is 1 to 64 of a-z 0-9 . _ - and starts with a letter or digit';

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
