// The demo gathering as plain data: who, where, what and when. No I/O: scripts/demo.js sends
// it through the app's HTTP API. Times are laid around `now` (yesterday to the day after
// tomorrow, in the gathering's time zone) so "on now" and "next" always show something.

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

/** A seeded generator, so every demo has the same programme (only its dates move). */
function random(seed) {
	let state = seed >>> 0;
	return () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

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

const locationList = [
	['main', 'Main Stage', 'The big open-air stage by the harbour wall.'],
	['harbour', 'Harbour Stage', 'A smaller stage on the quay, facing the boats.'],
	['lighthouse', 'Lighthouse Tent', 'Talks and readings under canvas.'],
	['barn', 'Workshop Barn', 'Hands-on workshops; bring clothes that may get dirty.'],
	['dockA', 'Dock Hall A', 'Talks, in the old customs hall.'],
	['dockB', 'Dock Hall B', 'Panels and discussions.'],
	['kids', "Kids' Corner", 'For children and whoever brings them.'],
	['food', 'Food Court', 'Cooking demonstrations between the stalls.'],
	['beach', 'Beach Bar', 'DJs until late.'],
	['info', 'Info Point', 'Questions, lost and found, guided tours.'],
	['quiet', 'Quiet Room', 'Calm things, all day and night.'],
	['crew', 'Crew Base', 'Behind the Main Stage. Crew only.']
];

const words = {
	adjective: [
		'Salt',
		'Blue',
		'Low',
		'Northern',
		'Copper',
		'Silent',
		'Electric',
		'Tidal',
		'Paper',
		'Golden',
		'Rusty',
		'Velvet'
	],
	noun: [
		'Gulls',
		'Anchors',
		'Lanterns',
		'Currents',
		'Harbour Lights',
		'Oysters',
		'Ferries',
		'Buoys',
		'Nets',
		'Lighthouses',
		'Compass',
		'Sailors'
	],
	topic: [
		'tides',
		'knots',
		'old maps',
		'sea shanties',
		'open-source boats',
		'weather lore',
		'fish markets',
		'harbour history',
		'coastal birds',
		'rope making',
		'navigation by stars',
		'salt marshes'
	],
	craft: [
		'Knot tying',
		'Screen printing',
		'Rope making',
		'Soldering a radio',
		'Sail repair',
		'Fish smoking',
		'Block printing',
		'Kite building'
	],
	kids: [
		'Pirate stories',
		'Face painting',
		'Treasure hunt',
		'Paper boats',
		'Shell painting',
		'Puppet show',
		'Sandcastle lab'
	],
	dish: [
		'Fish soup',
		'Seaweed bread',
		'Smoked mackerel',
		'Harbour paella',
		'Oyster shucking',
		'Lemon cake'
	]
};

/** Each location's daily programme: first start (minutes after midnight), length, gap, count. */
const programmes = {
	main: { first: 12 * 60, length: 75, gap: 15, count: 8, title: (r) => `Concert: ${band(r)}` },
	harbour: { first: 11 * 60, length: 60, gap: 30, count: 8, title: (r) => `Live: ${band(r)}` },
	lighthouse: { first: 10 * 60, length: 45, gap: 15, count: 12, title: (r) => `Talk: ${topic(r)}` },
	barn: {
		first: 10 * 60,
		length: 120,
		gap: 30,
		count: 5,
		title: (r) => `Workshop: ${pick(r, words.craft)}`
	},
	dockA: { first: 10 * 60 + 30, length: 45, gap: 15, count: 11, title: (r) => `Talk: ${topic(r)}` },
	dockB: { first: 11 * 60, length: 60, gap: 30, count: 7, title: (r) => `Panel: ${topic(r)}` },
	kids: { first: 10 * 60, length: 45, gap: 30, count: 7, title: (r) => pick(r, words.kids) },
	food: {
		first: 12 * 60,
		length: 30,
		gap: 90,
		count: 4,
		title: (r) => `Cooking: ${pick(r, words.dish)}`
	},
	beach: { first: 17 * 60, length: 120, gap: 0, count: 4, title: (r) => `DJ set: ${band(r)}` },
	info: { first: 11 * 60, length: 60, gap: 180, count: 2, title: () => 'Guided harbour tour' }
};

const pick = (r, list) => list[Math.floor(r() * list.length)];
const band = (r) => `The ${pick(r, words.adjective)} ${pick(r, words.noun)}`;
const topic = (r) => {
	const t = pick(r, words.topic);
	return `${t[0].toUpperCase()}${t.slice(1)}, ${pick(r, ['a beginner’s tour', 'what we got wrong', 'ten years on', 'up close', 'and you'])}`;
};
const minute = 60_000;

function describe(r, title) {
	const lines = [
		`${title}. ${pick(r, ['Free entry.', 'Seats are limited: come early.', 'Standing only.', 'All ages welcome.'])}`
	];
	if (r() < 0.4)
		lines.push(pick(r, ['In English and German.', 'Bring your questions.', 'Bring water.']));
	return lines.join('\n');
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
