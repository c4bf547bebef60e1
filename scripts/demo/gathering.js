// The demo gathering as plain data: who, where, what and when. No I/O: scripts/demo.js sends
// it through the app's HTTP API. Times are laid around `now` (yesterday to the day after
// tomorrow, in the gathering's time zone) so "on now" and "next" always show something.

import { describe, locationList, pick, programmes, random } from './programme.js';

const minute = 60_000;

export const demoPassword = 'tidewatch-demo';

export const demoSettings = { name: 'Harbour Days (demo)', timeZone: 'Europe/Berlin' };

/** The first is the admin (the first user to register always is). */
export const demoUsers = [
	{ name: 'ada-admin', type: 'admin' },
	{ name: 'ben-crew', type: 'crew' },
	{ name: 'cleo-crew', type: 'crew' },
	{ name: 'dev-crew', type: 'crew' },
	{ name: 'eli-crew', type: 'crew' },
	{ name: 'fay', type: 'regular' },
	{ name: 'gus', type: 'regular' }
];

/** How far the zone's wall clock is ahead of UTC at that instant, in ms. */
function offsetAt(ms, timeZone) {
	const parts = new Intl.DateTimeFormat('en-GB', {
		timeZone,
		hourCycle: 'h23',
		year: 'numeric',
		month: '2-digit',
		day: '2-digit',
		hour: '2-digit',
		minute: '2-digit'
	}).formatToParts(ms);
	const get = (type) => Number(parts.find((part) => part.type === type).value);
	const wall = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'));
	return wall - Math.floor(ms / 60_000) * 60_000;
}

/** The local date (YYYY-MM-DD) at an instant. */
function localDate(ms, timeZone) {
	return new Intl.DateTimeFormat('en-CA', { timeZone }).format(ms);
}

/** The instant of a wall-clock time: `minutes` after local midnight of `date` (may pass 24:00). */
export function zonedTime(date, minutes, timeZone) {
	const [y, m, d] = date.split('-').map(Number);
	const wall = Date.UTC(y, m - 1, d) + minutes * 60_000;
	const guess = wall - offsetAt(wall, timeZone);
	return wall - offsetAt(guess, timeZone);
}

/**
 * The whole gathering for a demo run at `now`: 12 locations, four days of programme (some
 * entries crew-only with crew notes, some drafts, three deliberate overlaps), three entries
 * around `now`, shifts with crew, and marks.
 */
