import { ValidationPipe, type INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Metrics } from '../../../libs/application/src';
import { DomainErrorFilter } from './domain-error.filter';
import { trackRequests } from './observability/request-tracking';

/** What every process serving the API sets up, the same way: request tracking, validation, errors, documentation. */
export function configureHttpApp(app: INestApplication): INestApplication {
  app.use(trackRequests(app.get(Metrics)));
  app.useGlobalPipes(
    new ValidationPipe({
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
      stopAtFirstError: false,
    }),
  );
  app.useGlobalFilters(new DomainErrorFilter());
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('yixin 一心')
      .setDescription('One center, two councils: residents’ property complaints from filing to closure')
      .setVersion('0.1.0')
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs/openapi.json' });
  return app;
}

