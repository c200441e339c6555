import { refuse, type Actor, type CaseState, type Resident } from '@yixin/domain';
import type { DirectoryService } from './directory.service';

/**
 * Who may read a case. Enforced where cases are read, so every entry point (HTTP, CLI, jobs)
 * gets the same answer.
 */
export function mayReadCase(viewer: Actor, state: CaseState, directory: DirectoryService): boolean {
  switch (viewer.role) {
    case 'community_staff':
      return viewer.organisationId === state.communityId;
    case 'property_company':
      return viewer.organisationId === state.task?.assigneeOrganisationId;
    case 'owners_committee':
      return directory.findOrganisation(viewer.organisationId)?.parentId === state.compoundId || holdsTask(viewer, state);
    case 'street_officer':
      return streetOf(state, directory) === viewer.organisationId;
    case 'district_officer': {
      const street = streetOf(state, directory);
      return street !== undefined && directory.findOrganisation(street)?.parentId === viewer.organisationId;
    }
    case 'auditor':
    case 'system':
      return true;
    case 'council_member':
      return state.council !== undefined && state.council.councilId === viewer.organisationId;
    case 'resident':
      return viewer.organisationId === state.caseId;
  }
}

/** The communities or compounds whose cases a viewer may list. */
export interface CaseListScope {
  /** Only these communities (undefined: all). */
  communityIds?: string[];
  /** Only these compounds (undefined: all). */
  compoundIds?: string[];
}

/** The communities or compounds whose cases a role lists; neither means all of them. */
export function caseListScope(viewer: Actor, directory: DirectoryService): CaseListScope {
  switch (viewer.role) {
    case 'community_staff':
      return { communityIds: [viewer.organisationId] };
    case 'owners_committee': {
      const committee = directory.findOrganisation(viewer.organisationId);
      return { compoundIds: committee?.kind === 'owners_committee' && committee.parentId ? [committee.parentId] : [] };
    }
    case 'street_officer':
    case 'district_officer':
      return { communityIds: jurisdictionOf(viewer, directory) };
    case 'auditor':
      return {};
    default:
      refuse('forbidden', `the role ${viewer.role} has no case list`);
  }
}

/** The communities a street or district officer supervises. */
export function jurisdictionOf(viewer: Actor, directory: DirectoryService): string[] {
  switch (viewer.role) {
    case 'street_officer':
      return directory.communitiesOf([viewer.organisationId]);
    case 'district_officer':
      return directory.communitiesOf(directory.childrenOf(viewer.organisationId, 'street'));
    default:
      refuse('forbidden', 'only street and district officers supervise a jurisdiction');
  }
}

function holdsTask(viewer: Actor, state: CaseState): boolean {
  return viewer.role === state.task?.assigneeKind && viewer.organisationId === state.task.assigneeOrganisationId;
}

/**
 * A resident's name, phone and unit are for the community's staff, and for the company (or owners'
 * committee) while it holds the task.
 */
export function maySeeResident(viewer: Actor, state: CaseState): boolean {
  if (viewer.role === 'community_staff') return viewer.organisationId === state.communityId;
  return holdsTask(viewer, state) && state.status !== 'closed';
}

export function maskResident(resident: Resident): Resident {
  return {
    name: resident.name.slice(0, 1) + '*'.repeat(Math.max(resident.name.length - 1, 1)),
    phone: resident.phone.length > 7 ? `${resident.phone.slice(0, 3)}****${resident.phone.slice(-4)}` : '****',
  };
}

function streetOf(state: CaseState, directory: DirectoryService): string | undefined {
  return state.communityId ? directory.findOrganisation(state.communityId)?.parentId : undefined;
}

/**
 * Event data stored before personal data was encrypted (schema version 3 and older: `resident`,
 * `location.unit`), with the resident masked: what auditors see of it, and all that Temporal is sent.
 * Later events hold it encrypted, and are left as they are.
 */
export function maskPersonalData(data: Record<string, unknown>): Record<string, unknown> {
  if (!('resident' in data)) return data;
  const location = data.location as { unit?: string } | undefined;
  return {
    ...data,
    resident: maskResident(data.resident as Resident),
    ...(location?.unit === undefined ? {} : { location: { ...location, unit: '***' } }),
  };
}
