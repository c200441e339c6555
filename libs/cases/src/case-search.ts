import { CATEGORIES, CATEGORY_CODES } from '@yixin/domain';
import type { DirectoryService } from '@yixin/directory';
import type { OrganisationKind } from '@yixin/directory';
import { normaliseForSearch, type SearchTerm } from './case-list';

/**
 * A search as typed (`北辰 电梯`): its words, separated by any white space, each with the compounds,
 * communities and categories whose names contain it as they are named now.
 */
export function searchTerms(query: string, directory: DirectoryService): SearchTerm[] {
  const words = new Set(normaliseForSearch(query).split(/\s+/).filter((word) => word.length > 0));
  return [...words].map((text) => ({
    text,
    compoundIds: namedWith(directory, 'compound', text),
    communityIds: namedWith(directory, 'community', text),
    categories: CATEGORY_CODES.filter((code) => normaliseForSearch(CATEGORIES[code]).includes(text)),
  }));
}

function namedWith(directory: DirectoryService, kind: OrganisationKind, text: string): string[] {
  return directory
    .organisationsOfKind(kind)
    .filter((organisation) => normaliseForSearch(organisation.name).includes(text))
    .map((organisation) => organisation.id);
}
