/**
 * The generated bad requests of the hostile input suite: tables of routes, senders and bad
 * values, combined deterministically (seeded PRNG, never Math.random). Every case here must be
 * refused or be a harmless read: a valid change is never generated, so any row that changes
 * is a finding.
 */
import { createHash } from 'node:crypto';
import type { TestServer } from '../helpers/server';
import { jsonBody, multipart, Random, utf8, type HttpCase } from './kit';

export interface Person {
	name: string;
	password: string;
	id: string;
	/** The login (family) id of its first session, as GET /api/auth/sessions names it. */
	family: string;
	token: string;
}

export interface World {
	server: TestServer;
	admin: Person;
	regular: Person;
	crew: Person;
	/** A second login of the regular user (another family). */
	regularOther: Person;
	/** A user whose cookie is only ever sent behind a forged one. */
	bystander: Person;
	/** The token of a user that was deleted. */
	deletedToken: string;
	/** The token of a session that logged out (its user still exists). */
	loggedOutToken: string;
	/** A shift with a free place, 2030-01-01 00:00 to 01:00 UTC; only `crew` is on it. */
	shiftId: string;
	/** A public entry. */
	entryId: string;
}

const COOKIE = 'tidewatch_session';
const cookieOf = (token: string) => `${COOKIE}=${token}`;

// ---------------------------------------------------------------------------------------------
// Value pools

/** Not strings at all. */
const nonStrings: unknown[] = [
	5,
	0,
	-1,
	1.5,
	1e308,
	2 ** 53 + 1,
	true,
	false,
	null,
	[],
	['a'],
	[['nested', ['deeper']]],
	{},
	{ a: 'b' },
	{ toString: 'x' },
	{ $gt: '' }
];

/** Number literals JSON.stringify cannot write, spliced into the JSON text as they are. */
const rawNumbers = [
	'1e400',
	'-1e400',
	'123456789012345678901234567890',
	'-0',
	'0.0000000000000000000001'
];

const MiB = 1024 * 1024;

/** Names the contract refuses: empty after trimming, over 64 characters, control/format characters. */
const badNames: string[] = [
	'',
	' ',
	'\t\n ',
	'\u3000\u00a0\u2028',
	'x'.repeat(65),
	'  ' + 'x'.repeat(65) + '  ',
	'😀'.repeat(65),
	'e' + '\u0301'.repeat(70),
	'\u202eevil',
	'ab\u200bcd',
	'a\u0000b',
	'\u0000',
	'bell\u0007',
	'line\nbreak',
	'tab\there',
	'a\u2029b',
	'soft\u00adhyphen',
	'bo\ufeffm',
	'joiner\u200d',
	'arabic\u061cmark',
	'mongolian\u180e',
	'isolate\u2066x',
	'del\u007f',
	'nel\u0085',
	'x'.repeat(60_000)
];

/** Password values the contract refuses (8 to 256 characters). */
const badPasswords: string[] = [
	'',
	'short',
	'1234567',
	'😀😀😀',
	'x'.repeat(257),
	'x'.repeat(60_000)
];

/** currentPassword for PATCH /api/auth/account: any string of up to 256 is well-formed. */
const badPatchCurrentPasswords: unknown[] = ['x'.repeat(257), 'x'.repeat(60_000)];

/** currentPassword where it is required: missing or empty is refused. */
const badCurrentPasswords: unknown[] = ['', 'x'.repeat(257), 'x'.repeat(60_000)];

const badTypes: unknown[] = [
	'superuser',
	'Admin',
	'ADMIN',
	' admin',
	'admin ',
	'',
	'public',
	'regular\u0000',
	'crew\u200b',
	'admin\u202e',
	5,
	null,
	['admin'],
	{ type: 'admin' },
	true
];

/** Bodies that are not JSON, or not of the shape any route takes. */
function malformedBodies(random: Random): { label: string; body: Buffer; notJson: boolean }[] {
	const text: [string, string, boolean][] = [
		['empty', '', true],
		['a space', ' ', true],
		['open brace', '{', true],
		['close brace', '}', true],
		['truncated after key', '{"name":', true],
		['truncated string', '{"name":"a', true],
		['trailing comma', '{"name":"a",}', true],
		['unquoted key', '{name:"a"}', true],
		['single quotes', "{'name':'a'}", true],
		['trailing garbage', '{"name":"a"} trailing', true],
		['two documents', '{"a":1}{"b":2}', true],
		['NaN', 'NaN', true],
		['NaN value', '{"name":NaN}', true],
		['Infinity value', '{"name":Infinity}', true],
		['-Infinity value', '{"name":-Infinity}', true],
		['undefined value', '{"name":undefined}', true],
		['block comment', '/* c */{}', true],
		['line comment', '{"name":"a" // c\n}', true],
		// undici's body reader drops every leading BOM, so this one parses (as {}).
		['two BOMs', '\ufeff\ufeff{}', false],
		['NUL', '\u0000', true],
		['raw NUL in string', '{"name":"a\u0000b"}', true],
		['raw newline in string', '{"name":"a\nb"}', true],
		['bad escape', '{"name":"\\x41"}', true],
		['short unicode escape', '{"name":"\\u12"}', true],
		['truncated surrogate escape', '{"name":"\\ud800', true],
		['leading zero', '{"n":01}', true],
		['lone minus', '-', true],
		['dot number', '{"n":.5}', true],
		['word undefined', 'undefined', true],
		['trailing NUL', '{"name":"a"}\u0000', true],
		['XSSI prefix', ")]}'\n{}", true],
		['XML', '<?xml version="1.0"?><name>a</name>', true],
		['form encoding', 'name=a&password=bbbbbbbb', true],
		['unterminated deep array', '['.repeat(20_000), true],
		['unterminated deep object', '{"a":'.repeat(5_000), true],
		['null', 'null', false],
		['true', 'true', false],
		['false', 'false', false],
		['zero', '0', false],
		['minus zero', '-0', false],
		['huge exponent', '1e400', false],
		['string', '"string"', false],
		['empty array', '[]', false],
		['array of bodies', '[{"name":"a","password":"password123"}]', false],
		['empty object', '{}', false],
		['BOM then empty object', '\ufeff{}', false],
		['__proto__ key', '{"__proto__":{"type":"admin","isAdmin":true}}', false],
		['constructor key', '{"constructor":{"prototype":{"type":"admin"}}}', false],
		['toString key', '{"toString":"x","valueOf":"y"}', false],
		['deep array', '['.repeat(5_000) + ']'.repeat(5_000), false],
		['deep object', '{"a":'.repeat(3_000) + '1' + '}'.repeat(3_000), false],
		[
			'many keys',
			'{' + Array.from({ length: 4_000 }, (_, i) => `"k${i}":${i}`).join(',') + '}',
			false
		]
	];
	const bodies: { label: string; body: Buffer; notJson: boolean }[] = text.map(
		([label, body, notJson]) => ({ label, body: utf8(body), notJson })
	);
	bodies.push(
		{
			label: 'invalid UTF-8 bytes',
			body: Buffer.from([0x7b, 0x22, 0x6e, 0x22, 0x3a, 0xff, 0xfe, 0xc0, 0xaf]),
			notJson: true
		},
		{ label: 'UTF-16LE JSON', body: Buffer.from('{"name":"a"}', 'utf16le'), notJson: true },
		{
			label: 'UTF-16 with BOM',
			body: Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('{}', 'utf16le')]),
			notJson: true
		}
	);
	for (let i = 0; i < 4; i++) {
		bodies.push({
			label: `random bytes #${i}`,
			body: random.bytes(random.int(1, 400)),
			notJson: true
		});
	}
	return bodies;
}

// ---------------------------------------------------------------------------------------------
// JSON API routes with bodies

interface FieldPools {
	/** Bad values of the field; one of them makes a body fail validation on its own. */
	bad: unknown[];
	/** A well-formed value (only ever used next to a bad one). */
	good: unknown;
	/** Whether leaving the field out is itself an error. */
	required: boolean;
}

interface BodyRoute {
	method: string;
	/** The path; `[id]` routes get a fixed, existing target. */
	path: (w: World) => string;
	fields: Record<string, FieldPools>;
	/** Senders that get as far as reading the body. */
	readers: ('visitor' | 'regular' | 'admin' | 'crew')[];
	/** Senders refused before the body is read, with their status. */
	refused: [sender: 'visitor' | 'regular' | 'crew', status: number, mentions: RegExp][];
	/** Bodies with no bad field that the route must still refuse (a refine of the schema). */
	incomplete: Record<string, unknown>[];
	/** `{}` is a whole request here (every field optional), so it is no malformed body. */
	takesEmptyObject?: true;
}

const stringOrNot = (bad: unknown[]) => [...nonStrings, ...bad];

