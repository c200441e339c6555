/**
 * Who may do what to a case. Each check refuses with `forbidden` (or `conflict` when the case has
 * no one in that place yet); the API's role guards only keep others from reaching the command.
 */
import { RESIDENT_ROLE, TIERS, type Actor, type Role, type Tier } from '../shared/actor';
import { refuse } from '../shared/domain-error';
import type { CaseState, CouncilState, TaskState } from './case-state';
import { handlingOrganisation } from './routing';

/** The role whose people handle a case at each tier: the community's staff, then the street's and the district's officers. */
export const HANDLING_ROLE_AT_TIER = {
  community: 'community_staff',
  street: 'street_officer',
  district: 'district_officer',
} as const satisfies Record<Tier, Role>;
export type HandlingRole = (typeof HANDLING_ROLE_AT_TIER)[Tier];

/** Every role that handles cases at some tier, the lowest tier first. */
export const HANDLING_ROLES: readonly HandlingRole[] = TIERS.map((tier) => HANDLING_ROLE_AT_TIER[tier]);

/** The center acts at any tier; anyone else only at the tier handling the case, and for its organisation. */
export function requireHandlingTier(actor: Actor, state: CaseState): void {
  if (actor.role === 'system') return;
  if (actor.role !== HANDLING_ROLE_AT_TIER[state.tier] || actor.organisationId !== handlingOrganisation(state)) {
    refuse('forbidden', `case ${state.caseId} is handled at the ${state.tier} tier by ${handlingOrganisation(state)}`);
  }
}

/** Street officers of the case's street and district officers of its district supervise it, wherever it stands. */
export function requireSupervisingOfficer(actor: Actor, state: CaseState): void {
  const jurisdiction = state.jurisdiction;
  const supervises =
    (actor.role === 'street_officer' && actor.organisationId === jurisdiction?.streetId) ||
    (actor.role === 'district_officer' && actor.organisationId === jurisdiction?.districtId);
  if (!supervises) refuse('forbidden', `only the street or district supervising case ${state.caseId} may do this`);
}

export function requireSystem(actor: Actor): void {
  if (actor.role !== 'system') refuse('forbidden', 'only the center moves a case on by itself');
}

export function requireAssignee(actor: Actor, state: CaseState): TaskState {
  const task = state.task;
  if (!task) refuse('conflict', `case ${state.caseId} has no task`);
  if (actor.role !== task.assigneeKind || actor.organisationId !== task.assigneeOrganisationId) {
    refuse('forbidden', `task ${task.taskId} is not assigned to your organisation`);
  }
  return task;
}

/** A community's staff act on the cases filed in their community, and on no other. */
export function requireCommunityStaff(
  actor: Actor,
  communityId: string | undefined,
  refusal = `only staff of community ${communityId} may do this`,
): void {
  if (actor.role !== 'community_staff' || actor.organisationId !== communityId) refuse('forbidden', refusal);
}

/** The resident of the case, acting through the resident page with its check code; the resident of no other case. */
export function isResidentOf(actor: Actor, state: CaseState): boolean {
  return actor.role === RESIDENT_ROLE && actor.organisationId === state.caseId;
}

export function requireCommunityOrAssignee(actor: Actor, state: CaseState): void {
  if (actor.role === 'community_staff') return requireCommunityStaff(actor, state.communityId);
  requireAssignee(actor, state);
}

export function requireCouncilSecretary(actor: Actor, state: CaseState): CouncilState {
  const council = state.council!;
  if (actor.role !== 'council_member' || actor.organisationId !== council.councilId) {
    refuse('forbidden', `only the secretariat of council ${council.councilId} may do this`);
  }
  return council;
}
