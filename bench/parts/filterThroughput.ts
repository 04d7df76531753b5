/**
 * Part 1: carts per second through n8n's WorkflowExecute, (a) Abandoned Cart Filter with default rules vs
 * (b) If (abandonment conditions as expressions) + Code (routing, in n8n's task runner). Every measured run is
 * its own process on the provisioned n8n 2.41.1; runs alternate a, b, b, a, ... so drift hits both alike.
 */
import type { Hotspot } from '../host/profile';
import { runChild } from '../host/spawn';
import { median, progress } from '../stats';

export interface ChildRun {
	variant: 'filter' | 'stock';
	carts: number;
	ms: number;
	itemsPerSecond: number;
	nodeMs: Record<string, number>;
	routed: Record<string, number[]>;
	rssBeforeRun: number;
	peakRss?: number;
	runnerPeakRss?: number;
	hotspots?: Hotspot[];
}

export interface VariantFigures {
	medianItemsPerSecond: number;
	medianMs: number;
	itemsPerSecond: number[];
	medianNodeMs: Record<string, number>;
	peakRss: number;
	runnerPeakRss?: number;
	routed: Record<string, number[]>;
	/** Top functions by self time of the first run, when profiled (BENCH_CPU_PROFILE). */
	hotspots?: Hotspot[];
}

export interface FilterThroughput {
	carts: number;
	runs: number;
	filter: VariantFigures;
	stock: VariantFigures;
	ratio: number;
}

function figures(runs: ChildRun[]): VariantFigures {
	const nodes = Object.keys(runs[0].nodeMs);
	const runnerPeaks = runs.map((r) => r.runnerPeakRss).filter((v): v is number => v !== undefined);
	return {
		medianItemsPerSecond: median(runs.map((r) => r.itemsPerSecond)),
		medianMs: median(runs.map((r) => r.ms)),
		itemsPerSecond: runs.map((r) => Math.round(r.itemsPerSecond)),
		medianNodeMs: Object.fromEntries(nodes.map((n) => [n, median(runs.map((r) => r.nodeMs[n]))])),
		peakRss: Math.max(...runs.map((r) => r.peakRss ?? 0)),
		runnerPeakRss: runnerPeaks.length ? Math.max(...runnerPeaks) : undefined,
		routed: runs[0].routed,
		hotspots: runs[0].hotspots,
	};
}

export async function filterThroughput(carts: number, runs: number): Promise<FilterThroughput> {
	const results: Record<'filter' | 'stock', ChildRun[]> = { filter: [], stock: [] };
	for (let i = 0; i < runs; i++) {
		const order: Array<'filter' | 'stock'> = i % 2 === 0 ? ['filter', 'stock'] : ['stock', 'filter'];
		for (const variant of order) {
			const run = await runChild<ChildRun>('filter-child.ts', [variant, String(carts)], { timeoutMs: 900_000 });
			progress(`filter throughput ${carts} carts, run ${i + 1}/${runs}, ${variant}: ${Math.round(run.itemsPerSecond)} items/s`);
			results[variant].push(run);
		}
	}
	const filter = figures(results.filter);
	const stock = figures(results.stock);
	return { carts, runs, filter, stock, ratio: filter.medianItemsPerSecond / stock.medianItemsPerSecond };
}
