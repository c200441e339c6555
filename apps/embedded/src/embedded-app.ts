import { Module, type INestApplication, type LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ApplicationModule, JsonLogger, type YixinConfig } from '../../../libs/application/src';
import { ApiModule } from '../../api/src/api.module';
import { configureHttpApp } from '../../api/src/http-app';
import { WorkerModule } from '../../worker/src/worker.module';

/** API and worker in one process on one SQLite file: the embedded way to run yixin, and what the end-to-end tests run. */
export async function createEmbeddedApp(config: YixinConfig, options: { logger?: LoggerService | false } = {}): Promise<INestApplication> {
  @Module({ imports: [ApplicationModule.forRoot(config), ApiModule, WorkerModule] })
  class EmbeddedModule {}
  return configureHttpApp(await NestFactory.create(EmbeddedModule, { logger: options.logger ?? new JsonLogger(config.logLevel) }));
}
