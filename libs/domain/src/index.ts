export * from './shared/actor';
export * from './shared/domain-error';
export * from './calendar/working-calendar';
export * from './case/category';
export * from './case/deadlines';
export * from './case/case-events';
export * from './case/case-commands';
export * from './case/case-state';
export * from './case/decide-case';
export * from './case/case-process';
export * from './case/case-upcasters';
// Of the rules the decider applies, other packages read only these; the require* checks stay inside the domain.
export { REPEATS_BEFORE_ESCALATION, canBeEscalated, dueEscalation } from './case/escalation';
export { handlingOrganisation, tierAbove } from './case/routing';
export { HANDLING_ROLES, HANDLING_ROLE_AT_TIER, type HandlingRole } from './case/authorisation';
export { UNREACHABLE_CALL_BACKS_BEFORE_CLOSING } from './case/decisions/closing';
