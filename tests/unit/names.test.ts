import { describe, expect, it } from 'vitest';
import { charactersOf, nameSchema } from '$lib/api';

const parse = (name: string) => nameSchema.safeParse(name);
const problem = (name: string) => {
	const result = parse(name);
	return result.success ? undefined : result.error.issues[0].message;
};

describe('names accept what people really write', () => {
	it.each([
		['ZWJ emoji after a word', 'dev 👩‍💻'],
		['ZWJ family', '👨‍👩‍👧‍👦'],
		['rainbow flag (VS16 + ZWJ)', '🏳️‍🌈'],
		['country flags', 'Team 🇫🇷🇩🇪'],
		['subdivision flag (tag characters)', '🏴󠁧󠁢󠁳󠁣󠁴󠁿 Ailsa'],
		['skin tones', '👍🏽 Kofi'],
		['kiss with two skin tones', '👩🏻‍❤️‍💋‍👨🏼'],
		['emoji presentation', 'I ❤️ tea'],
		['text presentation', 'smile ☺︎'],
		['keycap', '1️⃣ first'],
		['CJK', '山田太郎'],
		['ideographic variation sequence', '葛\u{E0100}飾'],
		['combining accents', 'Zoe\u0308 Nguyê\u0303n'],
		['Arabic', 'محمد علي'],
		['Persian with a zero-width non-joiner', 'می\u200Cخواهم'],
		['Devanagari', 'अनुष्का'],
		['a character of 16 code points (a base and 15 marks)', 'x' + '\u0301'.repeat(15)],
		['64 plain characters', 'a'.repeat(64)],
		['64 emoji', '👩‍💻'.repeat(64)],
		['64 family emoji', '👨‍👩‍👧‍👦'.repeat(64)],
		['64 wide characters', 'Ｗ'.repeat(64)]
	])('%s', (_, name) => {
		expect(problem(name)).toBeUndefined();
	});

	it('trims and stores names in NFC, so one look is one name', () => {
		expect(parse(' Zoe\u0308 ').data).toBe('Zoë');
	});

	it('counts length in characters as people see them', () => {
		expect(charactersOf('dev 👩‍💻')).toHaveLength(5);
		expect(charactersOf('🇫🇷👍🏽')).toHaveLength(2);
	});
});

describe('names refuse', () => {
	it.each([
		['empty', '', 'name must be 1 to 64 characters'],
		['only spaces', '   ', 'name must be 1 to 64 characters'],
		['65 plain characters', 'a'.repeat(65), 'name must be 1 to 64 characters (this one has 65)'],
		['65 emoji', '👩‍💻'.repeat(65), 'name must be 1 to 64 characters (this one has 65)'],
		['65 flags', '🇫🇷'.repeat(65), 'name must be 1 to 64 characters (this one has 65)'],
		['a NUL', 'a\u0000b', 'name must not hold control characters'],
		['a line break', 'a\nb', 'name must not hold control characters'],
		['a line separator', 'a\u2028b', 'name must not hold control characters'],
		['a bidi override', 'a\u202Eb', 'name must not hold invisible characters outside an emoji'],
		[
			'a bidi isolate',
			'\u2066admin\u2069',
			'name must not hold invisible characters outside an emoji'
		],
		[
			'a joiner between letters',
			'ad\u200Dmin',
			'name must not hold invisible characters outside an emoji'
		],
		[
			'a joiner after an emoji, alone',
			'👩\u200D',
			'name must not hold invisible characters outside an emoji'
		],
		[
			'a joiner between non-emoji',
			'👩\u200Da',
			'name must not hold invisible characters outside an emoji'
		],
		[
			'a zero-width space',
			'ad\u200Bmin',
			'name must not hold invisible characters outside an emoji'
		],
		[
			'a non-joiner between Latin letters',
			'ad\u200Cmin',
			'name must not hold invisible characters outside an emoji'
		],
		[
			'a byte-order mark inside',
			'ad\uFEFFmin',
			'name must not hold invisible characters outside an emoji'
		],
		[
			'a variation selector on a letter',
			'a\uFE0Fdmin',
			'name must not hold invisible characters outside an emoji'
		],
		['a soft hyphen', 'ad\u00ADmin', 'name must not hold invisible characters outside an emoji'],
		['a Hangul filler', 'admin\u3164', 'name must not hold invisible characters outside an emoji'],
		[
			'tag characters after a letter',
			'a\u{E0041}\u{E007F}',
			'name must not hold invisible characters outside an emoji'
		],
		['a lone surrogate', 'a\uD800b', 'name must be valid text'],
		['the replacement character', 'a\uFFFDb', 'name must be valid text'],
		['a noncharacter', 'a\uFFFFb', 'name must be valid text'],
		['a noncharacter of another plane', 'a\u{10FFFE}b', 'name must be valid text'],
		[
			'a character of 17 code points',
			'x' + '\u0301'.repeat(16),
			'name must not stack so many marks on one character'
		],
		[
			'stacked marks',
			'Z' + '\u0301'.repeat(20),
			'name must not stack so many marks on one character'
		]
	])('%s', (_, name, message) => {
		expect(problem(name)).toBe(message);
	});

	it('anything but a string', () => {
		expect(problem(42 as unknown as string)).toBe('name must be a string');
	});
});
