import { TIERS, type Actor, type Tier } from '../shared/actor';
import type { WorkingCalendar } from '../calendar/working-calendar';
import { refuse } from '../shared/domain-error';
import { OWNERS_MATTERS } from './category';
import type { CaseCommand, CompoundServices, ErasePersonalData, FileComplaint } from './case-commands';
import type { Assignee, CaseEvent, DeadlineKind, EscalationReason, TaskDeadlines } from './case-events';
import { DEADLINE_KINDS, MAX_EVIDENCE, SHA256_HEX } from './case-events';
import { TASK_RUNNING_STATUSES, type CaseState, type CaseStatus, type OpenDeadline, type TaskState } from './case-state';
import { addDuration, pushBackByPause, unitOf, type DeadlineUnit, type DeadlinePolicy, type Duration, type TaskLimits } from './deadline-policy';

/** What the domain needs to count time: the operators' policy and the working-day calendar. */
export interface CaseClock {
  policy: DeadlinePolicy;
  calendar: WorkingCalendar;
}

/** Decides which events a command produces on a case, or refuses it with a DomainError. */
export function decideCase(command: CaseCommand, state: CaseState, clock: CaseClock): CaseEvent[] {
  if (command.type === 'FileComplaint') return fileComplaint(command, state);
  if (state.status === 'not_filed') refuse('not_found', `case ${command.caseId} does not exist`);
  // A resident's right to erasure does not end when their case does.
  if (command.type === 'ErasePersonalData') return erasePersonalData(command, state);
  if (state.status === 'closed' && command.type !== 'ReopenCase') {
    refuse('conflict', `case ${state.caseId} is closed; only the supervising tier can reopen it`);
  }
  const { actor, at } = command;
  const deadlines = new Deadlines(state, clock);

  switch (command.type) {
    case 'DispatchTask': {
      requireStatus(state, ['filed', 'returned', 'council_decided'], 'dispatched');
      requireHandlingTier(actor, state);
      if (state.status === 'returned' && state.lastReturn?.reason !== 'needs_owners_decision') {
        refuse('conflict', `a task returned as ${state.lastReturn?.reason} is re-dispatched by staff with a reason`);
      }
      const { assignee, origin } = routing(state, command.compound);
      return [
        {
          type: 'TaskDispatched',
          data: {
            taskId: command.taskId,
            assigneeOrganisationId: assignee.organisationId,
            assigneeKind: assignee.kind,
            origin,
            ...(state.status === 'filed' && state.routingOverride ? { reason: state.routingOverride.reason } : {}),
            deadlines: origin === 'council_decision' ? deadlines.forCouncilDecision(at, state.council!.decision!.dueBy) : deadlines.forTier(at),
            dispatchedAt: at,
          },
        },
      ];
    }

    case 'RedispatchTask': {
      requireStatus(state, ['filed', 'awaiting_sign_for', 'in_progress', 'returned', 'awaiting_redo', 'before_council', 'council_decided'], 're-dispatched');
      requireHandlingTier(actor, state);
      requireText(command.reason, 'a re-dispatch needs a reason');
      requireServesCompound(command.assignee, command.compound ?? recordedServices(state), state.compoundId!);
      return [
        {
          type: 'TaskDispatched',
          data: {
            taskId: command.taskId,
            assigneeOrganisationId: command.assignee.organisationId,
            assigneeKind: command.assignee.kind,
            origin: 'redispatch',
            reason: command.reason,
            deadlines: deadlines.forTier(at),
            dispatchedAt: at,
          },
        },
      ];
    }

    case 'SendReminder': {
      requireSystem(actor);
      requireStatus(state, TASK_RUNNING_STATUSES, 'reminded');
      if (state.paused) refuse('conflict', `the clock of case ${state.caseId} is paused`);
      const task = state.task!;
      const open = task.deadlines[command.deadline];
      if (!open) refuse('conflict', `the ${command.deadline} deadline of task ${task.taskId} is met or not set`);
      if (open.remindedAt) refuse('conflict', `the ${command.deadline} deadline of task ${task.taskId} was already reminded`);
      if (isBefore(at, open.remindAt)) refuse('conflict', `the ${command.deadline} reminder is not due until ${open.remindAt}`);
      return [
        {
          type: 'DeadlineReminderSent',
          data: {
            taskId: task.taskId,
            assigneeOrganisationId: task.assigneeOrganisationId,
            deadline: command.deadline,
            due: open.due,
            escalateAt: addDuration(at, clock.policy.followUp[state.urgency!].escalateAfter, clock.calendar),
            remindedAt: at,
          },
        },
      ];
    }

    case 'SignForTask': {
      const task = requireAssignee(actor, state);
      requireStatus(state, ['awaiting_sign_for'], 'signed for');
      return [{ type: 'TaskSignedFor', data: { taskId: task.taskId, signedForAt: at } }];
    }

    case 'ReportProgress': {
      const task = requireAssignee(actor, state);
      requireStatus(state, ['in_progress'], 'reported on');
      requireText(command.note, 'a progress report needs a note');
      const evidence = requireEvidence(command.evidence);
      return [{ type: 'ProgressReported', data: { taskId: task.taskId, note: command.note, evidence, reportedAt: at } }];
    }

    case 'ResolveTask': {
      const task = requireAssignee(actor, state);
      if (state.status === 'awaiting_sign_for') refuse('conflict', `task ${task.taskId} must be signed for before it is resolved`);
      requireStatus(state, ['in_progress'], 'resolved');
      requireText(command.note, 'a resolution needs a note saying what was done');
      const evidence = requireEvidence(command.evidence);
      return [{ type: 'TaskResolved', data: { taskId: task.taskId, note: command.note, evidence, resolvedAt: at } }];
    }

    case 'AttachEvidence': {
      // Whatever stage the case is at, the staff who took the complaint may add the photos that back
      // it: the resident may bring more later. A closed case takes none (refused above), as it takes no upload.
      requireCommunityStaff(actor, state);
      const evidence = requireEvidence(command.evidence);
      if (evidence.length === 0) refuse('invalid', 'attaching evidence needs at least one photo');
      const { note } = command;
      if (note !== undefined) requireText(note, 'a note to the photos must not be blank; leave it out instead');
      return [{ type: 'EvidenceAttached', data: { evidence, ...(note === undefined ? {} : { note }), attachedAt: at } }];
    }

    case 'ReturnTask': {
      const task = requireAssignee(actor, state);
      requireStatus(state, TASK_RUNNING_STATUSES, 'returned');
      requireText(command.note, 'a return needs a note explaining it');
      if (command.reason === 'needs_owners_decision' && task.assigneeKind === 'owners_committee') {
        refuse('invalid', 'the owners committee is the one to take owners decisions; return it for another reason');
      }
      return [
        {
          type: 'TaskReturned',
          data: { taskId: task.taskId, returnedBy: actor.organisationId, reason: command.reason, note: command.note, returnedAt: at },
        },
      ];
    }

    case 'RejectReturn': {
      requireStatus(state, ['returned'], 'sent back to its assignee');
      requireHandlingTier(actor, state);
      requireText(command.reason, 'rejecting a return needs a reason');
      const task = state.task!;
      return [
        {
          type: 'ReturnRejected',
          data: { taskId: task.taskId, assigneeOrganisationId: task.assigneeOrganisationId, reason: command.reason, rejectedAt: at },
        },
      ];
    }

    case 'RequestExtension': {
      const task = requireAssignee(actor, state);
      requireStatus(state, TASK_RUNNING_STATUSES, 'extended');
      requireText(command.reason, 'an extension request needs a reason');
      const resolve = task.deadlines.resolve!;
      if (!isBefore(at, resolve.due)) refuse('conflict', `an extension must be requested before the deadline ${resolve.due}`);
      if (task.extensionRequest) refuse('conflict', `task ${task.taskId} already has an extension request waiting for an answer`);
      return [
        {
          type: 'ExtensionRequested',
          data: { taskId: task.taskId, requestedBy: actor.organisationId, extension: command.extension, reason: command.reason, requestedAt: at },
        },
      ];
    }

    case 'GrantExtension': {
      requireHandlingTier(actor, state);
      const task = requireExtensionRequest(state);
      return [
        {
          type: 'DeadlineExtended',
          data: { taskId: task.taskId, resolve: deadlines.extended(task, task.extensionRequest!.extension), requested: true, extendedAt: at },
        },
      ];
    }

    case 'RefuseExtension': {
      requireHandlingTier(actor, state);
      const task = requireExtensionRequest(state);
      requireText(command.reason, 'refusing an extension needs a reason');
      return [{ type: 'ExtensionRefused', data: { taskId: task.taskId, reason: command.reason, refusedAt: at } }];
    }

    case 'ExtendDeadline': {
      requireStatus(state, TASK_RUNNING_STATUSES, 'extended');
      requireHandlingTier(actor, state);
      requireText(command.reason, 'an extension needs a reason');
      const task = state.task!;
      if (task.extensionRequest) refuse('conflict', `task ${task.taskId} has an extension request: grant or refuse it`);
      return [
        {
          type: 'DeadlineExtended',
          data: { taskId: task.taskId, resolve: deadlines.extended(task, command.extension), requested: false, reason: command.reason, extendedAt: at },
        },
      ];
    }

    case 'PauseClock': {
      requireStatus(state, TASK_RUNNING_STATUSES, 'paused');
      requireCommunityOrAssignee(actor, state);
      requireText(command.reason, 'pausing the clock needs a reason');
      if (state.paused) refuse('conflict', `the clock of case ${state.caseId} is already paused`);
      return [{ type: 'ClockPaused', data: { taskId: state.task!.taskId, reason: command.reason, pausedAt: at } }];
    }

    case 'ResumeClock': {
      requireCommunityOrAssignee(actor, state);
      if (!state.paused) refuse('conflict', `the clock of case ${state.caseId} is not paused`);
      return [{ type: 'ClockResumed', data: { taskId: state.task!.taskId, deadlines: deadlines.afterPause(state.paused.since, at), resumedAt: at } }];
    }

    case 'EscalateCase': {
      requireSystem(actor);
      const toTier = tierAbove(state.tier);
      if (!toTier) refuse('conflict', `case ${state.caseId} is already at the district, the highest tier`);
      if (!state.jurisdiction) refuse('conflict', `case ${state.caseId} was filed without its street and district and cannot be escalated`);
      requireEscalationCause(command.reason, state, at);
      const running = TASK_RUNNING_STATUSES.includes(state.status) && state.task !== undefined;
      return [
        {
          type: 'CaseEscalated',
          data: {
            fromTier: state.tier,
            toTier,
            reason: command.reason,
            supervisorOrganisationId: handlingOrganisation({ ...state, tier: toTier })!,
            ...(running ? { deadlines: deadlines.renewedAt(toTier, at, state.task!) } : {}),
            escalatedAt: at,
          },
        },
      ];
    }

    case 'ReferToCouncil': {
      requireStatus(state, ['filed', 'awaiting_sign_for', 'in_progress', 'returned', 'awaiting_redo', 'resolved'], 'referred to a council');
      requireHandlingTier(actor, state);
      requireText(command.question, 'a referral needs the question the council is to decide');
      const councilId = command.councilId ?? state.jurisdiction?.councils[command.council];
      if (!councilId) refuse('conflict', `no ${command.council.replace('_', ' ')} sits for the street of case ${state.caseId}`);
      return [
        {
          type: 'CaseReferredToCouncil',
          data: {
            council: command.council,
            councilId,
            question: command.question,
            decideBy: addDuration(at, clock.policy.councilDecision, clock.calendar),
            referredAt: at,
          },
        },
      ];
    }

    case 'ConveneCouncilSession': {
      requireStatus(state, ['before_council'], 'put before a council session');
      const council = requireCouncilSecretary(actor, state);
      if (command.members.length === 0) refuse('invalid', 'a council session needs its members');
      if (isBefore(command.scheduledFor, at)) refuse('invalid', 'a session cannot be scheduled in the past');
      return [
        {
          type: 'CouncilSessionConvened',
          data: { councilId: council.councilId, sessionId: command.sessionId, members: command.members, scheduledFor: command.scheduledFor, convenedAt: at },
        },
      ];
    }

    case 'RecordCouncilDecision': {
      requireStatus(state, ['before_council'], 'decided by a council');
      const council = requireCouncilSecretary(actor, state);
      if (!council.sessionId) refuse('conflict', `no session of council ${council.councilId} has been convened for case ${state.caseId}`);
      requireText(command.decision, 'a decision needs its text: who does what');
      if (!isBefore(at, command.dueBy)) refuse('invalid', 'a decision is due after it is taken');
      const { vote } = command;
      if (vote && !(vote.for > vote.against)) refuse('invalid', `a vote of ${vote.for} for and ${vote.against} against carries no decision`);
      // A council may settle a dispute on one of its members, say the company next door; no one outside it and the compound.
      if (!servesCompound(command.assignee, command.compound ?? recordedServices(state)) && !council.members?.includes(command.assignee.organisationId)) {
        refuse('invalid', `${command.assignee.organisationId} neither serves compound ${state.compoundId} nor sits on council ${council.councilId}`);
      }
      return [
        {
          type: 'CouncilDecisionRecorded',
          data: {
            councilId: council.councilId,
            sessionId: council.sessionId,
            decision: command.decision,
            assignee: command.assignee,
            dueBy: command.dueBy,
            ...(vote ? { vote } : {}),
            decidedAt: at,
          },
        },
      ];
    }

    case 'RecordCallBack': {
      requireCommunityStaff(actor, state);
      requireStatus(state, ['resolved'], 'called back');
      const { outcome, rating, note } = command;
      if (outcome === 'unreachable') {
        if (rating !== undefined) refuse('invalid', 'an unreachable resident gives no rating');
      } else if (rating === undefined || !Number.isInteger(rating) || rating < 1 || rating > 5) {
        refuse('invalid', 'rating must be a whole number from 1 to 5');
      }
      const callBack: CaseEvent = {
        type: 'CallBackRecorded',
        data: { outcome, ...(rating === undefined ? {} : { rating }), ...(note === undefined ? {} : { note }), calledBackAt: at },
      };
      if (outcome === 'satisfied') return [callBack, { type: 'CaseClosed', data: { reason: 'resident_satisfied', closedAt: at } }];
      if (outcome === 'unreachable' && state.unreachableCallBacks + 1 >= UNREACHABLE_CALL_BACKS_BEFORE_CLOSING) {
        return [callBack, { type: 'CaseClosed', data: { reason: 'resident_unreachable', closedAt: at } }];
      }
      return [callBack];
    }

    case 'OrderRedo': {
      requireStatus(state, ['awaiting_redo'], 'redone');
      requireHandlingTier(actor, state);
      const task = state.task!;
      return [
        {
          type: 'TaskRedoOrdered',
          data: {
            taskId: task.taskId,
            assigneeOrganisationId: task.assigneeOrganisationId,
            redoCount: state.redoCount + 1,
            deadlines: deadlines.forTier(at),
            orderedAt: at,
          },
        },
      ];
    }

    case 'WithdrawComplaint':
      requireCommunityStaff(actor, state);
      requireText(command.note, 'a withdrawal needs a note of what the resident said');
      return [{ type: 'CaseClosed', data: { reason: 'withdrawn', note: command.note, closedAt: at } }];

    case 'MergeCase':
      requireCommunityStaff(actor, state);
      requireStatus(state, ['filed', 'awaiting_sign_for'], 'merged into another case');
      if (command.primaryCaseId === state.caseId) refuse('invalid', 'a case cannot be merged into itself');
      return [{ type: 'CaseLinkedAsDuplicate', data: { primaryCaseId: command.primaryCaseId, linkedAt: at } }];

    case 'UnmergeCase':
      requireCommunityStaff(actor, state);
      requireStatus(state, ['duplicate'], 'unmerged');
      return [{ type: 'CaseUnlinked', data: { primaryCaseId: state.duplicateOf!, unlinkedAt: at } }];

    case 'CloseWithRuling':
      if (state.tier === 'community') refuse('conflict', 'only a supervising tier (street or district) closes a case with a ruling');
      requireHandlingTier(actor, state);
      requireText(command.ruling, 'a ruling needs its text');
      return [{ type: 'CaseClosed', data: { reason: 'ruling', note: command.ruling, closedAt: at } }];

    case 'ReopenCase':
      requireStatus(state, ['closed'], 'reopened');
      requireSupervisingOfficer(actor, state);
      requireText(command.reason, 'reopening needs a reason');
      return [{ type: 'CaseReopened', data: { reason: command.reason, reopenedAt: at } }];
  }
}

