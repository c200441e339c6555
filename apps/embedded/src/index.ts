/** What the embedded app offers outside itself, as @yixin/embedded: the one-process application, for the tests. */
export { createEmbeddedApp } from './embedded-app';
