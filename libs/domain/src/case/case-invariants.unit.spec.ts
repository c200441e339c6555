import fc from 'fast-check';
import { isDeepStrictEqual } from 'node:util';
import { chinaDate } from '../calendar/working-calendar';
import { TIERS, type Actor } from '../shared/actor';
import { DomainError } from '../shared/domain-error';
import * as fixtures from './__fixtures__/case-fixtures';
import { calendar, CASE_ID, clock, compound, complaint, ids, oneCommandOfEachType, personalData } from './__fixtures__/case-fixtures';
import { CATEGORY_CODES, URGENCIES } from './category';
import type { CaseCommand, CaseCommandType, CompoundServices } from './case-commands';
import {
  CALL_BACK_OUTCOMES,
  CLOSING_REASONS,
  COUNCIL_KINDS,
  ESCALATION_REASONS,
  RETURN_REASONS,
  type Assignee,
  type CallBackOutcome,
  type CaseEvent,
} from './case-events';
import { commandOfStep, nextCaseStep, type CaseStep, type CenterCommand } from './case-process';
import { evolveCase, foldCase, initialCaseState, TASK_RUNNING_STATUSES, type CaseState } from './case-state';
import { CASE_EVENT_SCHEMA_VERSIONS, upcastCaseEvent } from './case-upcasters';
import { DEADLINE_KINDS, type Deadline, type DeadlineKind, type Duration } from './deadlines';
import { decideCase } from './decide-case';

/**
 * Random lives of one case, from its filing in the first half of 2026: commands of every type from
 * every kind of actor (the right ones and the wrong ones), people doing their part, and the center
 * doing what nextCaseStep tells it, time moving forward by random amounts. Refused commands are
 * skipped (a refusal must be a DomainError, and the center's own steps are never refused); after every
 * accepted command the invariants below must hold.
 */

// ---------------------------------------------------------------------------------------------
// Who acts
// ---------------------------------------------------------------------------------------------

const ACTORS = {
  staff: fixtures.staff,
  foreignStaff: fixtures.foreignStaff,
  company: fixtures.company,
  neighbourCompany: fixtures.neighbourCompany,
  foreignCompany: fixtures.foreignCompany,
  ownersCommittee: fixtures.ownersCommittee,
  foreignOwnersCommittee: fixtures.foreignOwnersCommittee,
  streetOfficer: fixtures.streetOfficer,
  foreignStreetOfficer: fixtures.foreignStreetOfficer,
  districtOfficer: fixtures.districtOfficer,
  foreignDistrictOfficer: fixtures.foreignDistrictOfficer,
  propertyCouncilSecretary: fixtures.propertyCouncilSecretary,
  ownersCouncilSecretary: fixtures.ownersCouncilSecretary,
  center: fixtures.center,
} as const;

/**
 * Besides fixed actors, three that stand for whoever has the part at the moment of the command: the
 * organisation holding the task, the officers of the tier handling the case, the secretary of the
 * council it was referred to. They make the random lives go deep; the fixed ones try the wrong doors.
 */
type ActorKey = keyof typeof ACTORS | 'holder' | 'handler' | 'secretary';

function actorFor(key: ActorKey, state: CaseState): Actor {
  switch (key) {
    case 'holder':
      return state.task
        ? { userId: 'user-holder', role: state.task.assigneeKind, organisationId: state.task.assigneeOrganisationId }
        : ACTORS.company;
    case 'handler':
      return { community: ACTORS.staff, street: ACTORS.streetOfficer, district: ACTORS.districtOfficer }[state.tier];
    case 'secretary':
      return state.council?.kind === 'owners_council' ? ACTORS.ownersCouncilSecretary : ACTORS.propertyCouncilSecretary;
    default:
      return ACTORS[key];
  }
}

const ASSIGNEES = {
  company: { organisationId: ids.company, kind: 'property_company' },
  neighbourCompany: { organisationId: ids.neighbourCompany, kind: 'property_company' },
  ownersCommittee: { organisationId: ids.ownersCommittee, kind: 'owners_committee' },
} as const;

/** The directory as it stands when a task is re-dispatched: a project that took over the compound serves it now. */
function compoundServing(assignee: Assignee): CompoundServices {
  return { propertyCompanyId: assignee.kind === 'property_company' ? assignee.organisationId : ids.company, ownersCommitteeId: ids.ownersCommittee };
}

const actorOf = (...keys: ActorKey[]) => fc.constantFrom(...keys);
const communityActor = actorOf('staff', 'staff', 'staff', 'staff', 'foreignStaff', 'company');
const assigneeActor = actorOf('holder', 'holder', 'holder', 'holder', 'holder', 'company', 'neighbourCompany', 'ownersCommittee', 'foreignCompany', 'foreignOwnersCommittee', 'staff');
const handlingActor = actorOf('handler', 'handler', 'handler', 'handler', 'staff', 'streetOfficer', 'districtOfficer', 'center', 'foreignStaff', 'foreignStreetOfficer', 'company');
const systemActor = actorOf('center', 'center', 'center', 'center', 'staff', 'streetOfficer');
const councilActor = actorOf('secretary', 'secretary', 'secretary', 'propertyCouncilSecretary', 'ownersCouncilSecretary', 'staff');
const supervisingActor = actorOf('streetOfficer', 'districtOfficer', 'handler', 'foreignStreetOfficer', 'foreignDistrictOfficer', 'staff', 'center');