/** A resident who cannot be reached after this many call-backs closes the case as unreachable. */
export const UNREACHABLE_CALL_BACKS_BEFORE_CLOSING = 3;

/** Redos, or distinct parties returning the case, that make it escalate (as real hotlines do). */
export const REPEATS_BEFORE_ESCALATION = 3;

function fileComplaint(command: FileComplaint, state: CaseState): CaseEvent[] {
  if (state.status !== 'not_filed') refuse('conflict', `case ${command.caseId} was already filed`);
  const { complaint, compound, actor, routingOverride } = command;
  if (actor.role !== 'community_staff' || actor.organisationId !== complaint.location.communityId) {
    refuse('forbidden', 'only staff of the community where the complaint arises may file it');
  }
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

function erasePersonalData(command: ErasePersonalData, state: CaseState): CaseEvent[] {
  // The community erases the cases it filed; another community's are that community's to erase.
  if (command.actor.role !== 'community_staff' || command.actor.organisationId !== state.communityId) {
    refuse('forbidden', `only staff of community ${state.communityId} take a resident’s request to erase the personal data of its cases`);
  }
  const key = state.residentKey;
  if (!key) refuse('conflict', `case ${state.caseId} was filed before personal data was encrypted: its resident’s data cannot be erased by deleting a key`);
  if (key.subjectId !== command.subjectId) refuse('invalid', `case ${state.caseId} is not a case of resident ${command.subjectId}`);
  if (key.erasedAt) refuse('conflict', `the personal data of case ${state.caseId} was already erased at ${key.erasedAt}`);
  return [{ type: 'PersonalDataErased', data: { subjectId: key.subjectId, keyId: key.keyId, erasedAt: command.at } }];
}

/**
 * Staff choose whom a task goes to only among those who serve the case's compound: its property
 * project or its owners' committee. The assignee reads the resident in full, so a task given
 * elsewhere would hand a stranger the resident's name, phone and flat.
 */
function requireServesCompound(assignee: Assignee, compound: CompoundServices, compoundId: string): void {
  if (!servesCompound(assignee, compound)) {
    refuse('invalid', `${assignee.organisationId} is not the ${assignee.kind.replace('_', ' ')} of compound ${compoundId}`);
  }
}

function servesCompound(assignee: Assignee, compound: CompoundServices): boolean {
  return assignee.organisationId === (assignee.kind === 'property_company' ? compound.propertyCompanyId : compound.ownersCommitteeId);
}

/** Who served the compound when the complaint was filed. */
function recordedServices(state: CaseState): CompoundServices {
  return { propertyCompanyId: state.propertyCompanyId!, ownersCommitteeId: state.ownersCommitteeId };
}

/** Who gets the task when the center dispatches it, and why. */
function routing(state: CaseState, compound: CompoundServices = recordedServices(state)): { assignee: Assignee; origin: 'complaint' | 'redispatch' | 'council_decision' } {
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

/** Deadlines of a case, counted with the operators' policy on the working-day calendar. */
class Deadlines {
  constructor(private readonly state: CaseState, private readonly clock: CaseClock) {}

  /** Fresh deadlines for a task given at this tier. */
  forTier(at: string, tier: Tier = this.state.tier): TaskDeadlines {
    const limits = this.limits(tier);
    return Object.fromEntries(DEADLINE_KINDS.map((kind) => [kind, this.deadline(at, limitOf(limits, kind))])) as TaskDeadlines;
  }

  /** A council decides when its decision is due; sign-for and first reply follow the tier's limits. */
  forCouncilDecision(at: string, dueBy: string): TaskDeadlines {
    const fresh = this.forTier(at);
    return { ...fresh, resolve: { due: dueBy, unit: 'hours', remindAt: this.remindAt(dueBy) } };
  }

  /** The tier a case is escalated to sets fresh limits for whatever is still open on the task. */
  renewedAt(tier: Tier, at: string, task: TaskState): Partial<TaskDeadlines> {
    const fresh = this.forTier(at, tier);
    return Object.fromEntries(openKinds(task).map((kind) => [kind, fresh[kind]]));
  }

  extended(task: TaskState, extension: Duration): OpenDeadline {
    const current = task.deadlines.resolve;
    if (!current) refuse('conflict', `task ${task.taskId} has no resolve deadline left to extend`);
    return this.deadline(current.due, extension);
  }

  /** Every open deadline pushed back by the time the clock stood still. */
  /**
   * Every open deadline pushed back by the time the clock stood still, each instant counted the way
   * it was set: the due date in its own unit, the reminder and escalation in the follow-up's.
   */
  afterPause(pausedAt: string, resumedAt: string): Partial<Record<DeadlineKind, OpenDeadline>> {
    const task = this.state.task!;
    const pushBack = (instant: string, unit: DeadlineUnit) => pushBackByPause(instant, unit, pausedAt, resumedAt, this.clock.calendar);
    const escalationUnit = unitOf(this.clock.policy.followUp[this.state.urgency!].escalateAfter);
    return Object.fromEntries(
      openKinds(task).map((kind) => {
        const { due, unit, remindedAt, escalateAt } = task.deadlines[kind]!;
        const pushedDue = pushBack(due, unit);
        return [
          kind,
          {
            due: pushedDue,
            unit,
            remindAt: this.remindAt(pushedDue),
            ...(remindedAt ? { remindedAt } : {}),
            ...(escalateAt ? { escalateAt: pushBack(escalateAt, escalationUnit) } : {}),
          },
        ];
      }),
    );
  }

  private deadline(from: string, limit: Duration) {
    const due = addDuration(from, limit, this.clock.calendar);
    return { due, unit: unitOf(limit), remindAt: this.remindAt(due) };
  }

  private remindAt(due: string): string {
    return addDuration(due, this.clock.policy.followUp[this.state.urgency!].remindAfter, this.clock.calendar);
  }

  private limits(tier: Tier): TaskLimits {
    const { policy } = this.clock;
    return tier === 'community' ? policy.tasks[this.state.category!][this.state.urgency!] : policy.escalatedTasks[tier];
  }
}

function limitOf(limits: TaskLimits, kind: DeadlineKind): Duration {
  switch (kind) {
    case 'sign_for':
      return limits.signFor;
    case 'first_reply':
      return limits.firstReply;
    case 'resolve':
      return limits.resolve;
  }
}

function openKinds(task: TaskState): DeadlineKind[] {
  return DEADLINE_KINDS.filter((kind) => task.deadlines[kind] !== undefined);
}

function requireEscalationCause(reason: EscalationReason, state: CaseState, at: string): void {
  switch (reason) {
    case 'overdue': {
      const task = state.task;
      const overdue =
        TASK_RUNNING_STATUSES.includes(state.status) &&
        !state.paused &&
        task !== undefined &&
        Object.values(task.deadlines).some((open) => open.escalateAt !== undefined && !isBefore(at, open.escalateAt));
      if (!overdue) refuse('conflict', `case ${state.caseId} has no deadline overdue past its follow-up`);
      return;
    }
    case 'redone_three_times':
      if (state.redoCount < REPEATS_BEFORE_ESCALATION || state.escalatedFor.includes(reason)) {
        refuse('conflict', `case ${state.caseId} was redone ${state.redoCount} times`);
      }
      return;
    case 'returned_three_times':
      if (state.returnedBy.length < REPEATS_BEFORE_ESCALATION || state.escalatedFor.includes(reason)) {
        refuse('conflict', `case ${state.caseId} was returned by ${state.returnedBy.length} parties`);
      }
      return;
    case 'council_timeout':
      if (state.status !== 'before_council' || state.council!.timedOut || isBefore(at, state.council!.decideBy)) {
        refuse('conflict', `case ${state.caseId} has no council decision overdue`);
      }
      return;
  }
}

export function tierAbove(tier: Tier): Tier | undefined {
  return TIERS[TIERS.indexOf(tier) + 1];
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

const HANDLING_ROLES: Record<Tier, Actor['role']> = { community: 'community_staff', street: 'street_officer', district: 'district_officer' };

function requireHandlingTier(actor: Actor, state: CaseState): void {
  if (actor.role === 'system') return;
  if (actor.role !== HANDLING_ROLES[state.tier] || actor.organisationId !== handlingOrganisation(state)) {
    refuse('forbidden', `case ${state.caseId} is handled at the ${state.tier} tier by ${handlingOrganisation(state)}`);
  }
}

/** Street officers of the case's street and district officers of its district supervise it, wherever it stands. */
function requireSupervisingOfficer(actor: Actor, state: CaseState): void {
  const jurisdiction = state.jurisdiction;
  const supervises =
    (actor.role === 'street_officer' && actor.organisationId === jurisdiction?.streetId) ||
    (actor.role === 'district_officer' && actor.organisationId === jurisdiction?.districtId);
  if (!supervises) refuse('forbidden', `only the street or district supervising case ${state.caseId} may do this`);
}

function requireSystem(actor: Actor): void {
  if (actor.role !== 'system') refuse('forbidden', 'only the center moves a case on by itself');
}

function requireStatus(state: CaseState, allowed: readonly CaseStatus[], action: string): void {
  if (!allowed.includes(state.status)) {
    refuse('conflict', `case ${state.caseId} cannot be ${action} while ${state.status.replace(/_/g, ' ')}`);
  }
}

function requireAssignee(actor: Actor, state: CaseState): TaskState {
  const task = state.task;
  if (!task) refuse('conflict', `case ${state.caseId} has no task`);
  if (actor.role !== task.assigneeKind || actor.organisationId !== task.assigneeOrganisationId) {
    refuse('forbidden', `task ${task.taskId} is not assigned to your organisation`);
  }
  return task;
}

function requireCommunityStaff(actor: Actor, state: CaseState): void {
  if (actor.role !== 'community_staff' || actor.organisationId !== state.communityId) {
    refuse('forbidden', `only staff of community ${state.communityId} may do this`);
  }
}

function requireCommunityOrAssignee(actor: Actor, state: CaseState): void {
  if (actor.role === 'community_staff') return requireCommunityStaff(actor, state);
  requireAssignee(actor, state);
}

function requireExtensionRequest(state: CaseState): TaskState {
  const task = state.task;
  if (!TASK_RUNNING_STATUSES.includes(state.status) || !task?.extensionRequest) {
    refuse('conflict', `case ${state.caseId} has no extension request waiting for an answer`);
  }
  return task;
}

function requireCouncilSecretary(actor: Actor, state: CaseState) {
  const council = state.council!;
  if (actor.role !== 'council_member' || actor.organisationId !== council.councilId) {
    refuse('forbidden', `only the secretariat of council ${council.councilId} may do this`);
  }
  return council;
}

function requireText(text: string, message: string): void {
  if (text.trim() === '') refuse('invalid', message);
}

function requireEvidence(evidence: string[] = []): string[] {
  if (evidence.length > MAX_EVIDENCE) refuse('invalid', `at most ${MAX_EVIDENCE} photos may be given as evidence, not ${evidence.length}`);
  const malformed = evidence.find((hash) => !SHA256_HEX.test(hash));
  if (malformed !== undefined) refuse('invalid', `evidence ${JSON.stringify(malformed)} is not the lowercase hex SHA-256 of a photo`);
  const repeated = evidence.find((hash, index) => evidence.indexOf(hash) !== index);
  if (repeated !== undefined) refuse('invalid', `evidence names photo ${repeated} twice`);
  return [...evidence];
}

function isBefore(a: string, b: string): boolean {
  return Date.parse(a) < Date.parse(b);
}
