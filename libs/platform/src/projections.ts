import { caseListProjection, caseTimelineProjection } from '@yixin/cases';
import type { Projection } from '@yixin/projections';
import { ratesProjection } from '@yixin/rates';

/** Every read model built from the log. */
export const PROJECTIONS: readonly Projection[] = [caseListProjection, caseTimelineProjection, ratesProjection];
