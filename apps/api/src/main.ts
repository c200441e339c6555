import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ApplicationModule, loadConfig } from '../../../libs/application/src';
import { ApiModule } from './api.module';
import { configureHttpApp } from './http-app';

/** The API process on its own, for deployments where API and workers scale apart. */
async function main(): Promise<void> {
  const config = loadConfig();
  @Module({ imports: [ApplicationModule.forRoot(config), ApiModule] })
  class ApiProcessModule {}
  const app = configureHttpApp(await NestFactory.create(ApiProcessModule));
  app.enableShutdownHooks();
  await app.listen(config.httpPort);
}

void main();
