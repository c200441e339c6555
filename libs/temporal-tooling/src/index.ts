export * from './temporal-dev-server';
export * from './tool-paths';
