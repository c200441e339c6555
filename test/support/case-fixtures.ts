// The console's browser tests (test/console) import from here; the helpers live in libs/testing (@yixin/testing).
export * from '@yixin/testing';
