export * from './master-key-rotation';
export * from './personal-data-crypto';
export * from './personal-data-keys';
export * from './personal-data-reads';
export * from './personal-data.service';
export * from './privacy.commands';
export * from './privacy.queries';
export * from './privacy.module';
