export * from './live-updates';
