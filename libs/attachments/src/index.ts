export * from './attachment-store';
export * from './attachments.module';
