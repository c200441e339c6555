export * from './live-updates';
export * from './live-updates.module';
