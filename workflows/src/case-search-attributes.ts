import { defineSearchAttributeKey, SearchAttributeType, type SearchAttributeUpdatePair, type TypedSearchAttributes } from '@temporalio/common';
import { nextDeadlineOf, type CaseState } from '../../libs/domain/src';

/**
 * The custom search attributes each case's workflow carries, so that operators find cases in
 * Temporal (`temporal workflow list --query "Tier='street' AND CaseStatus='in_progress'"`, the Web
 * UI's filters). The one list: the workflow upserts these, the dev server is started with them
 * (libs/temporal-tooling), and a cluster must have them created in its namespace
 * (docs/infrastructure.md), or the case workflows' tasks fail until it does.
 */
export const CASE_SEARCH_ATTRIBUTES = {
  CaseStatus: defineSearchAttributeKey('CaseStatus', SearchAttributeType.KEYWORD),
  Tier: defineSearchAttributeKey('Tier', SearchAttributeType.KEYWORD),
  Community: defineSearchAttributeKey('Community', SearchAttributeType.KEYWORD),
  Compound: defineSearchAttributeKey('Compound', SearchAttributeType.KEYWORD),
  Category: defineSearchAttributeKey('Category', SearchAttributeType.KEYWORD),
  Overdue: defineSearchAttributeKey('Overdue', SearchAttributeType.BOOL),
};

type CaseSearchAttributeName = keyof typeof CASE_SEARCH_ATTRIBUTES;

/**
 * The first instant the case counts as overdue: its running clock is then past the domain's next
 * deadline (`nextDeadlineOf`), as the case list judges it (`timeLeftMs < 0`, libs/cases), so
 * Temporal and the console agree. None while no clock runs.
 */
export function overdueFrom(state: CaseState): number | undefined {
  const due = nextDeadlineOf(state);
  return due === undefined ? undefined : Date.parse(due) + 1;
}

/** What each attribute says of the case at `now`; null where the case has no such value (not filed yet). */
function caseSearchAttributeValues(state: CaseState, now: number): { [Name in CaseSearchAttributeName]: string | boolean | null } {
  return {
    CaseStatus: state.status,
    Tier: state.tier,
    Community: state.communityId ?? null,
    Compound: state.compoundId ?? null,
    Category: state.category ?? null,
    Overdue: (overdueFrom(state) ?? Infinity) <= now,
  };
}

/**
 * The upsert that brings a workflow's attributes (`current`, its `workflowInfo().typedSearchAttributes`)
 * to the case's state at `now`: only the attributes that changed, as each upsert is an event in the
 * workflow's history. Empty when nothing changed.
 */
export function changedCaseSearchAttributes(current: TypedSearchAttributes, state: CaseState, now: number): SearchAttributeUpdatePair[] {
  const values = caseSearchAttributeValues(state, now);
  return (Object.keys(CASE_SEARCH_ATTRIBUTES) as CaseSearchAttributeName[])
    .filter((name) => (current.get(CASE_SEARCH_ATTRIBUTES[name]) ?? null) !== values[name])
    .map((name) => ({ key: CASE_SEARCH_ATTRIBUTES[name], value: values[name] }) as SearchAttributeUpdatePair);
}
