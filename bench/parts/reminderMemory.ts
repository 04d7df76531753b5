/** Part 3: bytes per remembered (cart, step) and Decide runs with that memory, in a child on the provisioned n8n. */
import { runChild } from '../host/spawn';
import { progress } from '../stats';

export interface ReminderMemory {
	entries: number;
	remembered: { carts: number; emails: number };
	carts: number;
	fillMs: number;
	heapBytes: number;
	heapBytesPerEntry: number;
	jsonBytes: number;
	jsonBytesPerEntry: number;
	/** What n8n spends saving (JSON.stringify) and loading (JSON.parse) the workflow's static data around a run. */
	stringifyMs: number;
	parseMs: number;
	runs: Array<{ ms: number; nodeMs: number; routed: number[] }>;
	peakRss?: number;
	slowestRunMs: number;
}

export async function reminderMemory(entries: number, carts: number, runs: number): Promise<ReminderMemory> {
	const result = await runChild<Omit<ReminderMemory, 'slowestRunMs'>>('memory-child.ts', [String(entries), String(carts), String(runs)], {
		timeoutMs: 900_000,
	});
	const slowestRunMs = Math.max(...result.runs.map((r) => r.ms));
	progress(`reminder memory: ${Math.round(result.heapBytesPerEntry)} heap bytes per entry, slowest of ${runs} runs ${Math.round(slowestRunMs)} ms`);
	return { ...result, slowestRunMs };
}
