// Prints the top functions of V8 CPU profiles (.cpuprofile, from `node --cpu-prof`), by self
// time and by total (inclusive) time. The benchmark writes the server's profiles with
// `npm run bench -- --profile <dir>`; each server process (the run restarts it) writes one file.
//
//   node bench/profile-summary.js <file.cpuprofile | dir> [--top 25] [--from ms] [--to ms]
//
// --from/--to keep only the samples taken in that window, in ms after the profile started.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';

const args = process.argv.slice(2);
const option = (name, fallback) => {
	const i = args.indexOf(`--${name}`);
	if (i < 0) return fallback;
	const [value] = args.splice(i, 2).slice(1);
	return Number(value);
};
const top = option('top', 25);
const from = option('from', 0);
const to = option('to', Infinity);
if (args.length === 0) {
	console.error(
		'usage: node bench/profile-summary.js <file.cpuprofile | dir> [--top N] [--from ms] [--to ms]'
	);
	process.exit(2);
}

const files = args.flatMap((path) =>
	statSync(path).isDirectory()
		? readdirSync(path)
				.filter((f) => f.endsWith('.cpuprofile'))
				.sort()
				.map((f) => join(path, f))
		: [path]
);

const shortUrl = (url) =>
	url
		.replace(/^file:\/\//, '')
		.replace(/^.*\/node_modules\//, '')
		.replace(/^.*\/build\//, 'build/')
		.replace(/^node:/, 'node:');

for (const file of files) {
	const profile = JSON.parse(readFileSync(file, 'utf8'));
	const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
	const parent = new Map();
	for (const n of profile.nodes) for (const child of n.children ?? []) parent.set(child, n.id);

	// Self time per node from the samples and their time deltas (µs).
	const self = new Map();
	let t = 0;
	let total = 0;
	profile.samples.forEach((id, i) => {
		t += profile.timeDeltas[i];
		const ms = t / 1000;
		if (ms < from || ms > to) return;
		const dt = profile.timeDeltas[i + 1] ?? profile.timeDeltas[i];
		self.set(id, (self.get(id) ?? 0) + dt);
		total += dt;
	});

	const key = (n) => {
		const f = n.callFrame;
		const name = f.functionName || '(anonymous)';
		return f.url ? `${name}  ${shortUrl(f.url)}:${f.lineNumber + 1}` : name;
	};
	const selfBy = new Map();
	const totalBy = new Map();
	for (const [id, us] of self) {
		const n = nodes.get(id);
		selfBy.set(key(n), (selfBy.get(key(n)) ?? 0) + us);
		// Inclusive: every distinct function on the stack gets the sample once.
		const seen = new Set();
		for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
			const k = key(nodes.get(cur));
			if (seen.has(k)) continue;
			seen.add(k);
			totalBy.set(k, (totalBy.get(k) ?? 0) + us);
		}
	}

	const wall = (profile.endTime - profile.startTime) / 1e6;
	const idle = selfBy.get('(idle)') ?? 0;
	console.log(
		`\n${basename(file)}: ${wall.toFixed(1)} s profiled, ${((total - idle) / 1e6).toFixed(2)} s on the CPU (${(((total - idle) / total) * 100).toFixed(0)}% busy)`
	);
	const print = (title, map) => {
		console.log(`\n  ${title}`);
		const busy = total - idle;
		const rows = [...map]
			.filter(([k]) => k !== '(idle)' && k !== '(root)' && k !== '(program)')
			.sort((a, b) => b[1] - a[1])
			.slice(0, top);
		for (const [k, us] of rows) {
			console.log(
				`  ${(us / 1000).toFixed(0).padStart(8)} ms ${((us / busy) * 100).toFixed(1).padStart(5)}%  ${k}`
			);
		}
	};
	print('self time (share of busy time)', selfBy);
	const programMs = (selfBy.get('(program)') ?? 0) / 1000;
	const gcMs = (selfBy.get('(garbage collector)') ?? 0) / 1000;
	console.log(
		`\n  (program) ${programMs.toFixed(0)} ms, (garbage collector) ${gcMs.toFixed(0)} ms`
	);
	print('total time (share of busy time)', totalBy);
}