/** One time in `oneIn` a value, else undefined. */
function sometimes<T>(arbitrary: fc.Arbitrary<T>, oneIn: number): fc.Arbitrary<T | undefined> {
  return fc.oneof({ weight: oneIn - 1, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary });
}

/** What the resident says when called back: mostly a valid answer, sometimes an invalid rating. */
const callBack = fc.oneof(
  { weight: 4, arbitrary: fc.record({ outcome: fc.constantFrom<CallBackOutcome>('satisfied', 'not_satisfied'), rating: fc.integer({ min: 1, max: 5 }) as fc.Arbitrary<number | undefined> }) },
  { weight: 3, arbitrary: fc.record({ outcome: fc.constant<CallBackOutcome>('unreachable'), rating: fc.constant<number | undefined>(undefined) }) },
  { weight: 1, arbitrary: fc.record({ outcome: fc.constantFrom(...CALL_BACK_OUTCOMES), rating: fc.constantFrom<number | undefined>(0, 6, 3.5, 4, undefined) }) },
);

/** Mostly a real text, sometimes a blank one. */
const text: fc.Arbitrary<string> = fc.constantFrom('处理说明', '居民反映情况属实', '需协调', ' ');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const duration: fc.Arbitrary<Duration> = fc.oneof(
  fc.constantFrom(4, 24, 48).map((hours) => ({ hours })),
  fc.integer({ min: 1, max: 5 }).map((workingDays) => ({ workingDays })),
);

// ---------------------------------------------------------------------------------------------
// What they ask: plain data, turned into a command at the instant of the step
// ---------------------------------------------------------------------------------------------

const commandSpec = fc.oneof(
  {
    weight: 1,
    arbitrary: fc.record({
      type: fc.constant('FileComplaint' as const),
      actor: communityActor,
      category: fc.constantFrom(...CATEGORY_CODES),
      urgency: fc.constantFrom(...URGENCIES),
      override: fc.option(fc.constantFrom('company', 'ownersCommittee'), { nil: undefined }),
      overrideReason: text,
      duplicateOf: fc.option(fc.constantFrom('case-0', CASE_ID), { nil: undefined }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('DispatchTask' as const), actor: systemActor }) },
  { weight: 2, arbitrary: fc.record({ type: fc.constant('RedispatchTask' as const), actor: handlingActor, assignee: fc.constantFrom('company', 'neighbourCompany', 'ownersCommittee'), reason: text }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('SendReminder' as const), actor: systemActor, deadline: fc.constantFrom(...DEADLINE_KINDS) }) },
  { weight: 10, arbitrary: fc.record({ type: fc.constant('SignForTask' as const), actor: assigneeActor }) },
  { weight: 6, arbitrary: fc.record({ type: fc.constant('ReportProgress' as const), actor: assigneeActor, note: text }) },
  { weight: 8, arbitrary: fc.record({ type: fc.constant('ResolveTask' as const), actor: assigneeActor, note: text }) },
  {
    weight: 2,
    arbitrary: fc.record({
      type: fc.constant('AttachEvidence' as const),
      actor: communityActor,
      evidence: fc.constantFrom(['a'.repeat(64)], ['b'.repeat(64), 'c'.repeat(64)], [], ['b'.repeat(64), 'b'.repeat(64)]),
      note: sometimes(text, 2),
    }),
  },
  { weight: 3, arbitrary: fc.record({ type: fc.constant('ReturnTask' as const), actor: assigneeActor, reason: fc.constantFrom(...RETURN_REASONS), note: text }) },
  { weight: 3, arbitrary: fc.record({ type: fc.constant('RejectReturn' as const), actor: handlingActor, reason: text }) },
  { weight: 4, arbitrary: fc.record({ type: fc.constant('RequestExtension' as const), actor: assigneeActor, extension: duration, reason: text }) },
  { weight: 3, arbitrary: fc.record({ type: fc.constant('GrantExtension' as const), actor: handlingActor }) },
  { weight: 3, arbitrary: fc.record({ type: fc.constant('RefuseExtension' as const), actor: handlingActor, reason: text }) },
  { weight: 2, arbitrary: fc.record({ type: fc.constant('ExtendDeadline' as const), actor: handlingActor, extension: duration, reason: text }) },
  { weight: 3, arbitrary: fc.record({ type: fc.constant('PauseClock' as const), actor: fc.oneof(communityActor, assigneeActor), reason: text }) },
  { weight: 4, arbitrary: fc.record({ type: fc.constant('ResumeClock' as const), actor: fc.oneof(communityActor, assigneeActor) }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('EscalateCase' as const), actor: systemActor, reason: fc.constantFrom(...ESCALATION_REASONS) }) },
  { weight: 2, arbitrary: fc.record({ type: fc.constant('ReferToCouncil' as const), actor: handlingActor, council: fc.constantFrom(...COUNCIL_KINDS), question: text }) },
  { weight: 4, arbitrary: fc.record({ type: fc.constant('ConveneCouncilSession' as const), actor: councilActor, scheduledInMs: fc.integer({ min: -HOUR, max: 5 * DAY }), withMembers: fc.boolean() }) },
  {
    weight: 4,
    arbitrary: fc.record({
      type: fc.constant('RecordCouncilDecision' as const),
      actor: councilActor,
      decision: text,
      assignee: fc.constantFrom('company', 'neighbourCompany', 'ownersCommittee'),
      dueInMs: fc.oneof({ weight: 5, arbitrary: fc.integer({ min: HOUR, max: 20 * DAY }) }, { weight: 1, arbitrary: fc.integer({ min: -DAY, max: 0 }) }),
      vote: sometimes(fc.record({ for: fc.nat(9), against: fc.nat(9), abstain: fc.nat(3) }), 2),
    }),
  },
  { weight: 8, arbitrary: fc.record({ type: fc.constant('RecordCallBack' as const), actor: communityActor }).chain((spec) => callBack.map((answer) => ({ ...spec, ...answer }))) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('OrderRedo' as const), actor: systemActor }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('WithdrawComplaint' as const), actor: communityActor, note: text }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('MergeCase' as const), actor: communityActor, primaryCaseId: fc.constantFrom('case-0', CASE_ID) }) },
  { weight: 2, arbitrary: fc.record({ type: fc.constant('UnmergeCase' as const), actor: communityActor }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('CloseWithRuling' as const), actor: supervisingActor, ruling: text }) },
  { weight: 3, arbitrary: fc.record({ type: fc.constant('ReopenCase' as const), actor: supervisingActor, reason: text }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('ErasePersonalData' as const), actor: communityActor, subjectId: fc.constantFrom(personalData.subjectId, 'subject-li') }) },
);
type CommandSpec = typeof commandSpec extends fc.Arbitrary<infer T> ? T : never;

