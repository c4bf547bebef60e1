import type { Records } from '../../storage';
import type { Sql } from '../sql';
import { sqlAttempts } from './attempts';
import { sqlAudit } from './audit';
import { sqlCalendarFeeds, sqlInvitations, sqlPasswordResets, sqlUsers } from './people';
import { sqlEntries, sqlInterests, sqlLocations } from './schedule';
import { sqlScheduleChanges } from './schedule-changes';
import { sqlEndedSessions, sqlSecurityRecords, sqlSessions } from './sessions';
import { sqlFeedVersions, sqlSettings } from './settings';
import { sqlShifts } from './shifts';

/**
 * Every area's records on one connection, made once: the same SQL on SQLite and PostgreSQL
 * (`Sql`, in the subset both speak; `sql.dialect` where they differ).
 */
export const sqlRecords = (sql: Sql): Records => ({
	entries: sqlEntries(sql),
	locations: sqlLocations(sql),
	interests: sqlInterests(sql),
	scheduleChanges: sqlScheduleChanges(sql),
	shifts: sqlShifts(sql),
	users: sqlUsers(sql),
	invitations: sqlInvitations(sql),
	passwordResets: sqlPasswordResets(sql),
	calendarFeeds: sqlCalendarFeeds(sql),
	sessions: sqlSessions(sql),
	endedSessions: sqlEndedSessions(sql),
	securityRecords: sqlSecurityRecords(sql),
	audit: sqlAudit(sql),
	settings: sqlSettings(sql),
	feedVersions: sqlFeedVersions(sql),
	attempts: sqlAttempts(sql)
});
