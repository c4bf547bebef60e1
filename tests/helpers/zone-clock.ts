/** What a clock in the zone shows at the instant, read from Intl's numbers. */
export function clockParts(ms: number, timeZone: string) {
	const parts = Object.fromEntries(
		new Intl.DateTimeFormat('en-US', {
			timeZone,
			year: 'numeric',
			month: 'numeric',
			day: 'numeric',
			hour: '2-digit',
			minute: '2-digit',
			second: '2-digit',
			hourCycle: 'h23'
		})
			.formatToParts(ms)
			.map((part) => [part.type, part.value])
	);
	return parts as Record<'year' | 'month' | 'day' | 'hour' | 'minute' | 'second', string>;
}

/** The app's month words, as Intl's British English writes them. */
export const months = 'Jan Feb Mar Apr May Jun Jul Aug Sept Oct Nov Dec'.split(' ');

/** "4 Jul 2026, 14:05" (with seconds: "14:05:09") as a clock in `timeZone` shows the instant. */
export function clockText(ms: number, timeZone: string, seconds = false): string {
	const parts = clockParts(ms, timeZone);
	const time = `${parts.hour}:${parts.minute}${seconds ? `:${parts.second}` : ''}`;
	return `${parts.day} ${months[Number(parts.month) - 1]} ${parts.year}, ${time}`;
}
