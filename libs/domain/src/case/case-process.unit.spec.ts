import { ids } from './__fixtures__/case-fixtures';
import {
  beforeCouncil,
  closed,
  convened,
  decided,
  dispatched,
  elevatorDeadlines,
  escalatedToDistrict,
  escalatedToStreet,
  filed,
  legacyFiled,
  linked,
  notSatisfied,
  paused,
  progressReported,
  redispatched,
  redoRound,
  referred,
  resolved,
  resolveReminded,
  returned,
  signedFor,
} from './__fixtures__/elevator-case';
import type { CaseEscalated, CaseEvent, DeadlineReminderSent, EscalationReason } from './case-events';
import { nextCaseStep, type CaseStep, type CenterCommand } from './case-process';
import { foldCase } from './case-state';
import type { DeadlineKind } from './deadlines';

/** given events, at an instant, then the center takes this step. */
function given(...history: CaseEvent[]) {
  const state = foldCase(history);
  return {
    at: (now: string) => ({
      then: (expected: CaseStep) => expect(nextCaseStep(state, Date.parse(now))).toStrictEqual(expected),
    }),
  };
}

const issue = (command: CenterCommand): CaseStep => ({ kind: 'issue', command });
const waitUntil = (until: string): CaseStep => ({ kind: 'wait', until });
/** Wait for the next event: no timer. */
const waitForNews: CaseStep = { kind: 'wait' };
const escalate = (reason: EscalationReason) => issue({ type: 'EscalateCase', reason });
const remind = (deadline: DeadlineKind) => issue({ type: 'SendReminder', deadline });

const reminder = (deadline: DeadlineKind, due: string, remindedAt: string, escalateAt?: string): DeadlineReminderSent => ({
  type: 'DeadlineReminderSent',
  data: { taskId: 'task-1', assigneeOrganisationId: ids.company, deadline, due, ...(escalateAt ? { escalateAt } : {}), remindedAt },
});
const escalatedFor = (reason: EscalationReason, fromTier: 'community' | 'street' = 'community'): CaseEscalated => ({
  type: 'CaseEscalated',
  data: {
    fromTier,
    toTier: fromTier === 'community' ? 'street' : 'district',
    reason,
    supervisorOrganisationId: fromTier === 'community' ? ids.street : ids.district,
    escalatedAt: '2026-03-02T12:00:00.000Z',
  },
});

/** Monday 2026-03-02 20:00 in China: after dispatch, before any reminder is due. */
const MONDAY_EVENING = '2026-03-02T12:00:00.000Z';
const LONG_AFTER = '2026-06-01T00:00:00.000Z';