/**
 * A step: anyone's command (right or wrong); someone doing their part, one of the things the people
 * concerned sensibly do in the case's state (`pick` chooses which, `variant` how); or the center doing
 * what nextCaseStep says, after sleeping until its timer if it likes.
 */
type Step = { delayMs: number } & (
  | { kind: 'command'; spec: CommandSpec }
  | { kind: 'someone'; pick: number; variant: number }
  | { kind: 'center'; sleepsUntilTimer: boolean }
);

/** Time passing between steps: mostly hours, sometimes days. */
const delayMs = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 0, max: 2 * HOUR }) },
  { weight: 2, arbitrary: fc.integer({ min: 0, max: DAY }) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 10 * DAY }) },
);

/** Busy people: minutes to hours between steps. */
const shortDelayMs = fc.oneof({ weight: 9, arbitrary: fc.integer({ min: 0, max: 4 * HOUR }) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 2 * DAY }) });

/** Steps mixed in the given proportions of anyone's commands, people doing their part, and the center (sleeping until its timer in `sleeps` of 10). */
function steps(weights: { command: number; someone: number; center: number; sleeps: number }, delay: fc.Arbitrary<number>): fc.Arbitrary<Step> {
  return fc.oneof(
    { weight: weights.command, arbitrary: fc.record({ kind: fc.constant('command' as const), delayMs: delay, spec: commandSpec }) },
    { weight: weights.someone, arbitrary: fc.record({ kind: fc.constant('someone' as const), delayMs: delay, pick: fc.nat(99), variant: fc.nat(99) }) },
    {
      weight: weights.center,
      arbitrary: fc.record({ kind: fc.constant('center' as const), delayMs: delay, sleepsUntilTimer: fc.integer({ min: 1, max: 10 }).map((n) => n <= weights.sleeps) }),
    },
  );
}

/** The complaint that starts every life, mostly routed by default, now and then found to be a duplicate. */
const firstFiling: fc.Arbitrary<CommandSpec> = fc.record({
  type: fc.constant('FileComplaint' as const),
  actor: fc.constant<ActorKey>('staff'),
  category: fc.constantFrom(...CATEGORY_CODES),
  urgency: fc.constantFrom(...URGENCIES),
  override: sometimes(fc.constantFrom('company', 'ownersCommittee'), 4),
  overrideReason: fc.constant<string>('业主要求'),
  duplicateOf: sometimes(fc.constantFrom('case-0', CASE_ID), 20),
});

/** Between 2026-01-01 and 2026-05-31, China time. */
const startMs = fc.integer({ min: Date.parse('2025-12-31T16:00:00.000Z'), max: Date.parse('2026-05-31T15:59:59.999Z') });

/** A life of up to `maxSteps` steps after the filing. */
const life = (step: fc.Arbitrary<Step>, maxSteps: number) =>
  fc.record({ start: startMs, filing: firstFiling, steps: fc.array(step, { minLength: 5, maxLength: maxSteps, size: 'max' }) });

/** Anyone tries anything: most commands are refused; the invariants must hold after those accepted. */
const unrulyLife = life(steps({ command: 3, someone: 3, center: 1, sleeps: 5 }, delayMs), 60);

/** People mostly do their part: the life goes deep (redone three times, escalated to the district). */
const busyLife = life(steps({ command: 1, someone: 6, center: 2, sleeps: 2 }, shortDelayMs), 80);

