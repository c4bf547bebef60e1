import type { Records } from '../../storage';
import type { Db } from '../open';
import { sqliteAudit } from './audit';
import {
	sqliteCalendarFeeds,
	sqliteInvitations,
	sqlitePasswordResets,
	sqliteUsers
} from './people';
import { sqliteEntries, sqliteInterests, sqliteLocations } from './schedule';
import { sqliteEndedSessions, sqliteSecurityRecords, sqliteSessions } from './sessions';
import { sqliteFeedVersions, sqliteSettings } from './settings';
import { sqliteShifts } from './shifts';

/** Every area's records on one connection, made once: reads and changes take turns on it. */
export const sqliteRecords = (db: Db): Records => ({
	entries: sqliteEntries(db),
	locations: sqliteLocations(db),
	interests: sqliteInterests(db),
	shifts: sqliteShifts(db),
	users: sqliteUsers(db),
	invitations: sqliteInvitations(db),
	passwordResets: sqlitePasswordResets(db),
	calendarFeeds: sqliteCalendarFeeds(db),
	sessions: sqliteSessions(db),
	endedSessions: sqliteEndedSessions(db),
	securityRecords: sqliteSecurityRecords(db),
	audit: sqliteAudit(db),
	settings: sqliteSettings(db),
	feedVersions: sqliteFeedVersions(db)
});