describe('nextCaseStep', () => {
  describe('before a task is out', () => {
    it('waits for a case never filed', () => given().at(MONDAY_EVENING).then(waitForNews));
    it('dispatches a filed case', () => given(filed).at(MONDAY_EVENING).then(issue({ type: 'DispatchTask' })));
    it('dispatches a reopened case', () =>
      given(filed, dispatched, signedFor, resolved, closed(), { type: 'CaseReopened', data: { reason: '复发', reopenedAt: '2026-03-05T01:00:00.000Z' } })
        .at(MONDAY_EVENING)
        .then(issue({ type: 'DispatchTask' })));
    it('waits on a duplicate: the primary case is handled', () => given(filed, linked).at(LONG_AFTER).then(waitForNews));
    it('dispatches a duplicate that was unlinked', () =>
      given(filed, linked, { type: 'CaseUnlinked', data: { primaryCaseId: 'case-0', unlinkedAt: '2026-03-02T02:00:00.000Z' } })
        .at(MONDAY_EVENING)
        .then(issue({ type: 'DispatchTask' })));
  });

  describe('while the task runs: reminders', () => {
    it('waits until the earliest remindAt, the sign-for one', () =>
      given(filed, dispatched).at(MONDAY_EVENING).then(waitUntil(elevatorDeadlines.sign_for.remindAt)));
    it('does not remind a millisecond before remindAt', () =>
      given(filed, dispatched).at('2026-03-03T15:59:59.998Z').then(waitUntil(elevatorDeadlines.sign_for.remindAt)));
    it('reminds the sign-for deadline at its remindAt', () => given(filed, dispatched).at(elevatorDeadlines.sign_for.remindAt).then(remind('sign_for')));
    it('once sign-for is reminded, waits until the next remindAt, before the escalation', () =>
      given(filed, dispatched, reminder('sign_for', elevatorDeadlines.sign_for.due, '2026-03-03T16:00:00.000Z', '2026-03-10T15:59:59.999Z'))
        .at('2026-03-03T16:00:00.000Z')
        .then(waitUntil('2026-03-04T15:59:59.999Z')));
    it('reminds the first reply at its remindAt', () =>
      given(filed, dispatched, signedFor).at(elevatorDeadlines.first_reply.remindAt).then(remind('first_reply')));
    it('reminds the resolve deadline once the first reply is reminded', () =>
      given(filed, dispatched, signedFor, reminder('first_reply', elevatorDeadlines.first_reply.due, '2026-03-04T16:00:00.000Z', '2026-03-11T15:59:59.999Z'))
        .at('2026-03-04T16:00:00.000Z')
        .then(remind('resolve')));
    it('reminds the resolve deadline of a task whose first reply was given', () =>
      given(filed, dispatched, signedFor, progressReported).at(elevatorDeadlines.resolve.remindAt).then(remind('resolve')));
    it('waits until the new remindAt after a resumed clock', () =>
      given(
        filed,
        dispatched,
        signedFor,
        progressReported,
        { type: 'ClockPaused', data: { taskId: 'task-1', reason: '居民外出', pausedAt: '2026-03-02T05:30:00.000Z' } },
        {
          type: 'ClockResumed',
          data: {
            taskId: 'task-1',
            deadlines: { resolve: { due: '2026-03-04T01:00:00.000Z', unit: 'hours', remindAt: '2026-03-05T15:59:59.999Z' } },
            resumedAt: '2026-03-03T05:30:00.000Z',
          },
        },
      )
        .at('2026-03-03T05:30:00.000Z')
        .then(waitUntil('2026-03-05T15:59:59.999Z')));
  });

  describe('while the task runs: escalation when still overdue', () => {
    const remindedResolve = [filed, dispatched, signedFor, progressReported, resolveReminded];

    it('waits until escalateAt', () => given(...remindedResolve).at('2026-03-12T15:59:59.998Z').then(waitUntil('2026-03-12T15:59:59.999Z')));
    it('escalates at escalateAt', () => given(...remindedResolve).at('2026-03-12T15:59:59.999Z').then(escalate('overdue')));
    it('escalates before reminding another deadline that is due too', () =>
      given(filed, dispatched, signedFor, resolveReminded).at('2026-03-12T15:59:59.999Z').then(escalate('overdue')));
    it('after the escalation, waits until the remindAt of the deadline the street renewed', () =>
      given(...remindedResolve, escalatedToStreet).at('2026-03-13T02:00:00.000Z').then(waitUntil('2026-03-23T15:59:59.999Z')));

    const remindedAtStreet = reminder('resolve', '2026-03-20T15:59:59.999Z', '2026-03-23T16:00:00.000Z', '2026-03-30T15:59:59.999Z');
    it('escalates from the street to the district', () =>
      given(...remindedResolve, escalatedToStreet, remindedAtStreet).at('2026-03-30T15:59:59.999Z').then(escalate('overdue')));
    it('never escalates past the district, and sets no timer there', () =>
      given(...remindedResolve, escalatedToStreet, escalatedToDistrict, remindedAtStreet).at(LONG_AFTER).then(waitForNews));
    it('never escalates a case filed without its street and district', () =>
      given(legacyFiled(), dispatched, signedFor, progressReported, resolveReminded).at(LONG_AFTER).then(waitForNews));
    it('never escalates on a reminder recorded before escalation existed (no escalateAt)', () =>
      given(filed, dispatched, signedFor, progressReported, reminder('resolve', elevatorDeadlines.resolve.due, '2026-03-04T16:00:00.000Z')).at(LONG_AFTER).then(waitForNews));
  });

  describe('while the clock is paused', () => {
    it('waits with no timer, past every remindAt', () => given(filed, dispatched, paused).at(LONG_AFTER).then(waitForNews));
    it('waits with no timer, past escalateAt', () =>
      given(filed, dispatched, signedFor, progressReported, resolveReminded, { ...paused, data: { ...paused.data, pausedAt: '2026-03-10T01:00:00.000Z' } })
        .at(LONG_AFTER)
        .then(waitForNews));
  });

  describe('after the task is resolved', () => {
    it('waits for the call-back', () => given(filed, dispatched, signedFor, resolved).at(LONG_AFTER).then(waitForNews));
    it('orders a redo after an unsatisfied call-back', () =>
      given(filed, dispatched, signedFor, resolved, notSatisfied).at('2026-03-03T02:00:00.000Z').then(issue({ type: 'OrderRedo' })));
    it('follows the redone task’s deadlines after two redos', () =>
      given(filed, dispatched, ...redoRound(1), ...redoRound(2)).at(MONDAY_EVENING).then(waitUntil(elevatorDeadlines.sign_for.remindAt)));
    it('escalates after the third redo', () =>
      given(filed, dispatched, ...redoRound(1), ...redoRound(2), ...redoRound(3)).at(MONDAY_EVENING).then(escalate('redone_three_times')));
    it('escalates for the redos once', () =>
      given(filed, dispatched, ...redoRound(1), ...redoRound(2), ...redoRound(3), escalatedFor('redone_three_times'))
        .at(MONDAY_EVENING)
        .then(waitUntil(elevatorDeadlines.sign_for.remindAt)));
    it('does not escalate again at the fourth redo', () =>
      given(filed, dispatched, ...redoRound(1), ...redoRound(2), ...redoRound(3), escalatedFor('redone_three_times'), ...redoRound(4))
        .at(MONDAY_EVENING)
        .then(waitUntil(elevatorDeadlines.sign_for.remindAt)));
    it('orders the redo of a case escalated for its redos', () =>
      given(filed, dispatched, ...redoRound(1), ...redoRound(2), ...redoRound(3), escalatedFor('redone_three_times'), signedFor, resolved, notSatisfied)
        .at(MONDAY_EVENING)
        .then(issue({ type: 'OrderRedo' })));
  });

  describe('after a return', () => {
    it('refers a disputed responsibility to the property council', () =>
      given(filed, dispatched, returned('disputed_responsibility')).at(MONDAY_EVENING).then(issue({ type: 'ReferToCouncil', council: 'property_council' })));
    it('dispatches a task needing the owners’ decision (to the owners’ committee)', () =>
      given(filed, dispatched, returned('needs_owners_decision')).at(MONDAY_EVENING).then(issue({ type: 'DispatchTask' })));
    it('waits for the staff to re-dispatch a wrongly routed task, or reject the return', () =>
      given(filed, dispatched, returned('wrongly_routed')).at(LONG_AFTER).then(waitForNews));
    it('follows the deadlines again once the return is rejected', () =>
      given(filed, dispatched, returned('wrongly_routed'), {
        type: 'ReturnRejected',
        data: { taskId: 'task-1', assigneeOrganisationId: ids.company, reason: '确属贵司', rejectedAt: '2026-03-02T04:00:00.000Z' },
      })
        .at(MONDAY_EVENING)
        .then(waitUntil(elevatorDeadlines.sign_for.remindAt)));

    const returnedByThree = [
      filed,
      dispatched,
      returned('wrongly_routed'),
      redispatched('task-2', ids.neighbourCompany),
      returned('wrongly_routed', ids.neighbourCompany, 'task-2'),
      redispatched('task-3', ids.ownersCommittee, 'owners_committee'),
      returned('disputed_responsibility', ids.ownersCommittee, 'task-3'),
    ];
    it('escalates a case returned by three parties before anything else', () => given(...returnedByThree).at(MONDAY_EVENING).then(escalate('returned_three_times')));
    it("escalates for the returns once, then refers the owners' committee's dispute to the owners' council", () =>
      given(...returnedByThree, escalatedFor('returned_three_times')).at(MONDAY_EVENING).then(issue({ type: 'ReferToCouncil', council: 'owners_council' })));
    it('does not escalate when two parties returned it', () =>
      given(...returnedByThree.slice(0, -2)).at(MONDAY_EVENING).then(waitForNews));
    it('counts one party returning three times as one', () =>
      given(
        filed,
        dispatched,
        returned('wrongly_routed'),
        redispatched('task-2', ids.company),
        returned('wrongly_routed', ids.company, 'task-2'),
        redispatched('task-3', ids.company),
        returned('wrongly_routed', ids.company, 'task-3'),
      )
        .at(MONDAY_EVENING)
        .then(waitForNews));
  });

  describe('before a council', () => {
    const DECIDE_BY = referred.data.decideBy;

    it('waits until the council’s decideBy', () => given(...beforeCouncil).at(MONDAY_EVENING).then(waitUntil(DECIDE_BY)));
    it('waits until decideBy, a session convened', () => given(...beforeCouncil, convened).at('2026-03-18T15:59:59.998Z').then(waitUntil(DECIDE_BY)));
    it('escalates at decideBy', () => given(...beforeCouncil, convened).at(DECIDE_BY).then(escalate('council_timeout')));
    it('escalates for the council once, then waits for it with no timer', () =>
      given(...beforeCouncil, escalatedFor('council_timeout')).at(LONG_AFTER).then(waitForNews));
    it('waits with no timer at the district', () =>
      given(filed, dispatched, escalatedToStreet, escalatedToDistrict, returned('disputed_responsibility'), referred).at(LONG_AFTER).then(waitForNews));
    it('dispatches the council’s decision', () => given(...beforeCouncil, convened, decided).at(LONG_AFTER).then(issue({ type: 'DispatchTask' })));
  });

  describe('a closed case', () => {
    it('is finished', () => given(filed, dispatched, signedFor, resolved, closed()).at(MONDAY_EVENING).then({ kind: 'finished' }));
    it('is finished even when an escalation would be due', () =>
      given(filed, dispatched, ...redoRound(1), ...redoRound(2), ...redoRound(3), closed('withdrawn')).at(LONG_AFTER).then({ kind: 'finished' }));
    it('is finished before a council’s decideBy', () => given(...beforeCouncil, closed('withdrawn')).at(LONG_AFTER).then({ kind: 'finished' }));
  });
});
