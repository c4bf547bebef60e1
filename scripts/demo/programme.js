// What happens at the demo gathering: its places, and the titles and daily programme of each,
// drawn from word lists with a seeded generator, so every demo has the same programme (only
// its dates move). Plain data and pure functions; scripts/demo/gathering.js lays it out in time.

/** A seeded generator, so every demo has the same programme (only its dates move). */
export function random(seed) {
	let state = seed >>> 0;
	return () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

export const locationList = [
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
export const programmes = {
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

export const pick = (r, list) => list[Math.floor(r() * list.length)];
const band = (r) => `The ${pick(r, words.adjective)} ${pick(r, words.noun)}`;
const topic = (r) => {
	const t = pick(r, words.topic);
	return `${t[0].toUpperCase()}${t.slice(1)}, ${pick(r, ['a beginner’s tour', 'what we got wrong', 'ten years on', 'up close', 'and you'])}`;
};
export function describe(r, title) {
	const lines = [
		`${title}. ${pick(r, ['Free entry.', 'Seats are limited: come early.', 'Standing only.', 'All ages welcome.'])}`
	];
	if (r() < 0.4)
		lines.push(pick(r, ['In English and German.', 'Bring your questions.', 'Bring water.']));
	return lines.join('\n');
}
