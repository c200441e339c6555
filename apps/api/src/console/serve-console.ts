import type { INestApplication, LoggerService } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The web console, built by Vite into `consoleDir`, served at `/` by the API process, same origin.
 * Its routes live in the URL's fragment (`/#/cases/…`), so no path of the console can shadow a
 * path of the API: the server only ever serves `/` and the hashed files under `/assets/`.
 */
export function serveConsole(app: INestApplication, consoleDir: string, logger: Pick<LoggerService, 'warn'>): void {
  if (!existsSync(join(consoleDir, 'index.html'))) {
    logger.warn(`no web console at ${consoleDir}: build it with npm run build:console (npm start does)`, 'Console');
    return;
  }
  (app as NestExpressApplication).useStaticAssets(consoleDir, {
    index: 'index.html',
    redirect: false,
    setHeaders: (response, path) => {
      // Vite names every asset by its content, so it may be cached for good; the page that names them may not.
      response.setHeader('Cache-Control', path.endsWith('index.html') ? 'no-cache' : 'public, max-age=31536000, immutable');
    },
  });
}
