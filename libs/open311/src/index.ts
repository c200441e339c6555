export * from './personal-numbers';
export * from './public-case.queries';
export * from './open311.module';