/** The fields of a shift: every bad value is refused whatever the others hold. */
const shiftFields = (required: boolean): Record<string, FieldPools> => ({
	role: {
		bad: stringOrNot(['', '   ', 'x'.repeat(101), 'a\u0000b', 'a\u202Eb', '\ud800']),
		good: 'Hostile duty',
		required
	},
	locationId: {
		bad: [5, true, [], {}, '', 'nowhere', 'x'.repeat(65)],
		good: null,
		required: false
	},
	start: {
		bad: ['noon', '', 1.5, -1, 0, 1_000_000, 1e308, true, null, [], {}],
		good: Date.UTC(2030, 0, 1),
		required
	},
	end: {
		bad: ['noon', '', 1.5, -1, 1e308, Date.UTC(2029, 11, 31), Date.UTC(2030, 0, 1), true, null, []],
		good: Date.UTC(2030, 0, 1, 1),
		required
	},
	needed: {
		bad: [0, -1, 1.5, 501, 1e308, '2', '', true, null, [], {}, { rawNumber: '1e999' }],
		good: 2,
		required
	},
	notes: {
		bad: stringOrNot(['x'.repeat(2001), 'a\u0007b', '\ud800']),
		good: 'Aprons',
		required: false
	},
	crewIds: {
		bad: ['a', 5, null, {}, [5], [''], ['x'.repeat(65)], ['nobody'], ['a', 'a'], [[]], [null]],
		good: [],
		required: false
	}
});

const bodyRoutes: BodyRoute[] = [
	{
		method: 'POST',
		path: () => '/api/auth/register',
		fields: {
			name: { bad: stringOrNot(badNames), good: 'Valid Newcomer', required: true },
			password: { bad: stringOrNot(badPasswords), good: 'password123', required: true },
			invitation: { bad: [...nonStrings, 'x'.repeat(129)], good: '', required: false }
		},
		readers: ['visitor', 'regular'],
		refused: [],
		incomplete: []
	},
	{
		method: 'POST',
		path: () => '/api/auth/login',
		fields: {
			name: { bad: stringOrNot(badNames), good: 'Hostile Regular', required: true },
			password: { bad: stringOrNot(badPasswords), good: 'password123', required: true }
		},
		readers: ['visitor', 'admin'],
		refused: [],
		incomplete: []
	},
	{
		method: 'PATCH',
		path: () => '/api/auth/account',
		fields: {
			name: { bad: stringOrNot(badNames), good: 'Valid Rename', required: false },
			password: { bad: stringOrNot(badPasswords), good: 'new-password-123', required: false },
			currentPassword: {
				bad: [...nonStrings.filter((v) => v !== undefined), ...badPatchCurrentPasswords],
				good: 'not-the-password',
				required: false
			}
		},
		readers: ['regular', 'admin'],
		refused: [['visitor', 401, /logged in/]],
		incomplete: [
			{},
			{ currentPassword: 'whatever-it-is' },
			{ password: 'new-password-123' },
			{ password: 'new-password-123', currentPassword: undefined }
		]
	},
	{
		method: 'DELETE',
		path: () => '/api/auth/account',
		fields: {
			currentPassword: {
				bad: stringOrNot(badCurrentPasswords),
				good: 'not-the-password',
				required: true
			}
		},
		readers: ['regular', 'admin'],
		refused: [['visitor', 401, /logged in/]],
		incomplete: []
	},
	{
		method: 'DELETE',
		path: () => '/api/auth/sessions',
		fields: {
			currentPassword: {
				bad: stringOrNot(badCurrentPasswords),
				good: 'not-the-password',
				required: true
			}
		},
		readers: ['regular', 'admin'],
		refused: [['visitor', 401, /logged in/]],
		incomplete: []
	},
	{
		method: 'DELETE',
		path: (w) => `/api/auth/sessions/${w.regularOther.family}`,
		fields: {
			currentPassword: {
				bad: stringOrNot(badCurrentPasswords),
				good: 'not-the-password',
				required: true
			}
		},
		readers: ['regular'],
		refused: [['visitor', 401, /logged in/]],
		incomplete: []
	},
	{
		method: 'PATCH',
		path: (w) => `/api/users/${w.regular.id}`,
		fields: {
			name: { bad: stringOrNot(badNames), good: 'Valid Admin Rename', required: false },
			type: { bad: badTypes, good: 'crew', required: false }
		},
		readers: ['admin'],
		refused: [
			['visitor', 401, /logged in/],
			['regular', 403, /admin/],
			['crew', 403, /admin/]
		],
		incomplete: [{}]
	},
	{
		method: 'PATCH',
		path: () => '/api/settings',
		fields: {
			name: {
				bad: stringOrNot(['', '   ', 'x'.repeat(101), 'a\u0000b', 'a\u202Eb', '\ud800']),
				good: 'Hostile Fest',
				required: false
			},
			timeZone: {
				bad: stringOrNot(['', 'Mars/Olympus', '+01:00', 'UTC\u0000', 'x'.repeat(65), '../etc']),
				good: 'Europe/Berlin',
				required: false
			},
			registration: {
				bad: stringOrNot(['', 'Open', 'invitation', 'closed ', 'public']),
				good: 'closed',
				required: false
			},
			dayStartsAt: {
				bad: stringOrNot(['', '12:01', '24:00', '4:00', '04:00:00', '-01:00', '04h00']),
				good: '04:00',
				required: false
			}
		},
		readers: ['admin'],
		refused: [
			['visitor', 401, /logged in/],
			['regular', 403, /admin/],
			['crew', 403, /admin/]
		],
		incomplete: [{}]
	},
	{
		method: 'POST',
		path: () => '/api/locations',
		fields: {
			name: {
				bad: stringOrNot(['', '   ', 'x'.repeat(101), 'a\u0000b', 'a\u202Eb', '\ud800']),
				good: 'Hostile hall',
				required: true
			},
			description: {
				bad: stringOrNot(['x'.repeat(2001), 'a\u0000b', '\ud800']),
				good: 'Up the stairs',
				required: false
			}
		},
		readers: ['admin'],
		refused: [
			['visitor', 401, /logged in/],
			['regular', 403, /admin/],
			['crew', 403, /admin/]
		],
		incomplete: [{}]
	},
	{
		method: 'POST',
		path: () => '/api/entries',
		fields: {
			title: {
				bad: stringOrNot(['', '   ', 'x'.repeat(201), 'a\u0000b', 'a\u202Eb', '\ud800']),
				good: 'Hostile talk',
				required: true
			},
			description: {
				bad: stringOrNot(['x'.repeat(10_001), 'a\u0000b', '\ud800']),
				good: 'Plain text',
				required: false
			},
			crewNotes: {
				bad: stringOrNot(['x'.repeat(10_001), 'a\u0007b']),
				good: 'For crew',
				required: false
			},
			locationId: {
				bad: [5, true, [], {}, '', 'nowhere', 'x'.repeat(65)],
				good: null,
				required: false
			},
			start: {
				bad: ['noon', '', '1000', 1.5, -1, 0, 1_000_000, 1e308, 2 ** 53 + 1, true, null, [], {}],
				good: Date.UTC(2030, 0, 1),
				required: true
			},
			end: {
				bad: [
					'noon',
					'',
					1.5,
					-1,
					1e308,
					Date.UTC(2029, 11, 31),
					Date.UTC(2030, 0, 1),
					true,
					null,
					[],
					{}
				],
				good: Date.UTC(2030, 0, 1, 1),
				required: true
			},
			visibility: {
				bad: ['', 'Public', 'secret', 'draft ', 5, null, [], {}],
				good: 'public',
				required: false
			}
		},
		readers: ['admin'],
		refused: [
			['visitor', 401, /logged in/],
			['regular', 403, /admin/],
			['crew', 403, /admin/]
		],
		incomplete: [{}, { title: 'x', start: Date.UTC(2030, 0, 2), end: Date.UTC(2030, 0, 1) }]
	},
	{
		method: 'POST',
		path: () => '/api/shifts',
		fields: shiftFields(true),
		readers: ['admin'],
		refused: [
			['visitor', 401, /logged in/],
			['regular', 403, /admin/],
			['crew', 403, /admin/]
		],
		incomplete: [
			{},
			{ role: 'x', start: Date.UTC(2030, 0, 2), end: Date.UTC(2030, 0, 1), needed: 1 }
		]
	},
	{
		method: 'PATCH',
		path: (w) => `/api/shifts/${w.shiftId}`,
		fields: shiftFields(false),
		readers: ['admin'],
		refused: [
			['visitor', 401, /logged in/],
			['regular', 403, /admin/],
			['crew', 403, /admin/]
		],
		// A patch that empties the shift of nobody but ends before it starts.
		incomplete: [{}, { end: Date.UTC(2029, 0, 1) }]
	},
	{
		method: 'POST',
		path: (w) => `/api/users/${w.regular.id}/password-reset`,
		fields: {
			expiresInHours: {
				bad: [null, '24', 0, -1, 72.001, 1e308, true, [], {}, { rawNumber: '1e999' }],
				good: 24,
				required: false
			}
		},
		readers: ['admin'],
		refused: [
			['visitor', 401, /logged in/],
			['regular', 403, /admin/],
			['crew', 403, /admin/]
		],
		incomplete: [],
		takesEmptyObject: true
	},
	{
		method: 'POST',
		path: () => '/api/auth/password-reset',
		fields: {
			token: {
				bad: [...nonStrings, '', '   ', 'x'.repeat(129)],
				good: 'x'.repeat(43),
				required: true
			},
			password: { bad: stringOrNot(badPasswords), good: 'password123', required: true }
		},
		readers: ['visitor', 'regular'],
		refused: [],
		incomplete: []
	}
];

