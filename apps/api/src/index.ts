/**
 * What the API app offers the other apps (apps/embedded runs it in its own process, or beside the
 * worker in one Nest application), as @yixin/api. Nothing else of apps/api is imported from outside.
 */
export { ApiModule } from './api.module';
export { createApiApp } from './api-app';
export { apiDocument, configureHttpApp } from './http-app';
