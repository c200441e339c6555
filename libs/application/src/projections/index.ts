import { caseListProjection } from './case-list.projection';
import { caseTimelineProjection } from './case-timeline.projection';
import type { Projection } from './projection';
import { ratesProjection } from './rates.projection';

/** Every read model built from the log. */
export const PROJECTIONS: readonly Projection[] = [caseListProjection, caseTimelineProjection, ratesProjection];

export * from './projection';
export * from './case-list.projection';
export * from './case-timeline.projection';
export * from './rates.projection';
export * from './projection-runner';