/** Serialises a body, splicing raw number literals in where a field holds `{ raw }`. */
function encodeBody(body: Record<string, unknown>): Buffer {
	const raws: string[] = [];
	const text = JSON.stringify(body, (_key, value) => {
		if (value && typeof value === 'object' && 'rawNumber' in value) {
			raws.push((value as { rawNumber: string }).rawNumber);
			return `__RAW_${raws.length - 1}__`;
		}
		return value;
	});
	return utf8(text.replace(/"__RAW_(\d+)__"/g, (_m, i) => raws[Number(i)]));
}

const describeValue = (value: unknown): string => {
	if (value && typeof value === 'object' && 'rawNumber' in value)
		return (value as { rawNumber: string }).rawNumber;
	if (typeof value === 'string') {
		const shown =
			value.length > 24
				? `${JSON.stringify(value.slice(0, 12))}… (${value.length} chars)`
				: JSON.stringify(value);
		return shown.replace(
			// eslint-disable-next-line no-control-regex -- control characters are what this must find, to show them escaped
			/[\u0000-\u001f\u007f-\u009f\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff]/g,
			(c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`
		);
	}
	const json = JSON.stringify(value);
	return json === undefined ? String(value) : json.length > 40 ? json.slice(0, 40) + '…' : json;
};

export function senderCookie(w: World, sender: string): string | undefined {
	switch (sender) {
		case 'visitor':
			return undefined;
		case 'regular':
			return cookieOf(w.regular.token);
		case 'admin':
			return cookieOf(w.admin.token);
		case 'crew':
			return cookieOf(w.crew.token);
		default:
			throw new Error(`unknown sender ${sender}`);
	}
}

function apiCase(
	w: World,
	sender: string,
	method: string,
	path: string,
	body: Buffer | undefined,
	fields: Partial<HttpCase> & { group: string; label: string }
): HttpCase {
	const headers: Record<string, string> = {
		origin: w.server.url,
		'user-agent': 'tidewatch-hostile'
	};
	if (body !== undefined) headers['content-type'] = 'application/json';
	const cookie = senderCookie(w, sender);
	if (cookie) headers.cookie = cookie;
	return {
		sender,
		method,
		path,
		body,
		kind: 'api',
		expect: 'reject',
		...fields,
		headers: { ...headers, ...fields.headers }
	};
}

/** Malformed bodies, wrong content types, and every field of every route with every bad value. */
export function jsonBodyCases(w: World, random: Random): HttpCase[] {
	const cases: HttpCase[] = [];
	const malformed = malformedBodies(random);
	for (const route of bodyRoutes) {
		const path = route.path(w);
		const at = `${route.method} ${path.replace(/\/[A-Za-z0-9_-]{12,}$/, '/[id]')}`;
		for (const sender of route.readers) {
			// Bodies that are not JSON, or not an object of the route's shape.
			for (const { label, body, notJson } of malformed) {
				if (route.takesEmptyObject && body.toString().replace(/^\ufeff+/, '') === '{}') continue;
				cases.push(
					apiCase(w, sender, route.method, path, body, {
						group: 'malformed JSON',
						label: `${at}: ${label}`,
						mentions: notJson ? /JSON/ : undefined,
						headers: random.chance(0.5) ? { accept: 'application/json' } : {}
					})
				);
			}
			// Each field on its own with each bad value, the other fields well-formed.
			for (const [field, pools] of Object.entries(route.fields)) {
				for (const bad of pools.bad) {
					const body: Record<string, unknown> = {};
					for (const [other, otherPools] of Object.entries(route.fields)) {
						if (other !== field && otherPools.required) body[other] = otherPools.good;
					}
					// A password change needs currentPassword next to it; the bad value stays the only fault.
					if (route.method === 'PATCH' && path === '/api/auth/account' && field === 'password') {
						body.currentPassword = 'not-the-password';
					}
					if (
						route.method === 'PATCH' &&
						path === '/api/auth/account' &&
						field === 'currentPassword'
					) {
						body.password = 'new-password-123';
					}
					body[field] = bad;
					const huge = typeof bad === 'string' && bad.length > 50_000;
					cases.push(
						apiCase(w, sender, route.method, path, encodeBody(body), {
							group: 'wrong field values',
							label: `${at}: ${field}=${describeValue(bad)}`,
							mentions: new RegExp(field === 'type' ? 'type' : field),
							ownConnection: huge
						})
					);
				}
				for (const raw of rawNumbers) {
					const body: Record<string, unknown> = {};
					for (const [other, otherPools] of Object.entries(route.fields)) {
						if (other !== field && otherPools.required) body[other] = otherPools.good;
					}
					body[field] = { rawNumber: raw };
					cases.push(
						apiCase(w, sender, route.method, path, encodeBody(body), {
							group: 'wrong field values',
							label: `${at}: ${field}=${raw}`,
							mentions: new RegExp(field)
						})
					);
				}
				// A required field left out.
				if (pools.required) {
					const body: Record<string, unknown> = {};
					for (const [other, otherPools] of Object.entries(route.fields)) {
						if (other !== field) body[other] = otherPools.good;
					}
					cases.push(
						apiCase(w, sender, route.method, path, encodeBody(body), {
							group: 'missing and extra fields',
							label: `${at}: without ${field}`,
							mentions: new RegExp(field)
						})
					);
				}
			}
			// Extra fields next to well-formed ones: the schemas are strict.
			for (const extra of [
				'extra',
				'type',
				'isAdmin',
				'id',
				'role',
				'userId',
				'__proto__',
				'constructor',
				'name ',
				'Name'
			]) {
				if (extra in route.fields) continue;
				const body: Record<string, unknown> = {};
				for (const [field, pools] of Object.entries(route.fields)) body[field] = pools.good;
				const text = JSON.stringify(body).replace(
					/}$/,
					`,${JSON.stringify(extra)}:${JSON.stringify(extra === '__proto__' ? { type: 'admin' } : 'admin')}}`
				);
				cases.push(
					apiCase(w, sender, route.method, path, utf8(text), {
						group: 'missing and extra fields',
						label: `${at}: extra field ${JSON.stringify(extra)}`,
						mentions: /unknown field/
					})
				);
			}
			for (const body of route.incomplete) {
				cases.push(
					apiCase(w, sender, route.method, path, jsonBody(body), {
						group: 'missing and extra fields',
						label: `${at}: incomplete ${JSON.stringify(body)}`
					})
				);
			}
			// Random mixtures: at least one bad field, others bad, good, missing or extra.
			for (let i = 0; i < 12; i++) {
				const names = Object.keys(route.fields);
				const forced = random.pick(names);
				const body: Record<string, unknown> = {};
				for (const field of names) {
					const pools = route.fields[field];
					const roll = random.next();
					if (field === forced || roll < 0.4) body[field] = random.pick(pools.bad);
					else if (roll < 0.7) body[field] = pools.good;
				}
				if (random.chance(0.3))
					body[random.pick(['x', 'admin', 'password2', 'currentpassword'])] =
						random.pick(nonStrings);
				const huge = Object.values(body).some((v) => typeof v === 'string' && v.length > 50_000);
				cases.push(
					apiCase(w, sender, route.method, path, encodeBody(body), {
						group: 'random mixtures',
						label: `${at}: mixture #${i} ${describeValue(body)}`,
						ownConnection: huge
					})
				);
			}
		}
		// Senders refused before the body is read, with a body that would otherwise be fine.
		for (const [sender, status, mentions] of route.refused) {
			const good: Record<string, unknown> = {};
			for (const [field, pools] of Object.entries(route.fields)) good[field] = pools.good;
			for (const body of [good, {}, null]) {
				cases.push(
					apiCase(
						w,
						sender,
						route.method,
						path,
						body === null ? utf8('{"broken') : jsonBody(body),
						{
							group: 'not allowed',
							label: `${at}: ${sender} (${status}) with ${body === null ? 'broken JSON' : JSON.stringify(body)}`,
							mentions,
							check: { status }
						} as Partial<HttpCase> & { group: string; label: string }
					)
				);
			}
		}
		// Wrong content types around a body that would be well-formed JSON.
		const reader = route.readers[0];
		const good: Record<string, unknown> = {};
		for (const [field, pools] of Object.entries(route.fields)) good[field] = pools.good;
		if (route.method === 'PATCH' && path === '/api/auth/account') delete good.password;
		for (const contentType of [
			null,
			'',
			'text/plain',
			'text/plain;charset=utf-8',
			'application/x-www-form-urlencoded',
			'multipart/form-data; boundary=xyz',
			'application/xml',
			'text/json',
			'application/javascript',
			'application/jso',
			'application/ json',
			'json',
			'*/*',
			'application/x-json',
			'application/octet-stream'
		]) {
			const headers: Record<string, string> =
				contentType === null ? {} : { 'content-type': contentType };
			const c = apiCase(w, reader, route.method, path, jsonBody(good), {
				group: 'wrong content types',
				label: `${at}: content-type ${contentType === null ? '(none)' : JSON.stringify(contentType)}`,
				mentions: /JSON/
			});
			if (contentType === null) delete c.headers['content-type'];
			else c.headers['content-type'] = contentType;
			Object.assign(c.headers, headers);
			cases.push(c);
		}
		// Too large: over the app's 64 KiB (its own 400) and over adapter-node's 512 KiB (413).
		for (const [size, label] of [
			[100 * 1024, '100 KiB'],
			[MiB, '1 MiB']
		] as const) {
			const names = Object.keys(route.fields);
			const body: Record<string, unknown> = {};
			for (const field of names) body[field] = route.fields[field].good;
			body[names[0]] = 'x'.repeat(size);
			for (const accept of [undefined, 'application/json']) {
				cases.push(
					apiCase(w, reader, route.method, path, encodeBody(body), {
						group: 'oversized bodies',
						label: `${at}: ${label} ${names[0]} (accept ${accept ?? 'none'})`,
						mentions: /large/i,
						ownConnection: true,
						headers: accept ? { accept } : {}
					})
				);
			}
			// The same size sent chunked, with no content-length to refuse it by.
			cases.push(
				apiCase(w, reader, route.method, path, encodeBody(body), {
					group: 'oversized bodies',
					label: `${at}: ${label} ${names[0]}, chunked`,
					mentions: /large/i,
					ownConnection: true,
					headers: { 'transfer-encoding': 'chunked', accept: 'application/json' }
				})
			);
		}
	}
	return cases;
}

