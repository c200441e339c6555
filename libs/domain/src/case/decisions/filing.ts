/** A complaint filed as a case, and the resident's personal data erased from it. */
import { refuse } from '../../shared/domain-error';
import { requireCommunityStaff } from '../authorisation';
import type { ErasePersonalData, FileComplaint } from '../case-commands';
import type { CaseEvent } from '../case-events';
import type { CaseState } from '../case-state';
import { requireServesCompound } from '../routing';
import { requireText } from './preconditions';

export function fileComplaint(command: FileComplaint, state: CaseState): CaseEvent[] {
  if (state.status !== 'not_filed') refuse('conflict', `case ${command.caseId} was already filed`);
  const { complaint, compound, actor, routingOverride } = command;
  requireCommunityStaff(actor, complaint.location.communityId, 'only staff of the community where the complaint arises may file it');
  if (compound.id !== complaint.location.compoundId || compound.communityId !== complaint.location.communityId) {
    refuse('invalid', `compound ${complaint.location.compoundId} does not belong to community ${complaint.location.communityId}`);
  }
  requireText(complaint.description, 'a complaint needs a description');
  if (routingOverride) {
    requireText(routingOverride.reason, 'choosing another assignee needs a reason');
    requireServesCompound(routingOverride, compound, compound.id);
  }
  const filed: CaseEvent = {
    type: 'ComplaintFiled',
    data: {
      ...complaint,
      caseId: command.caseId,
      propertyCompanyId: compound.propertyCompanyId,
      ...(compound.ownersCommitteeId ? { ownersCommitteeId: compound.ownersCommitteeId } : {}),
      jurisdiction: compound.jurisdiction,
      ...(routingOverride ? { routingOverride } : {}),
      filedAt: command.at,
    },
  };
  if (!command.duplicateOf) return [filed];
  if (command.duplicateOf === command.caseId) refuse('invalid', 'a case cannot be a duplicate of itself');
  return [filed, { type: 'CaseLinkedAsDuplicate', data: { primaryCaseId: command.duplicateOf, linkedAt: command.at } }];
}

export function erasePersonalData(command: ErasePersonalData, state: CaseState): CaseEvent[] {
  // The community erases the cases it filed; another community's are that community's to erase.
  requireCommunityStaff(
    command.actor,
    state.communityId,
    `only staff of community ${state.communityId} take a resident’s request to erase the personal data of its cases`,
  );
  const key = state.residentKey;
  if (!key) refuse('conflict', `case ${state.caseId} was filed before personal data was encrypted: its resident’s data cannot be erased by deleting a key`);
  if (key.subjectId !== command.subjectId) refuse('invalid', `case ${state.caseId} is not a case of resident ${command.subjectId}`);
  if (key.erasedAt) refuse('conflict', `the personal data of case ${state.caseId} was already erased at ${key.erasedAt}`);
  return [{ type: 'PersonalDataErased', data: { subjectId: key.subjectId, keyId: key.keyId, erasedAt: command.at } }];
}
