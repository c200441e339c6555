import { Module, type INestApplication, type LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { type YixinConfig } from '@yixin/config';
import { JsonLogger } from '@yixin/observability';
import { PlatformModule } from '@yixin/platform';
import { ApiModule } from './api.module';
import { configureHttpApp } from './http-app';

/** The API on its own, for deployments where API and workers scale apart. */
export async function createApiApp(config: YixinConfig, options: { logger?: LoggerService | false } = {}): Promise<INestApplication> {
  @Module({ imports: [PlatformModule.forRoot(config), ApiModule] })
  class ApiProcessModule {}
  return configureHttpApp(await NestFactory.create(ApiProcessModule, { logger: options.logger ?? new JsonLogger(config.logLevel) }));
}