// ---------------------------------------------------------------------------------------------
// Requests that are well-formed but still must be refused (each costs an Argon2id hash)

export function refusedByMeaningCases(w: World): HttpCase[] {
	const cases: HttpCase[] = [];
	const api = (
		sender: string,
		method: string,
		path: string,
		body: unknown,
		label: string,
		status: number
	) =>
		cases.push(
			apiCase(w, sender, method, path, jsonBody(body), {
				group: 'refused by meaning',
				label: `${method} ${path.replace(/\/[A-Za-z0-9_-]{12,}$/, '/[id]')}: ${label}`,
				check: { status }
			} as Partial<HttpCase> & { group: string; label: string })
		);
	// Names that trim or fold (ASCII case) to a taken one.
	for (const name of [
		'hostile admin',
		'HOSTILE REGULAR',
		'  Hostile Admin  ',
		'\u00a0Hostile Crew\u3000',
		'\tHostile Regular\n'
	]) {
		api(
			'visitor',
			'POST',
			'/api/auth/register',
			{ name, password: 'password123' },
			`taken name ${describeValue(name)}`,
			409
		);
	}
	// Logins that are well-formed but wrong: unknown names (including unicode ones), wrong passwords.
	// A lone surrogate is not a name at all: 400, which tells nothing of who exists either.
	api(
		'visitor',
		'POST',
		'/api/auth/login',
		{ name: '\ud800', password: 'wrong-password' },
		'login as a lone surrogate',
		400
	);
	for (const name of [
		'Nobody',
		'😀',
		'e\u0301',
		'Hostile Admin',
		'hostile regular',
		'ＨＯＳＴＩＬＥ ＡＤＭＩＮ',
		'Hostile\u00a0Admin',
		'x'.repeat(64)
	]) {
		api(
			'visitor',
			'POST',
			'/api/auth/login',
			{ name, password: 'wrong-password' },
			`wrong login as ${describeValue(name)}`,
			401
		);
	}
	api(
		'visitor',
		'POST',
		'/api/auth/login',
		{ name: 'Hostile Admin', password: w.admin.password + ' ' },
		'password with a trailing space',
		401
	);
	api(
		'visitor',
		'POST',
		'/api/auth/login',
		{ name: 'Hostile Admin', password: w.admin.password.toUpperCase() },
		'password in upper case',
		401
	);
	api(
		'visitor',
		'POST',
		'/api/auth/login',
		{ name: 'Hostile Admin', password: w.admin.password + '\u0000' },
		'password with a NUL',
		401
	);
	// Renames onto a taken name.
	api(
		'regular',
		'PATCH',
		'/api/auth/account',
		{ name: 'HOSTILE ADMIN' },
		'rename onto a taken name',
		409
	);
	api(
		'admin',
		'PATCH',
		`/api/users/${w.regular.id}`,
		{ name: ' hostile crew ' },
		'admin renames onto a taken name',
		409
	);
	// Wrong current passwords.
	for (const sender of ['regular', 'admin'] as const) {
		const other = sender === 'regular' ? w.admin : w.regular;
		api(
			sender,
			'PATCH',
			'/api/auth/account',
			{ password: 'new-password-123', currentPassword: 'wrong-password' },
			'password change, wrong current',
			403
		);
		api(
			sender,
			'PATCH',
			'/api/auth/account',
			{ password: 'new-password-123', currentPassword: '' },
			// An empty field is a slip, told as such (400), not a wrong password (403).
			'password change, empty current',
			400
		);
		api(
			sender,
			'PATCH',
			'/api/auth/account',
			{ password: 'new-password-123', currentPassword: other.password },
			"password change, another user's password",
			403
		);
		api(
			sender,
			'DELETE',
			'/api/auth/account',
			{ currentPassword: 'wrong-password' },
			'delete, wrong password',
			403
		);
		api(
			sender,
			'DELETE',
			'/api/auth/account',
			{ currentPassword: other.password },
			"delete, another user's password",
			403
		);
		api(
			sender,
			'DELETE',
			'/api/auth/sessions',
			{ currentPassword: 'wrong-password' },
			'end other sessions, wrong password',
			403
		);
	}
	api(
		'regular',
		'DELETE',
		`/api/auth/sessions/${w.regularOther.family}`,
		{ currentPassword: 'wrong-password' },
		'end a session, wrong password',
		403
	);
	// Another user's login, or none, ended with the right password of one's own.
	for (const [id, what] of [
		[w.admin.family, "the admin's login"],
		[w.crew.family, "crew's login"],
		['others', '"others"'],
		['no-such-login', 'an unknown login'],
		[encodeURIComponent(w.regular.family + ' '), 'own login id with a space'],
		[createHash('sha256').update(w.admin.token).digest('hex'), "the admin session's database key"]
	]) {
		api(
			'regular',
			'DELETE',
			`/api/auth/sessions/${id}`,
			{ currentPassword: w.regular.password },
			`right password, ${what}`,
			404
		);
	}
	// The last admin cannot be demoted or deleted, by themself either.
	api(
		'admin',
		'PATCH',
		`/api/users/${w.admin.id}`,
		{ type: 'regular' },
		'demote the last admin',
		409
	);
	api(
		'admin',
		'PATCH',
		`/api/users/${w.admin.id}`,
		{ type: 'crew' },
		'demote the last admin to crew',
		409
	);
	cases.push(
		apiCase(w, 'admin', 'DELETE', `/api/users/${w.admin.id}`, undefined, {
			group: 'refused by meaning',
			label: 'DELETE /api/users/[id]: the last admin',
			check: { status: 409 }
		} as Partial<HttpCase> & { group: string; label: string })
	);
	api(
		'admin',
		'DELETE',
		'/api/auth/account',
		{ currentPassword: w.admin.password },
		'the last admin deletes their account',
		409
	);
	return cases;
}

// ---------------------------------------------------------------------------------------------
// Wrong methods

const apiRoutes: { path: (w: World) => string; methods: string[] }[] = [
	{ path: () => '/api/auth/register', methods: ['POST'] },
	{ path: () => '/api/auth/login', methods: ['POST'] },
	{ path: () => '/api/auth/session', methods: ['GET', 'DELETE'] },
	{ path: () => '/api/auth/account', methods: ['GET', 'PATCH', 'DELETE'] },
	{ path: () => '/api/auth/sessions', methods: ['GET', 'DELETE'] },
	{ path: (w) => `/api/auth/sessions/${w.regularOther.family}`, methods: ['DELETE'] },
	{ path: () => '/api/users', methods: ['GET'] },
	{ path: (w) => `/api/users/${w.regular.id}`, methods: ['GET', 'PATCH', 'DELETE'] },
	{ path: () => '/api/locations', methods: ['GET', 'POST'] },
	{ path: () => '/api/entries', methods: ['GET', 'POST'] },
	{ path: () => '/api/shifts', methods: ['GET', 'POST'] },
	{ path: (w) => `/api/shifts/${w.shiftId}`, methods: ['GET', 'PATCH', 'DELETE'] },
	{ path: (w) => `/api/shifts/${w.shiftId}/signup`, methods: ['POST', 'DELETE'] },
	{ path: () => '/api/auth/account/interests', methods: ['GET'] },
	{ path: (w) => `/api/auth/account/interests/${w.entryId}`, methods: ['PUT', 'DELETE'] },
	{ path: () => '/api/auth/account/calendar', methods: ['POST', 'DELETE'] },
	{ path: (w) => `/api/users/${w.regular.id}/password-reset`, methods: ['GET', 'POST'] },
	{ path: () => '/api/auth/password-reset', methods: ['POST'] },
	{ path: () => '/api/last-event-id', methods: ['GET'] },
	{ path: () => '/api/events', methods: [] }
];

