import { useEffect, useState } from 'react';
import { loadOrganisations, type Organisation } from '../shared/directory';

export type { Organisation } from '../shared/directory';

/** The directory by id: names for ids (compounds, companies, communities) and the tree under a district. */
function loadDirectory(): Promise<Map<string, Organisation>> {
  return loadOrganisations().then((all) => new Map(all.map((organisation) => [organisation.id, organisation])));
}

/** The organisations by id; empty until loaded (ids show meanwhile). */
export function useOrganisations(): Map<string, Organisation> {
  const [organisations, setOrganisations] = useState<Map<string, Organisation>>(new Map());
  useEffect(() => {
    let current = true;
    loadDirectory().then(
      (loaded) => current && setOrganisations(loaded),
      () => undefined,
    );
    return () => {
      current = false;
    };
  }, []);
  return organisations;
}

/** The organisations under one (itself first), walking the parents the directory records. */
export function organisationsUnder(rootId: string, organisations: Map<string, Organisation>): Organisation[] {
  const children = new Map<string, Organisation[]>();
  for (const organisation of organisations.values()) {
    if (organisation.parentId) children.set(organisation.parentId, [...(children.get(organisation.parentId) ?? []), organisation]);
  }
  const found: Organisation[] = [];
  const walk = (id: string) => {
    const organisation = organisations.get(id);
    if (organisation) found.push(organisation);
    for (const child of children.get(id) ?? []) walk(child.id);
  };
  walk(rootId);
  return found;
}
