export * from './config';
export * from './master-key';
