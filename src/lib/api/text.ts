import { z } from 'zod';

/**
 * Lone surrogates cannot be stored as UTF-8; U+FFFD is what undecodable bytes became; the
 * noncharacters (U+FFFE, U+FFFF, U+FDD0–U+FDEF, the last two of every plane) are for a
 * program's own use, and XML, which the schedule exports are, cannot carry U+FFFE and U+FFFF.
 */
export const wellFormed = (text: string) =>
	text.isWellFormed() && !text.includes('\uFFFD') && !/\p{Noncharacter_Code_Point}/u.test(text);

/** The zero-width joiner is a format character, but emoji such as 👩‍💻 are made with it. */
const withoutJoiners = (text: string) => text.replace(/\u200D/g, '');

/** One line of plain text: no control or format characters, no line breaks. */
export function lineSchema(field: string, max: number, min = 1) {
	const limits = min > 0 ? `${min} to ${max} characters` : `at most ${max} characters`;
	return z
		.string({ error: `${field} must be a string` })
		.trim()
		.min(min, `${field} must be ${limits}`)
		.max(max, `${field} must be ${limits}`)
		.refine(
			(text) => !/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u.test(withoutJoiners(text)),
			`${field} must not hold control characters`
		)
		.refine(wellFormed, `${field} must be valid text`);
}

/**
 * Plain text of several lines (never HTML: pages print it as text). Line breaks are kept as
 * "\n"; other control characters are refused.
 */
export function textSchema(field: string, max: number) {
	return z
		.string({ error: `${field} must be a string` })
		.transform((text) => text.replace(/\r\n?/g, '\n').trim())
		.pipe(
			z
				.string()
				.max(max, `${field} must be at most ${max.toLocaleString('en')} characters`)
				.refine(
					(text) =>
						!/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u.test(withoutJoiners(text).replace(/[\t\n]/g, '')),
					`${field} must not hold control characters`
				)
				.refine(wellFormed, `${field} must be valid text`)
		);
}
