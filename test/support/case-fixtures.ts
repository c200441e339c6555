// The console's browser tests and test/workflows/case-timers import from here; the helpers live in libs/testing (@yixin/testing).
export * from '@yixin/testing';
