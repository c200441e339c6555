/**
 * What the worker app offers the other apps, as @yixin/worker: its module, which apps/embedded runs
 * beside the API in one Nest application. (apps/embedded also forks the worker's main.ts, found
 * beside this file: see apps/embedded/src/worker-process.ts.) Nothing else of apps/worker is
 * imported from outside.
 */
export { WorkerModule } from './worker.module';
