export * from './personal-numbers';
export * from './public-case.queries';