function commandOf(spec: CommandSpec, state: CaseState, at: string, taskId: string): CaseCommand {
  const base = { caseId: CASE_ID, actor: actorFor(spec.actor, state), at };
  const inMs = (ms: number) => new Date(Date.parse(at) + ms).toISOString();
  switch (spec.type) {
    case 'FileComplaint':
      return {
        type: 'FileComplaint',
        ...base,
        complaint: { ...complaint, category: spec.category, urgency: spec.urgency },
        compound,
        ...(spec.override ? { routingOverride: { ...ASSIGNEES[spec.override], reason: spec.overrideReason } } : {}),
        ...(spec.duplicateOf ? { duplicateOf: spec.duplicateOf } : {}),
      };
    case 'DispatchTask':
      return { type: 'DispatchTask', ...base, taskId };
    case 'RedispatchTask':
      return { type: 'RedispatchTask', ...base, taskId, assignee: ASSIGNEES[spec.assignee], reason: spec.reason, compound: compoundServing(ASSIGNEES[spec.assignee]) };
    case 'ConveneCouncilSession':
      return {
        type: 'ConveneCouncilSession',
        ...base,
        sessionId: `session-${taskId}`,
        members: spec.withMembers ? [ids.company, ids.neighbourCompany] : [],
        scheduledFor: inMs(spec.scheduledInMs),
      };
    case 'RecordCouncilDecision':
      return { type: 'RecordCouncilDecision', ...base, decision: spec.decision, assignee: ASSIGNEES[spec.assignee], dueBy: inMs(spec.dueInMs), ...(spec.vote ? { vote: spec.vote } : {}) };
    case 'SendReminder':
    case 'SignForTask':
    case 'ReportProgress':
    case 'ResolveTask':
    case 'AttachEvidence':
    case 'ReturnTask':
    case 'RejectReturn':
    case 'RequestExtension':
    case 'GrantExtension':
    case 'RefuseExtension':
    case 'ExtendDeadline':
    case 'PauseClock':
    case 'ResumeClock':
    case 'EscalateCase':
    case 'ReferToCouncil':
    case 'RecordCallBack':
    case 'OrderRedo':
    case 'WithdrawComplaint':
    case 'MergeCase':
    case 'UnmergeCase':
    case 'CloseWithRuling':
    case 'ReopenCase':
    case 'ErasePersonalData': {
      const { actor: _key, ...fields } = spec;
      return { ...base, ...fields } as CaseCommand;
    }
  }
}

/** What the people concerned sensibly do in the state of the case (the domain may still refuse some). */
function sensibleCommands(state: CaseState, at: string, taskId: string, variant: number): CaseCommand[] {
  const by = (key: ActorKey) => ({ caseId: CASE_ID, actor: actorFor(key, state), at });
  const later = (ms: number) => new Date(Date.parse(at) + ms).toISOString();
  const assignee = Object.values(ASSIGNEES)[variant % 3];
  const note = '处理说明';
  const commands: CaseCommand[] = [];
  const task = state.task;
  switch (state.status) {
    case 'filed':
      commands.push({ type: 'DispatchTask', ...by('handler'), taskId }, { type: 'ReferToCouncil', ...by('handler'), council: COUNCIL_KINDS[variant % 2], question: '责任归属？' });
      if (variant % 4 === 0) commands.push({ type: 'MergeCase', ...by('staff'), primaryCaseId: 'case-0' });
      break;
    case 'duplicate':
      commands.push({ type: 'UnmergeCase', ...by('staff') });
      break;
    case 'awaiting_sign_for':
    case 'in_progress':
      if (state.paused) commands.push({ type: 'ResumeClock', ...by(variant % 2 ? 'staff' : 'holder') });
      else if (task?.extensionRequest) commands.push(variant % 2 ? { type: 'GrantExtension', ...by('handler') } : { type: 'RefuseExtension', ...by('handler'), reason: '须按期完成' });
      else if (state.status === 'awaiting_sign_for') commands.push({ type: 'SignForTask', ...by('holder') });
      else {
        commands.push({ type: 'ResolveTask', ...by('holder'), note }, { type: 'ReportProgress', ...by('holder'), note });
        if (variant % 3 === 0) {
          commands.push({ type: 'RequestExtension', ...by('holder'), extension: variant % 2 ? { workingDays: 1 + (variant % 3) } : { hours: 24 }, reason: '等配件' });
        }
      }
      if (variant % 4 === 1) commands.push({ type: 'PauseClock', ...by(variant % 2 ? 'staff' : 'holder'), reason: '等待居民' });
      if (variant % 4 === 2) commands.push({ type: 'ReturnTask', ...by('holder'), reason: RETURN_REASONS[variant % 3], note });
      if (variant % 5 === 0) commands.push({ type: 'ExtendDeadline', ...by('handler'), extension: { workingDays: 2 }, reason: '节假日' });
      if (variant % 7 === 0) commands.push({ type: 'RedispatchTask', ...by('handler'), taskId, assignee, reason: '改派', compound: compoundServing(assignee) });
      break;
    case 'returned': {
      // Staff mostly try someone who has not returned the case yet.
      const untried = Object.values(ASSIGNEES).find(({ organisationId }) => !state.returnedBy.includes(organisationId)) ?? assignee;
      commands.push(
        { type: 'RejectReturn', ...by('handler'), reason: '确属贵司' },
        { type: 'RedispatchTask', ...by('handler'), taskId, assignee: untried, reason: '改派', compound: compoundServing(untried) },
        {
          type: 'RedispatchTask',
          ...by('handler'),
          taskId,
          assignee: variant % 2 ? untried : assignee,
          reason: '改派',
          compound: compoundServing(variant % 2 ? untried : assignee),
        },
      );
      break;
    }
    case 'resolved': {
      const outcome = (['satisfied', 'not_satisfied', 'not_satisfied', 'unreachable'] as const)[variant % 4];
      commands.push({ type: 'RecordCallBack', ...by('staff'), outcome, ...(outcome === 'unreachable' ? {} : { rating: 1 + (variant % 5) }) });
      break;
    }
    case 'awaiting_redo':
      commands.push({ type: 'OrderRedo', ...by('handler') });
      break;
    case 'before_council':
      if (state.council?.sessionId) {
        commands.push({ type: 'RecordCouncilDecision', ...by('secretary'), decision: '由物业负责', assignee, dueBy: later((1 + (variant % 15)) * DAY), ...(variant % 2 ? { vote: { for: 5, against: 1, abstain: 0 } } : {}) });
      } else {
        commands.push({ type: 'ConveneCouncilSession', ...by('secretary'), sessionId: `session-${taskId}`, members: [ids.company, ids.neighbourCompany], scheduledFor: later(DAY) });
      }
      break;
    case 'council_decided':
      commands.push({ type: 'DispatchTask', ...by('handler'), taskId });
      break;
    case 'closed':
      commands.push({ type: 'ReopenCase', ...by(variant % 2 ? 'streetOfficer' : 'districtOfficer'), reason: '问题复发' });
      break;
    case 'not_filed':
      break;
  }
  if (state.tier !== 'community' && state.status !== 'closed' && variant % 10 === 0) commands.push({ type: 'CloseWithRuling', ...by('handler'), ruling: '裁定' });
  return commands;
}

