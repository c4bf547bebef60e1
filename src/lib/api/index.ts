export * from './user';
export * from './name';
export * from './auth';
export * from './event';
export * from './settings';
export * from './invitation';
export * from './audit';
export * from './password-reset';
