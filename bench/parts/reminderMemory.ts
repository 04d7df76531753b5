/** Part 3: bytes per remembered (cart, step) and Decide runs with that memory, in a child on the provisioned n8n. */
import type { Hotspot } from '../host/profile';
import { runChild } from '../host/spawn';
import { median, progress } from '../stats';

export interface ReminderMemory {
	entries: number;
	remembered: { carts: number; emails: number };
	carts: number;
	fillMs: number;
	heapBytes: number;
	heapBytesPerEntry: number;
	jsonBytes: number;
	jsonBytesPerEntry: number;
	/**
	 * Per run: the execution (WorkflowExecute, including n8n wrapping the static data), the node alone, and around it
	 * what n8n does per execution with the static data: load it from the database (JSON.parse) and save it (stringify).
	 */
	runs: Array<{ ms: number; nodeMs: number; loadMs: number; saveMs: number; routed: number[]; hotspots?: Hotspot[] }>;
	peakRss?: number;
	medianRunMs: number;
	slowestRunMs: number;
	medianWithLoadAndSaveMs: number;
	slowestWithLoadAndSaveMs: number;
}

export async function reminderMemory(entries: number, carts: number, runs: number): Promise<ReminderMemory> {
	const result = await runChild<Omit<ReminderMemory, 'medianRunMs' | 'slowestRunMs' | 'medianWithLoadAndSaveMs' | 'slowestWithLoadAndSaveMs'>>('memory-child.ts', [String(entries), String(carts), String(runs)], {
		timeoutMs: 900_000,
	});
	const withLoadAndSave = result.runs.map((r) => r.loadMs + r.ms + r.saveMs);
	const slowestRunMs = Math.max(...result.runs.map((r) => r.ms));
	progress(`reminder memory: ${Math.round(result.heapBytesPerEntry)} heap bytes per entry, slowest of ${runs} runs ${Math.round(slowestRunMs)} ms`);
	return {
		...result,
		medianRunMs: median(result.runs.map((r) => r.ms)),
		slowestRunMs,
		medianWithLoadAndSaveMs: median(withLoadAndSave),
		slowestWithLoadAndSaveMs: Math.max(...withLoadAndSave),
	};
}