function centerCommandOf(command: CenterCommand, at: string, taskId: string): CaseCommand {
  return commandOfStep(command, CASE_ID, ACTORS.center, at, taskId);
}

// ---------------------------------------------------------------------------------------------
// A life, lived
// ---------------------------------------------------------------------------------------------

interface Transition {
  before: CaseState;
  command: CaseCommand;
  events: CaseEvent[];
  after: CaseState;
  /** Every event before this command's. */
  stream: readonly CaseEvent[];
}

interface Lived {
  stream: CaseEvent[];
  state: CaseState;
  accepted: number;
}

function live({ start, filing, steps }: { start: number; filing: CommandSpec; steps: Step[] }, check: (transition: Transition) => void): Lived {
  let now = start;
  let state = deepFreeze(initialCaseState);
  const stream: CaseEvent[] = [];
  let tasksMinted = 0;
  let accepted = 0;
  const all: Step[] = [{ kind: 'command', delayMs: 0, spec: filing }, ...steps];

  for (const current of all) {
    now += current.delayMs;
    let command: CaseCommand;
    if (current.kind === 'center') {
      let next = checkedStep(state, now);
      if (next.kind === 'wait' && next.until !== undefined && current.sleepsUntilTimer) {
        now = Date.parse(next.until);
        next = checkedStep(state, now);
      }
      if (next.kind !== 'issue') continue;
      command = centerCommandOf(next.command, iso(now), `task-${++tasksMinted}`);
    } else if (current.kind === 'someone') {
      const sensible = sensibleCommands(state, iso(now), `task-${++tasksMinted}`, current.variant);
      if (sensible.length === 0) continue;
      command = sensible[current.pick % sensible.length];
    } else {
      command = commandOf(current.spec, state, iso(now), `task-${++tasksMinted}`);
    }

    let events: CaseEvent[];
    try {
      events = deepFreeze(decideCase(command, state, clock));
    } catch (error) {
      // A refusal is a DomainError; anything else is a bug in the decider.
      if (!(error instanceof DomainError)) throw error;
      // What the center does by itself is always accepted: this compound has an owners' committee and its street both councils.
      if (current.kind === 'center') throw new Error(`the center's own step ${command.type} was refused: ${error.kind}: ${error.message}`);
      continue;
    }
    const before = state;
    const after = deepFreeze(events.reduce(evolveCase, before));
    check({ before, command, events, after, stream });
    stream.push(...events);
    state = after;
    accepted += 1;
  }
  return { stream, state, accepted };
}

/** nextCaseStep never throws, waits only for a later instant, and finishes exactly the closed cases. */
function checkedStep(state: CaseState, now: number): CaseStep {
  const next = nextCaseStep(state, now);
  if (next.kind === 'wait' && next.until !== undefined) holds(Date.parse(next.until) > now, 'a wait ends later than now', next, iso(now));
  holds((next.kind === 'finished') === (state.status === 'closed'), 'the process finishes exactly the closed cases', next, state.status);
  return next;
}

// ---------------------------------------------------------------------------------------------
// The invariants (checked with a plain assertion: expect() is too slow for ~100 000 checks)
// ---------------------------------------------------------------------------------------------

/** Throws, naming the invariant and showing the values involved, unless `condition`. */
function holds(condition: boolean, invariant: string, ...involved: unknown[]): void {
  if (!condition) throw new Error(`invariant broken: ${invariant}\n${involved.map((value) => JSON.stringify(value, null, 1)).join('\n')}`);
}

const ASSIGNEE_EVENTS: ReadonlySet<CaseEvent['type']> = new Set(['TaskSignedFor', 'ProgressReported', 'TaskResolved', 'TaskReturned', 'ExtensionRequested']);
const isSupervisor = (actor: Actor) =>
  (actor.role === 'street_officer' && actor.organisationId === ids.street) || (actor.role === 'district_officer' && actor.organisationId === ids.district);
const tierIndex = (state: CaseState) => TIERS.indexOf(state.tier);
const isRunning = (state: CaseState) => TASK_RUNNING_STATUSES.includes(state.status);
const ms = Date.parse;

