import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ApplicationModule, JsonLogger, loadConfig } from '../../../libs/application/src';
import { parentLogWriter } from './log-writes';
import { WorkerModule } from './worker.module';

/** The worker process on its own, for deployments where API and workers scale apart. */
async function main(): Promise<void> {
  const config = loadConfig();
  @Module({ imports: [ApplicationModule.forRoot(config, { logWriter: parentLogWriter() }), WorkerModule] })
  class WorkerProcessModule {}
  const app = await NestFactory.createApplicationContext(WorkerProcessModule, { logger: new JsonLogger(config.logLevel) });
  app.enableShutdownHooks();
}

void main();
