export * from './attachment-store';
