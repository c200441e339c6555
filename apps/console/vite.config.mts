import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';

const consoleRoot = fileURLToPath(new URL('.', import.meta.url));

/** The inbox's screen and the features its cards use (see codeSplitting below). */
const INBOX_MODULES = /apps[\\/]console[\\/]src[\\/](pages[\\/]inbox[\\/]|features[\\/](countdown|task-actions|organisations)\.|shared[\\/]time\.)/;

/** The console's main chunk: app.tsx, with React, the router, antd's common components, the sign-in page and the layout. */
const MAIN_MODULE = /apps[\\/]console[\\/]src[\\/]app\.tsx$/;

/**
 * index.html preloads the main chunk (and the chunks it imports) beside the small entry, which
 * imports it dynamically (main.tsx): the browser fetches and compiles both at once, and the entry
 * runs meanwhile. They are the console's initial JavaScript all the same.
 */
function preloadMainChunk(): Plugin {
  return {
    name: 'yixin-preload-main-chunk',
    // The dev server serves modules one by one: no chunks to preload.
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(html, { bundle }) {
        const chunks = Object.values(bundle ?? {}).filter((output) => output.type === 'chunk');
        const main = chunks.find((chunk) => chunk.moduleIds.some((id) => MAIN_MODULE.test(id)));
        if (!main) throw new Error('the build has no main chunk (app.tsx, imported by main.tsx)');
        return [main.fileName, ...main.imports]
          .filter((file) => !html.includes(`"/${file}"`))
          .map((file) => ({ tag: 'link', attrs: { rel: 'modulepreload', crossorigin: true, href: `/${file}` }, injectTo: 'head' as const }));
      },
    },
  };
}

/** The console is built into dist/console, which the API process serves at `/`. */
export default defineConfig({
  root: consoleRoot,
  base: '/',
  oxc: { jsx: { runtime: 'automatic' } },
  plugins: [preloadMainChunk()],
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
            // The entry: what main.tsx needs before the rest is here (the session, the screens' table, the API client)...
            { name: 'index', debugName: 'initial', tags: ['$initial'], priority: 3 },
            // ...the main chunk: what app.tsx loads (the sign-in page, the layout, antd's common components)...
            { name: 'main', debugName: 'main', test: MAIN_MODULE, priority: 2 },
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
