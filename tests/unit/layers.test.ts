import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

/*
 * The server's folders stand in layers (docs/architecture.md, "Layers"): a folder (or a file at
 * the top of src/lib/server) may import another only if that one does not, directly or through
 * others, import it back. A cycle between folders is an import running back up.
 */

const root = 'src/lib/server';

function sources(dir: string): string[] {
	return readdirSync(dir, { withFileTypes: true }).flatMap((item) => {
		const path = join(dir, item.name);
		if (item.isDirectory()) return sources(path);
		return /\.(ts|js)$/.test(item.name) ? [path] : [];
	});
}

/** The room a path stands in: its first folder under src/lib/server, or the file itself. */
const room = (path: string) =>
	relative(root, path)
		.split('/')[0]
		.replace(/\.(ts|js)$/, '');

function importsBetweenRooms(): Map<string, Set<string>> {
	const edges = new Map<string, Set<string>>();
	for (const file of sources(root)) {
		const from = room(file);
		for (const [, target] of readFileSync(file, 'utf8').matchAll(/from '([^']+)'/g)) {
			const path = target.startsWith('$lib/server/')
				? join(root, target.slice('$lib/server/'.length))
				: target.startsWith('.')
					? normalize(join(dirname(file), target))
					: null;
			if (!path || !path.startsWith(root + '/')) continue;
			const to = room(path);
			if (to !== from) edges.set(from, (edges.get(from) ?? new Set()).add(to));
		}
	}
	return edges;
}

/** One cycle among the rooms, or null. */
function findCycle(edges: Map<string, Set<string>>): string[] | null {
	const state = new Map<string, 'open' | 'done'>();
	const path: string[] = [];
	const visit = (node: string): string[] | null => {
		if (state.get(node) === 'done') return null;
		if (state.get(node) === 'open') return [...path.slice(path.indexOf(node)), node];
		state.set(node, 'open');
		path.push(node);
		for (const next of edges.get(node) ?? []) {
			const cycle = visit(next);
			if (cycle) return cycle;
		}
		path.pop();
		state.set(node, 'done');
		return null;
	};
	for (const node of edges.keys()) {
		const cycle = visit(node);
		if (cycle) return cycle;
	}
	return null;
}

describe('the layers of src/lib/server', () => {
	it('no folder imports, directly or through others, one that imports it', () => {
		expect(findCycle(importsBetweenRooms())).toBeNull();
	});

	it('the check sees a cycle when there is one', () => {
		const edges = new Map([
			['shifts', new Set(['settings'])],
			['settings', new Set(['shifts'])]
		]);
		expect(findCycle(edges)).toEqual(['shifts', 'settings', 'shifts']);
	});
});
