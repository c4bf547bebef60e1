import { runInNewContext } from 'node:vm';

/**
 * The data SvelteKit inlined in a page for hydration, one object per node (layout, then page):
 * what the browser's stores are filled from. It is written as a JavaScript expression.
 */
export function inlinedData(html: string): Record<string, unknown>[] {
	const expression = /\bdata: (\[[\s\S]*?\]),\s*form:/.exec(html)?.[1];
	if (!expression) throw new Error('the page inlines no data');
	const nodes = runInNewContext(`(${expression})`) as ({ data: Record<string, unknown> } | null)[];
	return nodes.map((node) => node?.data ?? {});
}

/** The page node's data: the last one. */
export const pageData = (html: string) => inlinedData(html).at(-1)!;
