import type { ApiSettings } from '$lib/api';

/** The instance's one row of settings. */
export interface SettingsRecords {
	find(): Promise<ApiSettings | undefined>;
	/** Writes the first settings of an instance; does nothing once they exist. */
	seed(settings: ApiSettings): Promise<void>;
	save(settings: ApiSettings): Promise<void>;
	/** Whether an admin has saved the settings yet. */
	isSetUp(): Promise<boolean>;
	/** The first call sets the instance up; later ones change nothing. */
	markSetUp(now: number): Promise<void>;
}

/** The last validators given for each polled file (a calendar, the frab schedule). */
export interface FeedVersionRecords {
	find(name: string): Promise<{ etag: string; lastModified: number } | undefined>;
	save(name: string, etag: string, lastModified: number): Promise<void>;
}
