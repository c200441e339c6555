// First: resolves the packages' aliases (@yixin/…) when Node runs the compiled code.
import '../../../libs/module-aliases/src/register';
import 'reflect-metadata';
import { loadConfig } from '@yixin/config';
import { createApiApp } from './api-app';

/** The API process on its own, for deployments where API and workers scale apart. */
async function main(): Promise<void> {
  const config = loadConfig();
  const app = await createApiApp(config);
  app.enableShutdownHooks();
  await app.listen(config.httpPort);
}

void main();
