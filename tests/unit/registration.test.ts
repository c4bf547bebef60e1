import { get } from 'svelte/store';
import { describe, expect, it } from 'vitest';
import {
	invitationCreateSchema,
	invitationFormSchema,
	registrationSchema,
	settingsPatchSchema,
	type ApiSettings
} from '$lib/api';
import { createSettingsStore } from '$lib/client/stores/settings';
import { memoryRecords } from '../helpers/storage';
import { projectEvent } from '$lib/server/stream/projection';
import type { StoredEvent } from '$lib/server/events/stored-event';
import { defaultSettings, seedDefaultSettings } from '$lib/server/settings/current-settings';
import { registrationNeed } from '$lib/server/users/registration-rule';
import { parseConfig } from '$lib/server/config';

const parse = (input: unknown) => settingsPatchSchema.safeParse(input);
const settings = (registration: ApiSettings['registration'], name = 'Fest'): ApiSettings => ({
	name,
	timeZone: 'UTC',
	registration,
	dayStartsAt: '00:00'
});

describe('the settings patch', () => {
	it('takes a name of 1 to 100 characters, trimmed', () => {
		expect(parse({ name: '  Tide Fest  ' }).data).toEqual({ name: 'Tide Fest' });
		expect(parse({ name: 'x'.repeat(100) }).success).toBe(true);
		expect(parse({ name: 'x'.repeat(101) }).success).toBe(false);
		expect(parse({ name: '   ' }).success).toBe(false);
		expect(parse({ name: 'a\u202Eb' }).success).toBe(false);
	});

	it('takes only IANA time zone names the runtime knows, in their canonical spelling', () => {
		expect(parse({ timeZone: 'Europe/Berlin' }).data).toEqual({ timeZone: 'Europe/Berlin' });
		expect(parse({ timeZone: 'america/new_york' }).data).toEqual({
			timeZone: 'America/New_York'
		});
		expect(parse({ timeZone: 'UTC' }).success).toBe(true);
		for (const bad of ['Mars/Olympus', '+01:00', '', 'Europe/Berlin; DROP', 42]) {
			expect(parse({ timeZone: bad }).success, String(bad)).toBe(false);
		}
	});

	it('takes the registration modes open, invite and closed only', () => {
		for (const mode of ['open', 'invite', 'closed']) {
			expect(parse({ registration: mode }).data).toEqual({ registration: mode });
		}
		expect(parse({ registration: 'invitation' }).success).toBe(false);
	});

	it('refuses an empty patch and unknown fields', () => {
		expect(parse({}).success).toBe(false);
		expect(parse({ registration: 'open', colour: 'red' }).success).toBe(false);
	});
});

describe('invitation requests', () => {
	it('an invitation lives 72 hours unless told, at most 30 days', () => {
		expect(invitationCreateSchema.parse({})).toEqual({ expiresInHours: 72 });
		expect(invitationCreateSchema.parse({ expiresInHours: 720 })).toEqual({ expiresInHours: 720 });
		expect(invitationCreateSchema.safeParse({ expiresInHours: 721 }).success).toBe(false);
		expect(invitationCreateSchema.safeParse({ expiresInHours: 0 }).success).toBe(false);
		// Shorter than a second would be expired when made.
		expect(invitationCreateSchema.safeParse({ expiresInHours: 1e-22 }).success).toBe(false);
		expect(invitationCreateSchema.safeParse({ expiresInHours: 1 / 3600 }).success).toBe(true);
		expect(invitationCreateSchema.safeParse({ expiresInHours: '24' }).success).toBe(false);
		expect(invitationFormSchema.parse({ expiresInHours: '24' })).toEqual({ expiresInHours: 24 });
		expect(invitationFormSchema.safeParse({ expiresInHours: '9999' }).success).toBe(false);
	});

	it('an empty invitation field in a registration means none', () => {
		const base = { name: 'ann', password: 'password123' };
		expect(registrationSchema.parse({ ...base, invitation: '' }).invitation).toBeUndefined();
		expect(registrationSchema.parse({ ...base, invitation: ' abc ' }).invitation).toBe('abc');
		expect(registrationSchema.safeParse({ ...base, invitation: 'x'.repeat(129) }).success).toBe(
			false
		);
	});
});

describe('the registration rule', () => {
	it('open lets anyone register, invite needs an invitation, closed refuses', () => {
		expect(registrationNeed('open', 3)).toBe('nothing');
		expect(registrationNeed('invite', 3)).toBe('invitation');
		expect(registrationNeed('closed', 3)).toBe('refused');
	});
	it('the very first user of an empty instance may always register', () => {
		for (const mode of ['open', 'invite', 'closed'] as const) {
			expect(registrationNeed(mode, 0)).toBe('nothing');
		}
	});
});

describe('the settings row', () => {
	it('REGISTRATION seeds a fresh instance; the default is open', async () => {
		expect(parseConfig({}).REGISTRATION).toBe('open');
		expect(() => parseConfig({ REGISTRATION: 'maybe' })).toThrow(/REGISTRATION/);
		const { records } = memoryRecords();
		await seedDefaultSettings(records, parseConfig({ REGISTRATION: 'invite' }));
		expect(await records.settings.find()).toEqual({
			name: 'Tidewatch',
			timeZone: 'UTC',
			registration: 'invite',
			dayStartsAt: '00:00'
		});
	});

	it("the environment applies at first start only: the admin's choice wins afterwards", async () => {
		const { records } = memoryRecords();
		await seedDefaultSettings(records, parseConfig({ REGISTRATION: 'closed' }));
		await records.settings.save(settings('open'));
		await seedDefaultSettings(records, parseConfig({ REGISTRATION: 'closed' }));
		expect(await records.settings.find()).toEqual(settings('open'));
	});

	it('there is one settings row', async () => {
		const { db, records } = memoryRecords();
		await records.settings.save(settings('open'));
		await records.settings.save(settings('closed'));
		expect(db.prepare('SELECT COUNT(*) FROM settings').pluck().get()).toBe(1);
		expect(() =>
			db.prepare("INSERT INTO settings VALUES (2, 'x', 'UTC', 'open', '00:00')").run()
		).toThrow();
		expect(defaultSettings({ REGISTRATION: 'open' })).toEqual({
			name: 'Tidewatch',
			timeZone: 'UTC',
			registration: 'open',
			dayStartsAt: '00:00'
		});
	});
});

describe('settings-update', () => {
	const event: StoredEvent = {
		id: 4,
		createdAt: 1,
		type: 'settings-update',
		data: settings('closed')
	};

	it('reaches every viewer, the public included', () => {
		for (const level of ['public', 'regular', 'crew', 'admin'] as const) {
			expect(projectEvent(event, { level, userId: level === 'public' ? null : 'u' })).toEqual({
				type: 'settings-update',
				data: settings('closed')
			});
		}
	});

	it('a stale replayed settings-update does not roll the settings store back', () => {
		const store = createSettingsStore();
		store.fill(settings('closed'), 9);
		store.apply(8, { type: 'settings-update', data: settings('open') });
		store.apply(9, { type: 'settings-update', data: settings('open') });
		expect(get(store)?.value).toEqual(settings('closed'));
		store.apply(10, { type: 'settings-update', data: settings('invite') });
		expect(get(store)).toEqual({ value: settings('invite'), lastEventId: 10 });
		store.apply(11, { type: 'user-delete', data: { id: 'x' } });
		expect(get(store)?.value).toEqual(settings('invite'));
	});
});