/** A closed case refuses everything but a reopening by the street or district supervising it, and the erasure of its resident's data. */
function checkClosedCaseAcceptsOnlyReopening({ before, command, after }: Transition): void {
  if (before.status === 'closed') {
    holds(
      (command.type === 'ReopenCase' && isSupervisor(command.actor)) || command.type === 'ErasePersonalData',
      'a closed case accepts only a reopening by its street or district, or an erasure',
      command,
    );
  }
  if (after.status !== 'closed') return;
  const at = command.at;
  const tries: CaseCommand[] = [
    { type: 'FileComplaint', caseId: CASE_ID, actor: ACTORS.staff, at, complaint, compound },
    ...oneCommandOfEachType(at),
    ...Object.values(ACTORS).map((actor): CaseCommand => ({ type: 'ReopenCase', caseId: CASE_ID, actor, at, reason: '复查' })),
  ];
  const refusedTypes = new Set<CaseCommandType>();
  for (const attempt of tries) {
    const reopening = attempt.type === 'ReopenCase' && isSupervisor(attempt.actor);
    let refusal: unknown;
    try {
      decideCase(attempt, after, clock);
    } catch (error) {
      refusal = error;
    }
    if (attempt.type === 'ErasePersonalData') {
      holds((refusal === undefined) === (after.residentKey?.erasedAt === undefined), 'a closed case’s personal data can still be erased, once', attempt, String(refusal));
      continue;
    }
    if (reopening) holds(refusal === undefined, 'the supervising street or district can reopen a closed case', attempt, refusal);
    else {
      const expectedKind = attempt.type === 'ReopenCase' ? 'forbidden' : 'conflict';
      holds(refusal instanceof DomainError && refusal.kind === expectedKind, `a closed case refuses ${attempt.type} (${expectedKind})`, attempt, String(refusal));
      refusedTypes.add(attempt.type);
    }
  }
  holds(refusedTypes.size === 27, 'every command type was tried on the closed case', [...refusedTypes]);
}

/** One task at a time, held by one organisation, acted on by it alone. */
function checkOneTaskOneHolder({ before, command, events, after, stream }: Transition): void {
  for (const event of events) {
    if (event.type === 'TaskDispatched') {
      holds(!isRunning(before) || command.type === 'RedispatchTask', 'a running task is only ever replaced by a re-dispatch', before.status, command);
      holds(
        (event.data.origin === 'redispatch') === (command.type === 'RedispatchTask' || before.status === 'returned'),
        'a task given after a return or by a re-dispatch is a re-dispatch',
        event,
      );
      holds(
        after.task?.taskId === event.data.taskId && after.task.assigneeOrganisationId === event.data.assigneeOrganisationId && !after.task.signedFor,
        'the dispatched task is the one task of the case, not signed for',
        after.task,
      );
    }
    if (event.type === 'TaskRedoOrdered') {
      holds(before.status === 'awaiting_redo', 'a redo follows an unsatisfied call-back', before.status);
      holds(
        event.data.taskId === before.task!.taskId && event.data.assigneeOrganisationId === before.task!.assigneeOrganisationId,
        'a redo goes back to the same task and assignee',
        event,
        before.task,
      );
    }
    if (ASSIGNEE_EVENTS.has(event.type)) {
      const task = before.task!;
      holds((event.data as { taskId: string }).taskId === task.taskId, 'the assignee acts on the task of the case', event, task);
      holds(
        command.actor.organisationId === task.assigneeOrganisationId && command.actor.role === task.assigneeKind,
        'only the organisation holding the task acts on it',
        command.actor,
        task,
      );
    }
  }
  const holders = new Map<string, string>();
  for (const event of [...stream, ...events]) {
    if (event.type !== 'TaskDispatched' && event.type !== 'TaskRedoOrdered') continue;
    const holder = holders.get(event.data.taskId) ?? event.data.assigneeOrganisationId;
    holds(event.data.assigneeOrganisationId === holder, 'a task id belongs to one organisation over the whole stream', event, holder);
    holders.set(event.data.taskId, holder);
  }
  if (isRunning(after)) {
    holds(after.task !== undefined && holders.get(after.task.taskId) === after.task.assigneeOrganisationId, 'the running task is held by whom it was given to', after.task);
  }
}

/** Every deadline is followed up after it falls due; one counted in working days ends a working day. */
function checkDeadline(deadline: Deadline, urgency: CaseState['urgency']): void {
  holds(ms(deadline.remindAt) > ms(deadline.due), 'a deadline is reminded after it falls due', deadline);
  if (deadline.unit === 'working_days') {
    holds(calendar.isWorkingDay(chinaDate(deadline.due)), 'a deadline in working days falls on a working day', deadline, chinaDate(deadline.due));
    holds(deadline.due.endsWith('T15:59:59.999Z'), 'a deadline in working days ends a day in China', deadline);
  }
  // A normal matter is reminded a working day after it falls due: at the end of a working day.
  if (urgency === 'normal') holds(calendar.isWorkingDay(chinaDate(deadline.remindAt)), 'a normal matter is reminded on a working day', deadline);
}