export function demoGathering(now, timeZone = demoSettings.timeZone) {
	const r = random(20261204);
	const today = localDate(now, timeZone);
	const dayOffsets = [-1, 0, 1, 2];
	const dates = dayOffsets.map((offset) => {
		const [y, m, d] = today.split('-').map(Number);
		return new Date(Date.UTC(y, m - 1, d + offset)).toISOString().slice(0, 10);
	});
	const at = (date, minutes) => zonedTime(date, minutes, timeZone);

	const locations = locationList.map(([key, name, description]) => ({ key, name, description }));
	const entries = [];
	const add = (entry) => entries.push({ crewNotes: '', description: '', ...entry });

	for (const date of dates) {
		for (const [location, p] of Object.entries(programmes)) {
			for (let i = 0; i < p.count; i++) {
				const start = at(date, p.first + i * (p.length + p.gap));
				const title = p.title(r);
				// About one in twenty-five is not published yet.
				const visibility = r() < 0.04 ? 'draft' : 'public';
				add({
					title,
					description: describe(r, title),
					location,
					start,
					end: start + p.length * minute,
					visibility,
					crewNotes:
						r() < 0.15 ? 'Artist arrives an hour early; green room key at the Info Point.' : ''
				});
			}
		}
		// Crew-only entries: the daily briefing, a soundcheck, the crew meal.
		add({
			title: 'Crew briefing',
			description: 'Who is where today, and what changed overnight.',
			location: 'crew',
			start: at(date, 9 * 60),
			end: at(date, 9 * 60 + 30),
			visibility: 'crew',
			crewNotes: 'Radio check after the briefing: channel 3.'
		});
		add({
			title: 'Soundcheck, Main Stage',
			location: 'main',
			start: at(date, 10 * 60 + 30),
			end: at(date, 11 * 60 + 30),
			visibility: 'crew',
			crewNotes: 'Doors stay closed until it is done.'
		});
		add({
			title: 'Crew meal',
			location: 'crew',
			start: at(date, 17 * 60),
			end: at(date, 18 * 60),
			visibility: 'crew',
			crewNotes: 'Vegan option at the left counter.'
		});
	}
	add({
		title: 'Build-up: fences and signs',
		location: null,
		start: at(dates[0], 7 * 60),
		end: at(dates[0], 9 * 60),
		visibility: 'crew',
		crewNotes: 'Gloves are in the container by the gate.'
	});
	// Deliberate overlaps (double bookings the admin sees marked), all on today's programme.
	add({
		title: 'Surprise guest',
		description: 'Who? Come and see.',
		location: 'main',
		start: at(dates[1], 13 * 60),
		end: at(dates[1], 13 * 60 + 45),
		visibility: 'public'
	});
	add({
		title: 'Extended Q&A',
		location: 'lighthouse',
		start: at(dates[1], 10 * 60 + 30),
		end: at(dates[1], 11 * 60 + 30),
		visibility: 'public'
	});
	add({
		title: 'Sunset session',
		location: 'beach',
		start: at(dates[1], 17 * 60 + 30),
		end: at(dates[1], 19 * 60),
		visibility: 'public'
	});
	// Around now, whatever the hour: one entry on now and two next, in the Quiet Room.
	const half = Math.floor(now / (30 * minute)) * 30 * minute;
	[
		['Open meditation', 'Sit, breathe, listen to the water.'],
		['Tea ceremony', 'Green tea, slowly.'],
		['Story hour', 'Sea stories, told by the crew of an old ferry.']
	].forEach(([title, description], i) => {
		add({
			title,
			description,
			location: 'quiet',
			start: half + (i * 60 - 30) * minute,
			end: half + (i * 60 + 30) * minute,
			visibility: 'public'
		});
	});

	// Shifts: seven a day, crew on them. Those already over are assigned by the admin; on the
	// others crew take places themselves, some left free.
	const crew = demoUsers.filter((user) => user.type === 'crew').map((user) => user.name);
	const shiftPlan = [
		['Bar', 'beach', 16, 20, 2],
		['Bar', 'beach', 20, 24, 2],
		['Stage crew', 'main', 11, 17, 3],
		['Stage crew', 'main', 17, 24, 3],
		['Info desk', 'info', 10, 14, 1],
		['Info desk', 'info', 14, 18, 1],
		['First aid', null, 12, 20, 2]
	];
	const shifts = [];
	let turn = 0;
	for (const date of dates) {
		for (const [role, location, from, to, needed] of shiftPlan) {
			const takers = [];
			const wanted = r() < 0.3 ? needed - 1 : needed;
			for (let i = 0; i < wanted; i++) takers.push(crew[turn++ % crew.length]);
			shifts.push({
				role,
				location,
				start: at(date, from * 60),
				end: at(date, to * 60),
				needed,
				notes: role === 'First aid' ? 'Kit in the red box at the Info Point.' : '',
				crew: takers
			});
		}
	}

	// Marks: everyone marks a dozen public entries; crew also their briefing.
	const interests = [];
	const visible = entries.map((entry, index) => ({ entry, index }));
	for (const user of demoUsers) {
		const mayMark = visible.filter(
			({ entry }) =>
				entry.visibility === 'public' || (entry.visibility === 'crew' && user.type !== 'regular')
		);
		const chosen = new Set();
		while (chosen.size < 12) chosen.add(pick(r, mayMark).index);
		for (const index of chosen) interests.push({ user: user.name, entry: index });
	}

	return { dates, locations, entries, shifts, interests };
}
