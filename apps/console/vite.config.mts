import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const consoleRoot = fileURLToPath(new URL('.', import.meta.url));

/** The inbox's screen and the features its cards use (see codeSplitting below). */
const INBOX_MODULES = /apps[\\/]console[\\/]src[\\/](pages[\\/]inbox[\\/]|features[\\/](countdown|task-actions|photo-picker|organisations)\.|shared[\\/]time\.)/;

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
      output: {
        codeSplitting: {
          groups: [
            // What the entry loads stays in it (the sign-in page, the layout, antd's common components)...
            { name: 'index', debugName: 'initial', tags: ['$initial'], priority: 2 },
            // ...and the inbox's own code with everything else it imports is one chunk: left to the bundler,
            // it came in some sixteen small chunks (antd's Badge, Radio, Upload, icons, the cards' features),
            // a request each, and a browser sends six at a time to one server (HTTP/1.1): under load the
            // inbox's first page waited behind them (issue 15). Other screens that share some of it load it too.
            { name: 'inbox', debugName: 'inbox', test: INBOX_MODULES, priority: 1 },
          ],
        },
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
