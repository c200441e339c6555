import { api, unwrap, type Schemas } from '../api/client';
import type { SignedIn } from '../api/session';

export type Organisation = Schemas['OrganisationView'];

let organisations: Promise<Organisation[]> | undefined;
let loaded: Organisation[] | undefined;

/** The directory, fetched once per page load: it changes when an operator adds organisations, not during a shift. */
export function loadOrganisations(): Promise<Organisation[]> {
  organisations ??= api
    .GET('/directory/organisations', {})
    .then(unwrap)
    .then(
      (all) => (loaded = all),
      (error: unknown) => {
        organisations = undefined;
        throw error;
      },
    );
  return organisations;
}

/** The directory if it came already: a screen's first render can then show names, not ids. */
export function loadedOrganisations(): Organisation[] | undefined {
  return loaded;
}

/** The compounds of a community, by name. */
export function compoundsOf(all: readonly Organisation[], communityId: string): Organisation[] {
  return all.filter((organisation) => organisation.kind === 'compound' && organisation.parentId === communityId).sort(byName);
}

/** Who may be given a compound's task instead of the default routing: its property company and its owners' committee, as the API checks. */
export function assigneesOf(all: readonly Organisation[], compound: Organisation | undefined): Organisation[] {
  if (!compound) return [];
  return all.filter(
    (organisation) =>
      (organisation.kind === 'property_company' && organisation.id === compound.propertyCompanyId) ||
      (organisation.kind === 'owners_committee' && organisation.parentId === compound.id),
  );
}

/**
 * The communities and compounds a user's case list can hold: staff their community's, an owners'
 * committee its compound, officers their jurisdiction's, auditors all.
 */
export function scopeOf(all: readonly Organisation[], user: SignedIn): { communities: Organisation[]; compounds: Organisation[] } {
  const byId = new Map(all.map((organisation) => [organisation.id, organisation]));
  const within = (organisation: Organisation, ancestorId: string): boolean => {
    for (let current: Organisation | undefined = organisation; current; current = current.parentId ? byId.get(current.parentId) : undefined) {
      if (current.id === ancestorId) return true;
    }
    return false;
  };
  const inScope = (organisation: Organisation): boolean => {
    if (user.role === 'auditor') return true;
    if (user.role === 'owners_committee') return byId.get(user.organisationId)?.parentId === organisation.id;
    return within(organisation, user.organisationId);
  };
  const communities = all.filter((organisation) => organisation.kind === 'community' && inScope(organisation)).sort(byName);
  const compounds = all.filter((organisation) => organisation.kind === 'compound' && inScope(organisation)).sort(byName);
  return { communities, compounds };
}

function byName(a: Organisation, b: Organisation): number {
  return a.name.localeCompare(b.name, 'zh-CN');
}