export function wrongMethodCases(w: World): HttpCase[] {
	const cases: HttpCase[] = [];
	const all = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'PROPFIND', 'TRACE'];
	for (const route of apiRoutes) {
		const path = route.path(w);
		const defined = new Set(
			route.methods.includes('GET') ? [...route.methods, 'HEAD'] : route.methods
		);
		for (const method of all) {
			if (defined.has(method)) continue;
			for (const sender of ['visitor', 'regular', 'admin']) {
				const withBody = method !== 'GET' && method !== 'HEAD' && method !== 'TRACE';
				cases.push(
					apiCase(
						w,
						sender,
						method,
						path,
						withBody
							? jsonBody({ name: 'Method Probe', password: 'password123', type: 'admin' })
							: undefined,
						{
							group: 'wrong methods',
							label: `${method} ${path.replace(/\/[A-Za-z0-9_-]{12,}$/, '/[id]')}`,
							// SvelteKit answers an undefined method itself (405, text) and an unknown
							// path with its 404 page; Node refuses TRACE before the app (400).
							framework: [404, 405, 400]
						}
					)
				);
			}
		}
	}
	// Form actions and pages with methods they do not take.
	for (const path of [
		'/register?/register',
		'/login?/login',
		'/logout?/logout',
		'/account?/rename',
		'/account?/delete',
		'/users?/setType',
		'/users?/delete',
		'/'
	]) {
		for (const method of ['PUT', 'PATCH', 'DELETE', 'OPTIONS']) {
			for (const sender of ['visitor', 'admin']) {
				const headers: Record<string, string> = {
					origin: w.server.url,
					accept: 'text/html',
					'content-type': 'application/x-www-form-urlencoded'
				};
				const cookie = senderCookie(w, sender);
				if (cookie) headers.cookie = cookie;
				cases.push({
					group: 'wrong methods',
					label: `${method} ${path}`,
					sender,
					method,
					path,
					headers,
					body: utf8(
						`id=${w.regular.id}&confirm=yes&type=crew&name=Method+Probe&password=password123`
					),
					kind: 'form',
					// SvelteKit answers OPTIONS on a page itself (204 with Allow), running nothing.
					expect: method === 'OPTIONS' ? 'harmless' : 'reject'
				});
			}
		}
	}
	return cases;
}

// ---------------------------------------------------------------------------------------------
// Forged, broken and stale cookies

export function forgedCookies(w: World, random: Random): { label: string; cookie: string }[] {
	const token = w.admin.token;
	const flip = (s: string, i: number) =>
		s.slice(0, i) + (s[i] === 'A' ? 'B' : 'A') + s.slice(i + 1);
	const list: [string, string][] = [
		['random token #1', cookieOf(random.string(27))],
		['random token #2', cookieOf(random.string(27))],
		['random token #3', cookieOf(random.string(40))],
		['random hex key', cookieOf(random.string(64, '0123456789abcdef'))],
		[
			'SHA-256 of a real token (the database key)',
			cookieOf(createHash('sha256').update(token).digest('hex'))
		],
		[
			'SHA-256 of a real token, base64url',
			cookieOf(createHash('sha256').update(token).digest('base64url'))
		],
		["a deleted user's real token", cookieOf(w.deletedToken)],
		['a logged-out real token', cookieOf(w.loggedOutToken)],
		['a real token, one character changed', cookieOf(flip(token, 5))],
		['a real token in upper case', cookieOf(token.toUpperCase())],
		['a real token plus a character', cookieOf(token + 'x')],
		['a real token cut short', cookieOf(token.slice(0, -1))],
		['a real token in quotes', cookieOf(`"${token}x"`)],
		['a public session id as token', cookieOf(w.admin.family)],
		['a user id as token', cookieOf(w.admin.id)],
		['8 KiB value', cookieOf(random.string(8 * 1024))],
		['12 KiB value', cookieOf(random.string(12 * 1024))],
		['40 KiB value', cookieOf(random.string(40 * 1024))],
		[
			'300 cookies',
			Array.from({ length: 300 }, (_, i) => `c${i}=${random.string(8)}`).join('; ') +
				'; ' +
				cookieOf(random.string(27))
		],
		[
			'50 session cookies',
			Array.from({ length: 50 }, () => cookieOf(random.string(27))).join('; ')
		],
		[
			'a forged cookie before a real one',
			`${cookieOf(random.string(27))}; ${cookieOf(w.bystander.token)}`
		],
		['empty value', `${COOKIE}=`],
		['name only', COOKIE],
		['only separators', ';;;;  ;=;=='],
		['equals signs', `${COOKIE}==abc==`],
		['unterminated quote', `${COOKIE}="abc`],
		['bad percent-encoding', `${COOKIE}=%ZZ`],
		['truncated percent-encoding', `${COOKIE}=%E0%A4%A`],
		['an encoded lone surrogate', `${COOKIE}=%ED%A0%80`],
		['latin-1 bytes', `${COOKIE}=\u00ff\u00fe\u00e9`],
		['spaces inside', `${COOKIE}=a b c`],
		['spaces around', `  ${COOKIE}  =  ${random.string(27)}  `],
		['upper-case name, real token', `${COOKIE.toUpperCase()}=${token}`],
		['__Host- name over http, real token', `__Host-${COOKIE}=${token}`],
		['a real token as another cookie name', `session=${token}; sid=${token}`]
	];
	return list.map(([label, cookie]) => ({ label, cookie }));
}

export function forgedCookieCases(w: World, random: Random): HttpCase[] {
	const cases: HttpCase[] = [];
	const targets: {
		method: string;
		path: string;
		body?: unknown;
		form?: Record<string, string>;
		expect: 'reject' | 'harmless';
		check?: string;
		status?: number;
	}[] = [
		{ method: 'GET', path: '/api/auth/session', expect: 'harmless', check: 'no-session' },
		{ method: 'GET', path: '/api/users', expect: 'harmless', check: 'no-users' },
		{ method: 'GET', path: `/api/users/${w.admin.id}`, expect: 'reject', status: 404 },
		{ method: 'GET', path: '/api/auth/account', expect: 'reject', status: 401 },
		{ method: 'GET', path: '/api/auth/sessions', expect: 'reject', status: 401 },
		{ method: 'GET', path: '/api/last-event-id', expect: 'harmless' },
		{ method: 'DELETE', path: '/api/auth/session', expect: 'reject', status: 401 },
		{
			method: 'PATCH',
			path: '/api/auth/account',
			body: { name: 'Forged Rename' },
			expect: 'reject',
			status: 401
		},
		{
			method: 'DELETE',
			path: '/api/auth/account',
			body: { currentPassword: 'anything-at-all' },
			expect: 'reject',
			status: 401
		},
		{
			method: 'DELETE',
			path: '/api/auth/sessions',
			body: { currentPassword: 'anything-at-all' },
			expect: 'reject',
			status: 401
		},
		{
			method: 'DELETE',
			path: `/api/auth/sessions/${w.bystander.family}`,
			body: { currentPassword: 'anything-at-all' },
			expect: 'reject',
			status: 401
		},
		{
			method: 'PATCH',
			path: `/api/users/${w.regular.id}`,
			body: { type: 'crew' },
			expect: 'reject',
			status: 401
		},
		{ method: 'DELETE', path: `/api/users/${w.regular.id}`, expect: 'reject', status: 401 },
		{ method: 'POST', path: '/logout?/logout', form: {}, expect: 'harmless' },
		{
			method: 'POST',
			path: '/account?/rename',
			form: { name: 'Forged Form Rename' },
			expect: 'reject'
		},
		{
			method: 'POST',
			path: '/users?/setType',
			form: { id: w.regular.id, type: 'crew' },
			expect: 'reject'
		},
		{
			method: 'POST',
			path: '/users?/delete',
			form: { id: w.regular.id, confirm: 'yes' },
			expect: 'reject'
		},
		{ method: 'GET', path: '/account', expect: 'harmless' }
	];
	for (const { label, cookie } of forgedCookies(w, random)) {
		for (const t of targets) {
			const headers: Record<string, string> = {
				origin: w.server.url,
				cookie,
				'user-agent': 'tidewatch-hostile'
			};
			let body: Buffer | undefined;
			let kind: HttpCase['kind'] = 'api';
			if (t.form) {
				kind = 'form';
				headers['content-type'] = 'application/x-www-form-urlencoded';
				headers.accept = 'text/html';
				body = utf8(new URLSearchParams(t.form).toString());
			} else if (t.body !== undefined) {
				headers['content-type'] = 'application/json';
				body = jsonBody(t.body);
			}
			if (!t.path.startsWith('/api/') && !t.form) kind = 'page';
			cases.push({
				group: 'forged cookies',
				label: `${t.method} ${t.path.replace(/\/[A-Za-z0-9_-]{12,}$/, '/[id]')} with ${label}`,
				sender: `forged: ${label}`,
				method: t.method,
				path: t.path,
				headers,
				body,
				kind,
				expect: t.expect,
				// Node refuses headers over 16 KiB itself, with an empty 431.
				framework: [431],
				check: { status: t.status, publicView: t.check }
			} as HttpCase);
		}
	}
	return cases;
}

// ---------------------------------------------------------------------------------------------
// Ids in paths, query-string junk, bodies on GET

