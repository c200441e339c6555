// First: resolves the packages' aliases (@yixin/…) when Node runs the compiled code.
import '../../../libs/module-aliases/src/register';
import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { loadConfig } from '@yixin/config';
import { JsonLogger } from '@yixin/observability';
import { PlatformModule } from '@yixin/platform';
import { parentLogWriter } from '@yixin/stores';
import { WorkerModule } from './worker.module';

/** The worker process on its own, for deployments where API and workers scale apart. */
async function main(): Promise<void> {
  const config = loadConfig();
  @Module({ imports: [PlatformModule.forRoot(config, { logWriter: parentLogWriter() }), WorkerModule] })
  class WorkerProcessModule {}
  const app = await NestFactory.createApplicationContext(WorkerProcessModule, { logger: new JsonLogger(config.logLevel) });
  app.enableShutdownHooks();
}

void main();
