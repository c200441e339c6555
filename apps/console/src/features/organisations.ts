import { useEffect, useState } from 'react';
import { loadedOrganisations, loadOrganisations, type Organisation } from '../shared/directory';

export type { Organisation } from '../shared/directory';

let byId: { from: Organisation[]; map: Map<string, Organisation> } | undefined;

/** The directory by id: names for ids (compounds, companies, communities) and the tree under a district. */
function directoryById(all: Organisation[]): Map<string, Organisation> {
  if (byId?.from !== all) byId = { from: all, map: new Map(all.map((organisation) => [organisation.id, organisation])) };
  return byId.map;
}

/** The organisations by id; empty until loaded (ids show meanwhile), at once if the directory came already. */
export function useOrganisations(): Map<string, Organisation> {
  const [organisations, setOrganisations] = useState<Map<string, Organisation>>(() => {
    const all = loadedOrganisations();
    return all ? directoryById(all) : new Map();
  });
  useEffect(() => {
    let current = true;
    loadOrganisations().then(
      (all) => current && setOrganisations(directoryById(all)),
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
