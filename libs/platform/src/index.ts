export * from './platform.module';
export * from './calendar-data';
export * from './command-metering';
export * from './projections';
export * from './open-stores';
export * from './retry';