export function badIds(
	w: World,
	random: Random
): { label: string; id: string; traverses?: boolean }[] {
	return [
		{ label: 'a space', id: '%20' },
		{ label: 'NUL', id: '%00' },
		{ label: '"null"', id: 'null' },
		{ label: '"undefined"', id: 'undefined' },
		{ label: 'zero', id: '0' },
		{ label: 'negative', id: '-1' },
		{ label: 'a number', id: '1e9' },
		{ label: 'encoded traversal', id: '..%2F..%2Fetc%2Fpasswd' },
		{ label: 'encoded dot-dot-slash', id: '..%2f' },
		{ label: 'double-encoded traversal', id: '%252e%252e%252f' },
		{ label: 'backslash traversal', id: '..%5C..%5Cwindows' },
		{ label: 'overlong UTF-8 dots', id: '%C0%AE%C0%AE' },
		{ label: 'bad percent-encoding', id: '%ZZ' },
		{ label: 'encoded lone surrogate', id: '%ED%A0%80' },
		{ label: 'truncated percent-encoding', id: 'abc%E0%A4%A' },
		{ label: '5,000 characters', id: random.string(5000) },
		{ label: 'mathematical letters', id: encodeURIComponent('𝕏'.repeat(30)) },
		{ label: 'RTL override', id: encodeURIComponent('\u202eid') },
		{ label: 'zero-width', id: encodeURIComponent(w.regular.id + '\u200b') },
		{ label: 'SQL', id: encodeURIComponent("' OR 1=1 --") },
		{ label: 'HTML', id: encodeURIComponent('"><script>alert(1)</script>') },
		{ label: 'a star', id: '*' },
		{
			label: 'an id in upper case',
			id:
				w.regular.id.toUpperCase() === w.regular.id
					? w.regular.id.toLowerCase()
					: w.regular.id.toUpperCase()
		},
		{ label: 'an id with a NUL', id: w.regular.id + '%00' },
		{ label: 'an id with a trailing space', id: w.regular.id + '%20' },
		{ label: 'an id with a semicolon', id: w.regular.id + ';x' },
		{ label: 'a session family as user id', id: w.regular.family },
		{ label: '__proto__', id: '__proto__' },
		{ label: 'constructor', id: 'constructor' },
		{ label: 'a name as id', id: encodeURIComponent('Hostile Regular') },
		{ label: 'dot-dot to another route', id: '..', traverses: true },
		{ label: 'encoded dot-dot to another route', id: '%2e%2e', traverses: true }
	];
}

export function idCases(w: World, random: Random): HttpCase[] {
	const cases: HttpCase[] = [];
	for (const { label, id, traverses } of badIds(w, random)) {
		// Dot segments move the request to another route, which is the URL standard, not the app:
		// they go only where no route they could land on would act.
		const framework = traverses ? [404, 405, 308] : [];
		for (const sender of ['visitor', 'regular', 'admin']) {
			cases.push(
				apiCase(w, sender, 'GET', `/api/users/${id}`, undefined, {
					group: 'bad ids',
					label: `GET /api/users/${label}`,
					expect: traverses ? 'harmless' : 'reject',
					framework
				})
			);
		}
		if (traverses) {
			// Unauthenticated: whatever route the dots land on refuses a visitor's change.
			for (const method of ['PATCH', 'DELETE']) {
				cases.push(
					apiCase(
						w,
						'visitor',
						method,
						`/api/users/${id}/auth/account`,
						jsonBody({ type: 'admin', currentPassword: 'x' }),
						{
							group: 'bad ids',
							label: `${method} /api/users/${label}/auth/account as visitor`,
							framework
						}
					)
				);
			}
			continue;
		}
		cases.push(
			apiCase(w, 'admin', 'PATCH', `/api/users/${id}`, jsonBody({ type: 'crew' }), {
				group: 'bad ids',
				label: `PATCH /api/users/${label} as admin`,
				framework
			}),
			apiCase(w, 'admin', 'DELETE', `/api/users/${id}`, undefined, {
				group: 'bad ids',
				label: `DELETE /api/users/${label} as admin`,
				framework
			}),
			apiCase(w, 'regular', 'DELETE', `/api/users/${id}`, undefined, {
				group: 'bad ids',
				label: `DELETE /api/users/${label} as regular`,
				framework
			}),
			apiCase(w, 'admin', 'PATCH', `/api/shifts/${id}`, jsonBody({ needed: 1 }), {
				group: 'bad ids',
				label: `PATCH /api/shifts/${label} as admin`,
				framework
			}),
			apiCase(w, 'admin', 'DELETE', `/api/shifts/${id}`, undefined, {
				group: 'bad ids',
				label: `DELETE /api/shifts/${label} as admin`,
				framework
			}),
			apiCase(w, 'crew', 'POST', `/api/shifts/${id}/signup`, undefined, {
				group: 'bad ids',
				label: `POST /api/shifts/${label}/signup as crew`,
				framework
			}),
			apiCase(w, 'regular', 'PUT', `/api/auth/account/interests/${id}`, undefined, {
				group: 'bad ids',
				label: `PUT /api/auth/account/interests/${label} as regular`,
				framework
			}),
			// The body is read before the id is looked at; a broken one keeps Argon2id out of it.
			apiCase(
				w,
				'regular',
				'DELETE',
				`/api/auth/sessions/${id}`,
				jsonBody({ currentPassword: 5 }),
				{
					group: 'bad ids',
					label: `DELETE /api/auth/sessions/${label} as regular`,
					framework
				}
			)
		);
		const form = (path: string, fields: Record<string, string>, sender: string) => {
			const headers: Record<string, string> = {
				origin: w.server.url,
				accept: 'text/html',
				'content-type': 'application/x-www-form-urlencoded',
				cookie: senderCookie(w, sender)!
			};
			cases.push({
				group: 'bad ids',
				label: `${path} id=${label} as ${sender}`,
				sender,
				method: 'POST',
				path,
				headers,
				body: utf8(new URLSearchParams(fields).toString()),
				kind: 'form',
				expect: 'reject'
			});
		};
		const decoded = (() => {
			try {
				return decodeURIComponent(id);
			} catch {
				return id;
			}
		})();
		if (decoded.length <= 64) {
			form('/users?/setType', { id: decoded, type: 'crew' }, 'admin');
			form('/users?/delete', { id: decoded, confirm: 'yes' }, 'admin');
			form('/account?/endSessions', { id: decoded, currentPassword: 'x'.repeat(300) }, 'regular');
		}
	}
	return cases;
}

export function queryJunkCases(w: World, random: Random): HttpCase[] {
	const junk = [
		'%ZZ',
		'a=%',
		'%',
		'&&&&',
		'=',
		'==&==',
		'__proto__[type]=admin',
		'constructor[prototype][type]=admin',
		'lastEventId=-1',
		'/default',
		'/register',
		'a[]=1&a[]=2&a[x]=3',
		'x=' + 'a'.repeat(4000),
		Array.from({ length: 500 }, (_, i) => `k${i}=${i}`).join('&'),
		'name=%ED%A0%80',
		'q=%E2%80%AE%E2%80%8B',
		'x=\u00ff\u00fe',
		'?&?&?',
		'x=1;y=2',
		'%00=%00'
	];
	const cases: HttpCase[] = [];
	const targets: [string, (w: World) => string, unknown, 'reject' | 'harmless'][] = [
		['GET', () => '/api/last-event-id', undefined, 'harmless'],
		['GET', () => '/api/auth/session', undefined, 'harmless'],
		['GET', () => '/api/auth/account', undefined, 'harmless'],
		['GET', () => '/api/auth/sessions', undefined, 'harmless'],
		['GET', () => '/api/users', undefined, 'harmless'],
		['GET', (w) => `/api/users/${w.regular.id}`, undefined, 'harmless'],
		['POST', () => '/api/auth/register', { name: '', password: 'password123' }, 'reject'],
		['POST', () => '/api/auth/login', { name: 'Hostile Admin', password: 'short' }, 'reject'],
		['PATCH', () => '/api/auth/account', { name: '' }, 'reject'],
		['DELETE', () => '/api/auth/account', { currentPassword: '' }, 'reject'],
		['DELETE', () => '/api/auth/sessions', {}, 'reject'],
		[
			'DELETE',
			(w) => `/api/auth/sessions/${w.regularOther.family}`,
			{ currentPassword: [] },
			'reject'
		],
		['PATCH', (w) => `/api/users/${w.regular.id}`, { type: 'root' }, 'reject']
	];
	for (const [method, path, body, expect] of targets) {
		for (const q of junk) {
			const sender = random.pick(['visitor', 'regular', 'admin']);
			cases.push(
				apiCase(
					w,
					sender,
					method,
					`${path(w)}?${q}`,
					body === undefined ? undefined : jsonBody(body),
					{
						group: 'query-string junk',
						label: `${method} ${path(w).replace(/\/[A-Za-z0-9_-]{12,}$/, '/[id]')}?${q.slice(0, 30)}`,
						expect,
						// Raw bytes over 0x7f in the target: Node's HTTP parser refuses them (empty 400).
						framework: /[\u0080-\u00ff]/.test(q) ? [400] : []
					}
				)
			);
		}
	}
	return cases;
}

