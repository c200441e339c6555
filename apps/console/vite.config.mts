import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const consoleRoot = fileURLToPath(new URL('.', import.meta.url));

/** The console is built into dist/console, which the API process serves at `/`. */
export default defineConfig({
  root: consoleRoot,
  base: '/',
  oxc: { jsx: { runtime: 'automatic' } },
  build: {
    outDir: fileURLToPath(new URL('../../dist/console', import.meta.url)),
    emptyOutDir: true,
    chunkSizeWarningLimit: 1500,
    rollupOptions: {
      // antd marks its modules "use client" for React Server Components, which a client-only bundle has no use for.
      onwarn(warning, warn) {
        if (warning.code !== 'MODULE_LEVEL_DIRECTIVE') warn(warning);
      },
    },
  },
  server: {
    // `npm run console:dev`: the API of `npm start`, proxied, so the console is same-origin as in production.
    proxy: Object.fromEntries(
      ['/auth', '/cases', '/tasks', '/supervision', '/councils', '/audit', '/rates', '/admin', '/privacy', '/attachments', '/directory', '/health'].map(
        (path) => [path, { target: process.env.YIXIN_API ?? 'http://127.0.0.1:3000' }],
      ),
    ),
  },
});
