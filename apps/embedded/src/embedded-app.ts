import { Module, type INestApplication, type LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { type YixinConfig } from '@yixin/config';
import { JsonLogger } from '@yixin/observability';
import { PlatformModule } from '@yixin/platform';
import { ApiModule, configureHttpApp } from '@yixin/api';
import { WorkerModule } from '@yixin/worker';

/**
 * API and worker in one Nest application, in one process: what the end-to-end tests and the in-process
 * benchmarks boot (one thing to start and stop). `npm start` runs the same two as two processes
 * (embedded-system.ts).
 */
export async function createEmbeddedApp(config: YixinConfig, options: { logger?: LoggerService | false } = {}): Promise<INestApplication> {
  @Module({ imports: [PlatformModule.forRoot(config), ApiModule, WorkerModule] })
  class EmbeddedModule {}
  return configureHttpApp(await NestFactory.create(EmbeddedModule, { logger: options.logger ?? new JsonLogger(config.logLevel) }));
}
