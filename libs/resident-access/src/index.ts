/**
 * The resident's access to their own case: the case number and check code an SMS carries
 * (resident-link.ts, imported by the notifications too), the case found by them, what the resident
 * is shown of it and their rating of it (the API serves them: apps/api/src/resident).
 */
export * from './resident-link';
export * from './resident-case';
export * from './find-resident-case';
export * from './resident-access.queries';
export * from './resident-access.commands';
export * from './resident-access.module';
