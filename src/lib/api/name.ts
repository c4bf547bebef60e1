/**
 * What a user's name may hold. A name is what people really write — accents, CJK, Arabic,
 * emoji with skin tones, flags and zero-width-joiner sequences (`dev 👩‍💻`) — measured in
 * characters as people see them (grapheme clusters), never in UTF-16 code units.
 *
 * Invisible characters (format characters and default-ignorable code points: joiners, variation
 * selectors, bidi controls, tag characters, fillers) are accepted only where they are part of
 * what people see: inside a recommended emoji sequence, an emoji's presentation selector, an
 * ideographic variation sequence, or a zero-width non-joiner between two Arabic-script letters
 * (Persian writes it). Anywhere else they only serve to fake a look-alike of another name.
 */

import { wellFormed } from './text';

const nameMaxCharacters = 64;
/** Bounds one character's code points, so stacked marks cannot make a 64-character name huge. */
const maxCodePointsPerCharacter = 16;

const graphemes = new Intl.Segmenter('en', { granularity: 'grapheme' });

/** The characters of `text` as people see them. */
export const charactersOf = (text: string): string[] =>
	Array.from(graphemes.segment(text), (part) => part.segment);

const control = /[\p{Cc}\p{Zl}\p{Zp}]/u;
const invisible = /[\p{Cf}\p{Default_Ignorable_Code_Point}]/u;
const rgiEmoji = /^\p{RGI_Emoji}$/v;
/** "☺︎" and "☺️": an emoji asked for in text or emoji presentation. */
const presentation = /^\p{Emoji}[\uFE0E\uFE0F]$/u;
/** A CJK ideograph with a registered variant selector (Japanese names use these). */
const ideographicVariant = /^\p{Ideographic}[\u{E0100}-\u{E01EF}]$/u;
/** Persian and other Arabic-script languages write U+200C between letters. */
const arabicNonJoiner = /(?<=\p{Script=Arabic}\p{M}*)\u200C(?=\p{Script=Arabic})/gu;

const needsSegmenting =
	/[\p{Cf}\p{Default_Ignorable_Code_Point}\u1100-\u11FF\uA960-\uA97F\uD7B0-\uD7FF]|\p{M}{8}/u;

const visibleSequence = (character: string) =>
	rgiEmoji.test(character) || presentation.test(character) || ideographicVariant.test(character);

/** Why `name` (already trimmed) cannot be a name, or undefined when it can. */
export function nameProblem(name: string): string | undefined {
	if (!wellFormed(name)) return 'name must be valid text';
	if (control.test(name)) return 'name must not hold control characters';
	// Segmenting costs far more than the rest; most names need none of it. Without invisible
	// characters, long runs of marks or conjoining jamo, no character can reach the code point
	// bound, and 1 to 64 UTF-16 units are 1 to 64 characters.
	if (name.length >= 1 && name.length <= nameMaxCharacters && !needsSegmenting.test(name)) {
		return undefined;
	}
	const characters = charactersOf(name);
	if (characters.length < 1 || characters.length > nameMaxCharacters) {
		const count = characters.length ? ` (this one has ${characters.length})` : '';
		return `name must be 1 to ${nameMaxCharacters} characters${count}`;
	}
	const checked = charactersOf(name.replace(arabicNonJoiner, ''));
	for (const character of checked) {
		if (invisible.test(character) && !visibleSequence(character)) {
			return 'name must not hold invisible characters outside an emoji';
		}
		if ([...character].length > maxCodePointsPerCharacter) {
			return 'name must not stack so many marks on one character';
		}
	}
	return undefined;
}
