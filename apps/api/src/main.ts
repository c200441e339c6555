import 'reflect-metadata';
import { loadConfig } from '../../../libs/application/src';
import { createApiApp } from './api-app';

/** The API process on its own, for deployments where API and workers scale apart. */
async function main(): Promise<void> {
  const config = loadConfig();
  const app = await createApiApp(config);
  app.enableShutdownHooks();
  await app.listen(config.httpPort);
}

void main();
