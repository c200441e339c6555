/** Who handles a case: the organisation at its tier, the tier above it, and whom its task goes to. */
import { TIERS, type Tier } from '../shared/actor';
import { refuse } from '../shared/domain-error';
import { OWNERS_MATTERS } from './category';
import type { CompoundServices } from './case-commands';
import type { Assignee, TaskOrigin } from './case-events';
import type { CaseState } from './case-state';

/** Who gets the task when the center dispatches it, and why. */
export function routeTask(state: CaseState, compound: CompoundServices = recordedServices(state)): { assignee: Assignee; origin: TaskOrigin } {
  if (state.status === 'council_decided') return { assignee: state.council!.decision!.assignee, origin: 'council_decision' };
  const ownersCommittee = (): Assignee => {
    if (!compound.ownersCommitteeId) refuse('conflict', `compound ${state.compoundId} has no owners' committee to decide this`);
    return { organisationId: compound.ownersCommitteeId, kind: 'owners_committee' };
  };
  if (state.status === 'returned') return { assignee: ownersCommittee(), origin: 'redispatch' };
  if (state.routingOverride) return { assignee: state.routingOverride, origin: 'complaint' };
  if (OWNERS_MATTERS.includes(state.category!)) return { assignee: ownersCommittee(), origin: 'complaint' };
  return { assignee: { organisationId: compound.propertyCompanyId, kind: 'property_company' }, origin: 'complaint' };
}

/**
 * Staff choose whom a task goes to only among those who serve the case's compound: its property
 * project or its owners' committee. The assignee reads the resident in full, so a task given
 * elsewhere would hand a stranger the resident's name, phone and flat.
 */
export function requireServesCompound(assignee: Assignee, compound: CompoundServices, compoundId: string): void {
  if (!servesCompound(assignee, compound)) {
    refuse('invalid', `${assignee.organisationId} is not the ${assignee.kind.replace('_', ' ')} of compound ${compoundId}`);
  }
}

export function servesCompound(assignee: Assignee, compound: CompoundServices): boolean {
  return assignee.organisationId === (assignee.kind === 'property_company' ? compound.propertyCompanyId : compound.ownersCommitteeId);
}

/** Who served the compound when the complaint was filed. */
export function recordedServices(state: CaseState): CompoundServices {
  return { propertyCompanyId: state.propertyCompanyId!, ownersCommitteeId: state.ownersCommitteeId };
}

/** The organisation whose staff or officers handle the case at its tier. */
export function handlingOrganisation(state: Pick<CaseState, 'tier' | 'communityId' | 'jurisdiction'>): string | undefined {
  switch (state.tier) {
    case 'community':
      return state.communityId;
    case 'street':
      return state.jurisdiction?.streetId;
    case 'district':
      return state.jurisdiction?.districtId;
  }
}

export function tierAbove(tier: Tier): Tier | undefined {
  return TIERS[TIERS.indexOf(tier) + 1];
}