function checkDeadlines({ before, events, after }: Transition): void {
  const urgency = after.urgency;
  const all = (deadlines: Partial<Record<DeadlineKind, Deadline>> | undefined) => Object.values(deadlines ?? {}) as Deadline[];
  const kinds = (deadlines: object | undefined) => Object.keys(deadlines ?? {}).sort().join();
  for (const event of events) {
    switch (event.type) {
      case 'TaskDispatched': {
        const { deadlines, dispatchedAt, origin } = event.data;
        all(deadlines).forEach((deadline) => checkDeadline(deadline, urgency));
        holds(kinds(deadlines) === kinds(Object.fromEntries(DEADLINE_KINDS.map((kind) => [kind, 1]))), 'a new task has every deadline', deadlines);
        // A fresh task's deadlines lie ahead of it; a council's decision keeps the due date the council set.
        holds(ms(deadlines.sign_for.due) > ms(dispatchedAt) && ms(deadlines.first_reply.due) > ms(dispatchedAt), 'a new task is signed for and answered after it is given', event);
        if (origin === 'council_decision') holds(deadlines.resolve.due === before.council!.decision!.dueBy, 'a council’s task is due when the council said', event, before.council);
        else holds(ms(deadlines.resolve.due) > ms(dispatchedAt), 'a new task is resolved after it is given', event);
        break;
      }
      case 'TaskRedoOrdered':
        all(event.data.deadlines).forEach((deadline) => {
          checkDeadline(deadline, urgency);
          holds(ms(deadline.due) > ms(event.data.orderedAt), 'a redo’s deadlines lie ahead of it', event);
        });
        break;
      case 'CaseEscalated':
        all(event.data.deadlines).forEach((deadline) => {
          checkDeadline(deadline, urgency);
          holds(ms(deadline.due) > ms(event.data.escalatedAt), 'renewed deadlines lie ahead of the escalation', event);
        });
        holds(kinds(event.data.deadlines) === (isRunning(before) ? kinds(before.task!.deadlines) : ''), 'the new tier renews what is open on a running task, nothing else', event, before.task);
        break;
      case 'ClockResumed':
        for (const [kind, deadline] of Object.entries(event.data.deadlines) as Array<[DeadlineKind, Deadline]>) {
          checkDeadline(deadline, urgency);
          holds(ms(deadline.due) >= ms(before.task!.deadlines[kind]!.due), 'a pause only ever pushes a deadline back', event, before.task);
        }
        break;
      case 'DeadlineExtended':
        checkDeadline(event.data.resolve, urgency);
        holds(ms(event.data.resolve.due) > ms(before.task!.deadlines.resolve!.due), 'an extension moves the resolve deadline later', event, before.task);
        break;
      case 'DeadlineReminderSent': {
        const open = before.task!.deadlines[event.data.deadline]!;
        holds(open.remindedAt === undefined, 'a deadline is reminded once', open);
        holds(ms(event.data.remindedAt) >= ms(open.remindAt), 'a reminder goes out at remindAt or later', event, open);
        holds(ms(event.data.escalateAt!) > ms(event.data.remindedAt), 'escalation comes after the reminder', event);
        break;
      }
      default:
        break;
    }
  }
  for (const open of all(after.task?.deadlines)) checkDeadline(open, urgency);
}

/** Tiers go up one step per escalation, and never beyond the district nor back down. */
function checkTiers({ before, events, after }: Transition): void {
  let tier = before.tier;
  for (const event of events) {
    if (event.type !== 'CaseEscalated') continue;
    holds(event.data.fromTier === tier && event.data.toTier === TIERS[TIERS.indexOf(tier) + 1], 'an escalation moves the case up one tier', event, tier);
    holds(event.data.supervisorOrganisationId === (event.data.toTier === 'street' ? ids.street : ids.district), 'the tier above supervises', event);
    tier = event.data.toTier;
  }
  holds(after.tier === tier && TIERS.includes(after.tier), 'the state is at the tier escalated to', after.tier, tier);
  holds(tierIndex(after) >= tierIndex(before), 'a case never moves down a tier', before.tier, after.tier);
  const repeatedCauses = after.escalatedFor.filter((reason) => reason !== 'council_timeout');
  holds(new Set(repeatedCauses).size === repeatedCauses.length, 'a case is escalated for its redos, or its returns, once', after.escalatedFor);
}

/** A council that does not decide in time escalates the case once per referral. */
function checkCouncilTimeouts({ events, stream }: Transition): void {
  const all = [...stream, ...events];
  const sinceReferral = all.slice(all.map((event) => event.type).lastIndexOf('CaseReferredToCouncil') + 1);
  const timeouts = sinceReferral.filter((event) => event.type === 'CaseEscalated' && event.data.reason === 'council_timeout');
  holds(timeouts.length <= 1, 'a council times out once per referral', timeouts);
}

/** Counters that only grow (a reopening may start them over). */
function checkCounters({ before, command, after }: Transition): void {
  if (command.type === 'ReopenCase') return;
  holds(after.redoCount >= before.redoCount, 'redoCount only grows', before.redoCount, after.redoCount);
  holds(
    before.returnedBy.every((organisation, i) => after.returnedBy[i] === organisation) && new Set(after.returnedBy).size === after.returnedBy.length,
    'returnedBy only grows, by parties not in it yet',
    before.returnedBy,
    after.returnedBy,
  );
  holds(after.unreachableCallBacks >= before.unreachableCallBacks, 'unreachable call-backs only add up', before.unreachableCallBacks, after.unreachableCallBacks);
}

