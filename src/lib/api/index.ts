export * from './user';
export * from './auth';
export * from './event';
export * from './settings';
export * from './invitation';
export * from './location';
export * from './entry';
