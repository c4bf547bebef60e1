import { randomBytes } from 'node:crypto';

/**
 * The id of a new entry, location, shift or user: 80 random bits, URL-safe, so one id names one
 * thing for good (the audit trail keeps a deleted thing's rows under its id).
 */
export const newRecordId = () => randomBytes(10).toString('base64url');