/** The state is consistent with its status. */
function checkShape({ after }: Transition): void {
  const { status, task } = after;
  if (after.paused) holds(isRunning(after), 'only a running task’s clock is paused', status);
  if (isRunning(after)) {
    holds(task !== undefined && task.deadlines.resolve !== undefined, 'a running task has a resolve deadline', task);
    holds(task!.signedFor === (status === 'in_progress') && (task!.deadlines.sign_for === undefined) === (status === 'in_progress'), 'a task in progress is signed for', status, task);
  }
  if (status === 'returned') holds(after.lastReturn !== undefined && task !== undefined, 'a returned case keeps its task and the return', after);
  if (status === 'before_council' || status === 'council_decided') holds(after.council !== undefined, 'a case before a council knows its council', after);
  if (status === 'council_decided') holds(after.council?.decision !== undefined, 'a decided council has its decision', after.council);
  if (status === 'duplicate') holds(after.duplicateOf !== undefined, 'a duplicate knows its primary case', after);
  if (status !== 'duplicate' && status !== 'closed') holds(after.duplicateOf === undefined, 'only a duplicate has a primary case', status, after.duplicateOf);
  holds(after.duplicateOf !== after.caseId, 'a case never duplicates itself', after.duplicateOf);
  if (status !== 'closed') holds(after.unreachableCallBacks < 3, 'the third unreachable call-back closes the case', after.unreachableCallBacks);
}

/** An erasure marks the personal data erased for good, and changes nothing else about the case. */
function checkErasure({ before, events, after }: Transition): void {
  if (before.residentKey?.erasedAt) holds(after.residentKey?.erasedAt === before.residentKey.erasedAt, 'erased personal data stays erased', before.residentKey, after.residentKey);
  if (!events.some((event) => event.type === 'PersonalDataErased')) return;
  const { residentKey: _before, ...restBefore } = before;
  const { residentKey: _after, ...restAfter } = after;
  holds(isDeepStrictEqual(restBefore, restAfter), 'an erasure changes nothing but the personal data', before, after);
  holds(after.residentKey?.subjectId === before.residentKey?.subjectId && after.residentKey?.erasedAt !== undefined, 'an erasure marks the resident’s data erased', after.residentKey);
}

/**
 * Staff's evidence comes from the case's community and leaves the state as it was, so that the
 * center's next step (a function of the state) is what it was: a workflow replaying it does the same.
 */
function checkEvidence({ before, command, events, after }: Transition): void {
  if (!events.some((event) => event.type === 'EvidenceAttached')) return;
  holds(command.actor.role === 'community_staff' && command.actor.organisationId === before.communityId, 'only the case’s community staff attach evidence', command.actor);
  holds(isDeepStrictEqual(before, after), 'evidence changes nothing about the case', before, after);
}

/** Replaying the stream from scratch gives the state built step by step. */
function checkReplay({ events, after, stream }: Transition): void {
  holds(isDeepStrictEqual(foldCase([...stream, ...events]), after), 'folding the stream from scratch gives the same state', foldCase([...stream, ...events]), after);
}

function checkAll(transition: Transition): void {
  holds(transition.events.length > 0, 'an accepted command records something', transition.command);
  checkClosedCaseAcceptsOnlyReopening(transition);
  checkOneTaskOneHolder(transition);
  checkDeadlines(transition);
  checkTiers(transition);
  checkCouncilTimeouts(transition);
  checkCounters(transition);
  checkShape(transition);
  checkErasure(transition);
  checkEvidence(transition);
  checkReplay(transition);
}

/** What the random lives should have shown, over all the runs (each shows up in at least 2% of the lives). */
const MILESTONES = [
  ...Object.keys(CASE_EVENT_SCHEMA_VERSIONS).filter((type) => !['CaseEscalated', 'CaseClosed', 'TaskDispatched'].includes(type)),
  ...ESCALATION_REASONS.map((reason) => `CaseEscalated ${reason}`),
  'CaseEscalated to district',
  ...CLOSING_REASONS.map((reason) => `CaseClosed ${reason}`),
  ...['complaint', 'redispatch', 'council_decision'].map((origin) => `TaskDispatched ${origin}`),
];

function milestonesOf(event: CaseEvent): string[] {
  switch (event.type) {
    case 'CaseEscalated':
      return [`CaseEscalated ${event.data.reason}`, ...(event.data.toTier === 'district' ? ['CaseEscalated to district'] : [])];
    case 'CaseClosed':
      return [`CaseClosed ${event.data.reason}`];
    case 'TaskDispatched':
      return [`TaskDispatched ${event.data.origin}`];
    default:
      return [event.type];
  }
}

describe('the life of a case, at random', () => {
  const reached = new Set<string>();

  /** Lives `runs` random lives, checking every accepted command, and what was stored reads back as the same state. */
  function liveMany(lives: fc.Arbitrary<{ start: number; filing: CommandSpec; steps: Step[] }>, runs: number): void {
    fc.assert(
      fc.property(lives, (randomLife) => {
        const { stream, state } = live(randomLife, checkAll);
        // Stored as JSON and read back as the workflow and the projections read it, the stream folds into the same state.
        const stored = stream.map((event) => ({ type: event.type, data: JSON.parse(JSON.stringify(event.data)) }));
        expect(foldCase(stored.map(({ type, data }) => upcastCaseEvent(type, CASE_EVENT_SCHEMA_VERSIONS[type], data)))).toEqual(state);
        stream.flatMap(milestonesOf).forEach((milestone) => reached.add(milestone));
      }),
      { numRuns: runs },
    );
  }

  it('keeps every invariant after every accepted command, when anyone tries anything', () => liveMany(unrulyLife, 300));

  it('keeps every invariant after every accepted command, when people do their part', () => liveMany(busyLife, 200));

  it('went everywhere: every kind of event, every cause of escalation, up to the district, every way to close and to give a task', () =>
    expect([...reached].sort()).toEqual(MILESTONES.sort()));
});

const iso = (ms: number) => new Date(ms).toISOString();

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    Object.values(value).forEach(deepFreeze);
  }
  return value;
}
