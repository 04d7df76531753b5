/**
 * CPU profiles of measured sections, when BENCH_CPU_PROFILE names a folder: `profiled(label, work)` records a
 * .cpuprofile of `work` alone (open it in Chrome DevTools) and returns the top functions by self time.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { join } from 'node:path';

interface ProfileNode {
	id: number;
	callFrame: { functionName: string; url: string; lineNumber: number };
	hitCount?: number;
}

interface Profile {
	nodes: ProfileNode[];
	startTime: number;
	endTime: number;
	samples?: number[];
}

export interface Hotspot {
	function: string;
	where: string;
	selfMs: number;
	share: number;
}

/** Self time by function, largest first. */
export function hotspots(profile: Profile, top = 12): Hotspot[] {
	const totalMs = (profile.endTime - profile.startTime) / 1000;
	const totalHits = profile.nodes.reduce((sum, n) => sum + (n.hitCount ?? 0), 0) || 1;
	const byFunction = new Map<string, Hotspot>();
	for (const node of profile.nodes) {
		const { functionName, url, lineNumber } = node.callFrame;
		const where = url ? `${url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*\/(bench|nodes|test)\//, '$1/')}:${lineNumber + 1}` : '';
		const key = `${functionName || '(anonymous)'} ${where}`;
		const spot = byFunction.get(key) ?? { function: functionName || '(anonymous)', where, selfMs: 0, share: 0 };
		spot.selfMs += ((node.hitCount ?? 0) / totalHits) * totalMs;
		byFunction.set(key, spot);
	}
	return [...byFunction.values()]
		.map((s) => ({ ...s, selfMs: Math.round(s.selfMs), share: Math.round((s.selfMs / totalMs) * 1000) / 10 }))
		.sort((a, b) => b.selfMs - a.selfMs)
		.slice(0, top);
}

export async function profiled<T>(label: string, work: () => Promise<T>): Promise<{ result: T; hotspots?: Hotspot[] }> {
	const dir = process.env.BENCH_CPU_PROFILE;
	if (!dir) return { result: await work() };
	const session = new Session();
	session.connect();
	await session.post('Profiler.enable');
	await session.post('Profiler.start');
	try {
		const result = await work();
		const { profile } = (await session.post('Profiler.stop')) as { profile: Profile };
		mkdirSync(dir, { recursive: true });
		writeFileSync(join(dir, `${label}.cpuprofile`), JSON.stringify(profile));
		return { result, hotspots: hotspots(profile) };
	} finally {
		session.disconnect();
	}
}
