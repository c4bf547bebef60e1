/*
 * Text for an XML 1.0 document. XML cannot carry every character: C0 controls other than tab,
 * line feed and carriage return, lone surrogates, and U+FFFE and U+FFFF are not allowed even
 * escaped (XML 1.0, 2.2). The app's forms refuse controls, but U+FFFF and friends are valid
 * Unicode and pass, so they are dropped here rather than making the document unreadable.
 */

// eslint-disable-next-line no-control-regex -- these are the characters XML 1.0 cannot carry
const notXml = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

/** Drops what XML 1.0 cannot carry; a lone surrogate becomes U+FFFD, which it can. */
export function xmlCharacters(text: string): string {
	return text.toWellFormed().replace(notXml, '');
}

const entities: Record<string, string> = {
	'&': '&amp;',
	'<': '&lt;',
	'>': '&gt;',
	'"': '&quot;',
	"'": '&apos;',
	// In an attribute a parser turns a raw line break or tab into a space (XML 1.0, 3.3.3).
	'\n': '&#10;',
	'\r': '&#13;',
	'\t': '&#9;'
};

/** Element content: markup characters escaped; line breaks stay as they are. */
export const xmlText = (text: string) =>
	xmlCharacters(text).replace(/[&<>]|\r/g, (c) => entities[c]);

/** An attribute value for either quote: quotes and white space other than spaces escaped too. */
export const xmlAttribute = (text: string) =>
	xmlCharacters(text).replace(/[&<>"'\n\r\t]/g, (c) => entities[c]);