export function getWithBodyCases(w: World): HttpCase[] {
	const cases: HttpCase[] = [];
	const bodies: [string, Record<string, string>, Buffer][] = [
		[
			'a JSON body',
			{ 'content-type': 'application/json' },
			jsonBody({ name: 'x', password: 'password123' })
		],
		[
			'a form body',
			{ 'content-type': 'application/x-www-form-urlencoded' },
			utf8('name=x&password=password123')
		],
		['a body without content-type', {}, utf8('{"a":1}')],
		['a broken JSON body', { 'content-type': 'application/json' }, utf8('{"a":')],
		[
			'a 1 MiB body',
			{ 'content-type': 'application/json' },
			utf8(JSON.stringify({ name: 'x'.repeat(MiB) }))
		],
		[
			'a chunked body',
			{ 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
			utf8('{"a":1}')
		]
	];
	for (const path of [
		'/api/last-event-id',
		'/api/auth/session',
		'/api/auth/account',
		'/api/auth/sessions',
		'/api/users',
		`/api/users/${w.admin.id}`,
		'/api/events'
	]) {
		for (const [label, headers, body] of bodies) {
			for (const sender of ['visitor', 'admin']) {
				cases.push(
					apiCase(w, sender, 'GET', path, body, {
						group: 'bodies on GET',
						label: `GET ${path.replace(/\/[A-Za-z0-9_-]{12,}$/, '/[id]')} with ${label}`,
						expect: 'harmless',
						ownConnection: true,
						headers,
						// /api/events is no HTTP route: SvelteKit's 404 page. A GET with a chunked body
						// is refused by Node's HTTP parser before the app (an empty 400).
						framework: path === '/api/events' ? [404] : label === 'a chunked body' ? [400] : []
					})
				);
			}
		}
	}
	return cases;
}

// ---------------------------------------------------------------------------------------------
// Form actions

interface ActionSpec {
	path: string;
	fields: Record<string, string[]>;
	good: Record<string, string>;
	/** Senders that reach the action's validation (the others are refused all the same). */
	senders: string[];
	/** Fields that may be left out: leaving them out is no fault. */
	optional?: string[];
}

export function formCases(w: World, random: Random): HttpCase[] {
	const stringBadNames = badNames.filter((n) => n.length < 50_000);
	const actions: ActionSpec[] = [
		{
			path: '/register?/register',
			fields: { name: stringBadNames, password: badPasswords.slice(0, 5) },
			good: { name: 'Form Newcomer', password: 'password123' },
			senders: ['visitor', 'admin']
		},
		{
			path: '/login?/login',
			fields: { name: stringBadNames, password: badPasswords.slice(0, 5) },
			good: { name: 'Hostile Regular', password: 'password123' },
			senders: ['visitor', 'admin']
		},
		{
			path: '/account?/rename',
			fields: { name: stringBadNames },
			good: { name: 'Form Rename' },
			senders: ['regular', 'admin', 'visitor']
		},
		{
			path: '/account?/password',
			fields: { password: badPasswords.slice(0, 5), currentPassword: ['x'.repeat(257)] },
			good: { password: 'new-password-123', currentPassword: 'not-the-password' },
			senders: ['regular', 'admin', 'visitor']
		},
		{
			path: '/account?/endSessions',
			fields: { id: ['', 'x'.repeat(65)], currentPassword: ['x'.repeat(257)] },
			good: { id: 'others', currentPassword: 'not-the-password' },
			senders: ['regular', 'admin', 'visitor']
		},
		{
			path: '/account?/delete',
			fields: {
				confirm: ['', 'no', 'YES', 'yes ', ' yes', 'true', 'on', '1', 'yes\u0000'],
				currentPassword: ['x'.repeat(257)]
			},
			good: { confirm: 'yes', currentPassword: 'not-the-password' },
			senders: ['regular', 'admin', 'visitor']
		},
		{
			path: '/shifts?/signup',
			fields: { id: ['', 'x'.repeat(65), 'no-such-shift'] },
			good: { id: w.shiftId },
			senders: ['crew', 'regular', 'visitor']
		},
		{
			path: '/admin/shifts?/assign',
			fields: { id: ['', 'x'.repeat(65), 'no-such-shift'], userId: ['', 'nobody', w.regular.id] },
			good: { id: w.shiftId, userId: w.admin.id },
			senders: ['admin', 'crew', 'visitor']
		},
		{
			path: '/?/interest',
			fields: { entryId: ['', 'x'.repeat(65), 'no-such-entry'], interested: ['', 'YES', 'true'] },
			good: { entryId: w.entryId, interested: 'yes' },
			senders: ['regular', 'visitor']
		},
		{
			path: '/users?/setType',
			fields: {
				id: ['', 'x'.repeat(65)],
				type: badTypes.filter((t) => typeof t === 'string') as string[]
			},
			good: { id: w.regular.id, type: 'crew' },
			senders: ['admin', 'regular', 'crew', 'visitor']
		},
		{
			path: '/users?/delete',
			fields: { id: ['', 'x'.repeat(65)], confirm: ['no', 'YES', 'yes ', 'true', '1'] },
			good: { id: w.regular.id, confirm: 'yes' },
			senders: ['admin', 'regular', 'crew', 'visitor'],
			// Without confirm the page only asks to confirm (200), deleting nothing.
			optional: ['confirm']
		}
	];
	const cases: HttpCase[] = [];
	const post = (
		sender: string,
		path: string,
		label: string,
		body: Buffer,
		contentType: string | null,
		extra: Partial<HttpCase> = {}
	) => {
		const headers: Record<string, string> = {
			origin: w.server.url,
			accept: 'text/html',
			'user-agent': 'tidewatch-hostile'
		};
		if (contentType !== null) headers['content-type'] = contentType;
		const cookie = sender === 'visitor' ? undefined : senderCookie(w, sender);
		if (cookie) headers.cookie = cookie;
		cases.push({
			group: 'form actions',
			label: `${path}: ${label}`,
			sender,
			method: 'POST',
			path,
			body,
			kind: 'form',
			expect: 'reject',
			...extra,
			headers: { ...headers, ...extra.headers }
		});
	};
	const urlencoded = (fields: Record<string, string>) =>
		utf8(new URLSearchParams(fields).toString());
	for (const action of actions) {
		for (const sender of action.senders) {
			// Each field bad on its own, urlencoded and (every fourth) multipart.
			let n = 0;
			for (const [field, values] of Object.entries(action.fields)) {
				for (const bad of values) {
					const fields = { ...action.good, [field]: bad };
					if (n++ % 4 === 3) {
						const { body, contentType } = multipart(Object.entries(fields));
						post(
							sender,
							action.path,
							`${field}=${describeValue(bad)} (multipart)`,
							body,
							contentType
						);
					} else {
						post(
							sender,
							action.path,
							`${field}=${describeValue(bad)}`,
							urlencoded(fields),
							'application/x-www-form-urlencoded'
						);
					}
				}
				// The field left out, and sent as a file instead of a value.
				const without = { ...action.good };
				delete without[field];
				const optional = action.optional?.includes(field) ? { expect: 'harmless' as const } : {};
				post(
					sender,
					action.path,
					`without ${field}`,
					urlencoded(without),
					'application/x-www-form-urlencoded',
					optional
				);
				const { body, contentType } = multipart([
					...Object.entries(without),
					[field, { filename: 'evil.txt', content: utf8(action.good[field]) }]
				]);
				post(sender, action.path, `${field} as a file`, body, contentType, optional);
			}
			if (sender !== action.senders[0]) continue;
			// Malformed encodings.
			for (const [label, body] of [
				['a lone percent', '%'],
				['bad percent-encoding', '%ZZ=%ZZ&zz=%'],
				['only ampersands', '&&&&'],
				['only an equals sign', '='],
				['invalid UTF-8 bytes in a key', Buffer.from([0x7a, 0xff, 0xfe, 0x3d, 0x79, 0x26, 0x3d])],
				['random bytes', random.bytes(300)],
				['JSON in a form', JSON.stringify(action.good)]
			] as [string, string | Buffer][]) {
				post(
					sender,
					action.path,
					label,
					typeof body === 'string' ? utf8(body) : body,
					'application/x-www-form-urlencoded'
				);
			}
			for (const [label, contentType, body] of [
				[
					'multipart without boundary',
					'multipart/form-data',
					utf8('--x\r\nContent-Disposition: form-data; name="a"\r\n\r\nb\r\n--x--')
				],
				[
					'multipart, wrong boundary',
					'multipart/form-data; boundary=other',
					multipart(Object.entries(action.good)).body
				],
				[
					'multipart, truncated',
					'multipart/form-data; boundary=hostileBoundary7MA4YWxk',
					multipart(Object.entries(action.good)).body.subarray(0, 60)
				],
				['multipart, empty boundary', 'multipart/form-data; boundary=', utf8('----\r\n')],
				[
					'multipart, garbage',
					'multipart/form-data; boundary=hostileBoundary7MA4YWxk',
					random.bytes(500)
				],
				[
					'text/plain',
					'text/plain',
					utf8(
						Object.entries(action.good)
							.map(([k, v]) => `${k}=${v}`)
							.join('\r\n')
					)
				],
				['JSON', 'application/json', jsonBody(action.good)],
				['no content-type', null, urlencoded(action.good)],
				['application/xml', 'application/xml', utf8('<form/>')]
			] as [string, string | null, Buffer][]) {
				post(sender, action.path, label, body, contentType);
			}
			// Oversized: a 100 KiB field, a 1 MiB field, a 1 MiB file.
			const first = Object.keys(action.fields)[0];
			post(
				sender,
				action.path,
				`100 KiB ${first}`,
				urlencoded({ ...action.good, [first]: 'x'.repeat(100 * 1024) }),
				'application/x-www-form-urlencoded',
				{ ownConnection: true }
			);
			post(
				sender,
				action.path,
				`1 MiB ${first}`,
				urlencoded({ ...action.good, [first]: 'x'.repeat(MiB) }),
				'application/x-www-form-urlencoded',
				{ ownConnection: true }
			);
			const big = multipart([
				...Object.entries(action.good).filter(([k]) => k !== first),
				['upload', { filename: 'big.bin', content: random.bytes(MiB) }]
			]);
			post(sender, action.path, '1 MiB file', big.body, big.contentType, { ownConnection: true });
		}
		// Cross-site: a foreign or missing Origin is refused before the action runs (SvelteKit's
		// CSRF check answers 403 itself), with a well-formed form and a logged-in cookie.
		for (const sender of ['visitor', 'regular', 'admin']) {
			for (const origin of [
				'https://evil.example',
				'null',
				null,
				`http://127.0.0.1:${w.server.port + 1}`
			]) {
				for (const contentType of ['application/x-www-form-urlencoded', 'text/plain']) {
					const headers: Record<string, string> = {};
					if (origin !== null) headers.origin = origin;
					post(
						sender,
						action.path,
						`cross-site (${origin ?? 'no origin'}, ${contentType})`,
						urlencoded(action.good),
						contentType,
						{
							group: 'cross-site forms',
							headers: origin === null ? { origin: '' } : headers,
							check: { status: 403 }
						} as Partial<HttpCase>
					);
				}
			}
		}
	}
	// A missing origin: the header really left out (post() sets one, so drop it here).
	for (const c of cases) if (c.headers.origin === '') delete c.headers.origin;
	// Logout: only ways that must not log anyone out.
	for (const sender of ['regular', 'admin']) {
		post(sender, '/logout?/logout', 'JSON content type', jsonBody({}), 'application/json');
		post(sender, '/logout?/logout', 'no content type', Buffer.alloc(0), null);
		for (const origin of ['https://evil.example', 'null']) {
			post(
				sender,
				'/logout?/logout',
				`cross-site (${origin})`,
				Buffer.alloc(0),
				'application/x-www-form-urlencoded',
				{
					group: 'cross-site forms',
					headers: { origin },
					check: { status: 403 }
				} as Partial<HttpCase>
			);
		}
	}
	post(
		'visitor',
		'/logout?/logout',
		'a visitor logs out',
		Buffer.alloc(0),
		'application/x-www-form-urlencoded',
		{ expect: 'harmless' }
	);
	// Confirming screens: a first press without confirm changes nothing.
	post(
		'admin',
		'/users?/delete',
		'without confirm (asks first)',
		urlencoded({ id: w.regular.id }),
		'application/x-www-form-urlencoded',
		{ expect: 'harmless' }
	);
	// Well-formed but refused by meaning (Argon2id each, so a few).
	post(
		'visitor',
		'/login?/login',
		'wrong password',
		urlencoded({ name: 'Hostile Admin', password: 'wrong-password' }),
		'application/x-www-form-urlencoded'
	);
	post(
		'visitor',
		'/login?/login',
		'unknown name',
		urlencoded({ name: 'Nobody At All', password: 'wrong-password' }),
		'application/x-www-form-urlencoded'
	);
	post(
		'visitor',
		'/register?/register',
		'taken name',
		urlencoded({ name: 'HOSTILE ADMIN', password: 'password123' }),
		'application/x-www-form-urlencoded'
	);
	post(
		'regular',
		'/account?/rename',
		'taken name',
		urlencoded({ name: 'hostile admin' }),
		'application/x-www-form-urlencoded'
	);
	post(
		'regular',
		'/account?/password',
		'wrong current password',
		urlencoded({ currentPassword: 'wrong-password', password: 'new-password-123' }),
		'application/x-www-form-urlencoded'
	);
	post(
		'regular',
		'/account?/endSessions',
		'wrong current password',
		urlencoded({ currentPassword: 'wrong-password', id: 'others' }),
		'application/x-www-form-urlencoded'
	);
	post(
		'regular',
		'/account?/endSessions',
		"right password, the admin's login",
		urlencoded({ currentPassword: w.regular.password, id: w.admin.family }),
		'application/x-www-form-urlencoded'
	);
	post(
		'regular',
		'/account?/delete',
		'wrong current password',
		urlencoded({ currentPassword: 'wrong-password', confirm: 'yes' }),
		'application/x-www-form-urlencoded'
	);
	post(
		'admin',
		'/account?/delete',
		'the last admin, right password',
		urlencoded({ currentPassword: w.admin.password, confirm: 'yes' }),
		'application/x-www-form-urlencoded'
	);
	post(
		'admin',
		'/users?/setType',
		'demote the last admin',
		urlencoded({ id: w.admin.id, type: 'regular' }),
		'application/x-www-form-urlencoded'
	);
	post(
		'admin',
		'/users?/delete',
		'delete the last admin',
		urlencoded({ id: w.admin.id, confirm: 'yes' }),
		'application/x-www-form-urlencoded'
	);
	return cases;
}

/** Action names that are no action of the page, including names on Object.prototype. */
export function actionNameCases(w: World): HttpCase[] {
	const cases: HttpCase[] = [];
	const names = [
		'default',
		'__proto__',
		'constructor',
		'hasOwnProperty',
		'valueOf',
		'toString',
		'isPrototypeOf',
		'__defineGetter__',
		'nope',
		'',
		'REGISTER',
		'login/x',
		'%00'
	];
	for (const page of ['/register', '/login', '/logout', '/account', '/users']) {
		for (const name of names) {
			for (const sender of ['visitor', 'admin']) {
				const headers: Record<string, string> = {
					origin: w.server.url,
					accept: 'text/html',
					'content-type': 'application/x-www-form-urlencoded'
				};
				const cookie = senderCookie(w, sender);
				if (cookie) headers.cookie = cookie;
				cases.push({
					group: 'action names',
					label: `POST ${page}?/${name}`,
					sender,
					method: 'POST',
					path: `${page}?/${name}`,
					headers,
					body: utf8('name=&password=x&id=&confirm=no'),
					kind: 'form',
					expect: 'reject'
				});
			}
		}
	}
	return cases;
}

/**
 * Inputs that pass a naive check but are not text: lone surrogates, invalid UTF-8. Each runs
 * alone with a snapshot around it, since the server might accept it.
 */
export function unicodeCases(w: World): HttpCase[] {
	const cases: HttpCase[] = [];
	const json = (
		sender: string,
		method: string,
		path: string,
		text: string | Buffer,
		label: string
	) =>
		cases.push(
			apiCase(w, sender, method, path, typeof text === 'string' ? utf8(text) : text, {
				group: 'not text',
				label,
				alone: true
			})
		);
	json(
		'visitor',
		'POST',
		'/api/auth/register',
		'{"name":"Lone \\ud800 High","password":"password123"}',
		'register: name with a lone high surrogate (JSON escape)'
	);
	json(
		'visitor',
		'POST',
		'/api/auth/register',
		'{"name":"\\udc00Lone Low","password":"password123"}',
		'register: name with a lone low surrogate (JSON escape)'
	);
	json(
		'visitor',
		'POST',
		'/api/auth/register',
		'{"name":"Half Emoji \\ud83d","password":"password123"}',
		'register: name ending in half an emoji (JSON escape)'
	);
	json(
		'visitor',
		'POST',
		'/api/auth/register',
		Buffer.concat([
			utf8('{"name":"Bad Bytes '),
			Buffer.from([0xff, 0xfe]),
			utf8('","password":"password123"}')
		]),
		'register: name with invalid UTF-8 bytes'
	);
	json(
		'visitor',
		'POST',
		'/api/auth/register',
		Buffer.concat([
			utf8('{"name":"CESU '),
			Buffer.from([0xed, 0xa0, 0x80]),
			utf8('","password":"password123"}')
		]),
		'register: name with a UTF-8-encoded surrogate (invalid UTF-8)'
	);
	json(
		'regular',
		'PATCH',
		'/api/auth/account',
		'{"name":"Renamed \\udbff"}',
		'rename: name with a lone surrogate'
	);
	json(
		'admin',
		'PATCH',
		`/api/users/${w.crew.id}`,
		'{"name":"\\ud800\\ud800"}',
		'admin rename: name of two lone surrogates'
	);
	const form = (sender: string, path: string, body: string, label: string) => {
		const headers: Record<string, string> = {
			origin: w.server.url,
			accept: 'text/html',
			'content-type': 'application/x-www-form-urlencoded'
		};
		const cookie = sender === 'visitor' ? undefined : senderCookie(w, sender);
		if (cookie) headers.cookie = cookie;
		cases.push({
			group: 'not text',
			label,
			sender,
			method: 'POST',
			path,
			headers,
			body: utf8(body),
			kind: 'form',
			expect: 'reject',
			alone: true
		});
	};
	form(
		'visitor',
		'/register?/register',
		'name=Form%ED%A0%80Surrogate&password=password123',
		'register form: name with a UTF-8-encoded surrogate'
	);
	form(
		'visitor',
		'/register?/register',
		'name=Form%FF%FEBytes&password=password123',
		'register form: name with invalid UTF-8'
	);
	form(
		'regular',
		'/account?/rename',
		'name=Renamed%ED%B0%80',
		'rename form: name with a UTF-8-encoded surrogate'
	);
	return cases;
}
