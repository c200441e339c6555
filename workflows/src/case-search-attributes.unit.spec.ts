import { TypedSearchAttributes, type SearchAttributeUpdatePair } from '@temporalio/common';
import { initialCaseState, type CaseState } from '../../libs/domain/src';
import { changedCaseSearchAttributes, overdueFrom } from './case-search-attributes';

const SIGN_FOR_DUE = '2026-03-02T10:00:00.000Z';
const before = Date.parse(SIGN_FOR_DUE) - 60_000;

const dispatched: CaseState = {
  ...initialCaseState,
  status: 'awaiting_sign_for',
  caseId: 'case-1',
  communityId: 'xiangyuan',
  compoundId: 'beichen-aoyuan',
  category: 'elevator',
  urgency: 'normal',
  task: {
    taskId: 'task-1',
    assigneeOrganisationId: 'pc-beichen-aoyuan',
    assigneeKind: 'property_company',
    origin: 'complaint',
    signedFor: false,
    deadlines: { sign_for: { due: SIGN_FOR_DUE, unit: 'hours', remindAt: '2026-03-03T10:00:00.000Z' } },
  },
};

/** A workflow's attributes after these upserts, as `workflowInfo().typedSearchAttributes` has them. */
const after = (...upserts: SearchAttributeUpdatePair[][]) => upserts.reduce((attributes, pairs) => attributes.updateCopy(pairs), new TypedSearchAttributes());

const asRecord = (pairs: SearchAttributeUpdatePair[]) => Object.fromEntries(pairs.map(({ key, value }) => [key.name, value]));

describe('the search attributes of a case workflow', () => {
  it('are all upserted the first time, with the case’s values', () => {
    expect(asRecord(changedCaseSearchAttributes(after(), dispatched, before))).toEqual({
      CaseStatus: 'awaiting_sign_for',
      Tier: 'community',
      Community: 'xiangyuan',
      Compound: 'beichen-aoyuan',
      Category: 'elevator',
      Overdue: false,
    });
  });

  it('leave out what a case not filed yet does not have', () => {
    expect(asRecord(changedCaseSearchAttributes(after(), initialCaseState, before))).toEqual({ CaseStatus: 'not_filed', Tier: 'community', Overdue: false });
  });

  it('are upserted again only where they changed', () => {
    const upserted = after(changedCaseSearchAttributes(after(), dispatched, before));
    expect(changedCaseSearchAttributes(upserted, dispatched, before)).toEqual([]);

    const signedFor: CaseState = { ...dispatched, status: 'in_progress', task: { ...dispatched.task!, signedFor: true, deadlines: {} } };
    expect(asRecord(changedCaseSearchAttributes(upserted, signedFor, before))).toEqual({ CaseStatus: 'in_progress' });

    const escalated: CaseState = { ...dispatched, tier: 'street' };
    expect(asRecord(changedCaseSearchAttributes(upserted, escalated, before))).toEqual({ Tier: 'street' });
  });

  it('turn Overdue once the running clock is past its deadline, as the case list judges it, and not while it is paused', () => {
    const upserted = after(changedCaseSearchAttributes(after(), dispatched, before));
    expect(overdueFrom(dispatched)).toBe(Date.parse(SIGN_FOR_DUE) + 1);
    expect(changedCaseSearchAttributes(upserted, dispatched, Date.parse(SIGN_FOR_DUE))).toEqual([]);
    expect(asRecord(changedCaseSearchAttributes(upserted, dispatched, Date.parse(SIGN_FOR_DUE) + 1))).toEqual({ Overdue: true });

    const paused: CaseState = { ...dispatched, paused: { since: '2026-03-02T09:00:00.000Z', reason: '居民外出' } };
    expect(overdueFrom(paused)).toBeUndefined();
    expect(changedCaseSearchAttributes(upserted, paused, Date.parse(SIGN_FOR_DUE) + 3_600_000)).toEqual([]);
  });
});
