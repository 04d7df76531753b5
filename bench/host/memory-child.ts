/**
 * Part 3, in its own process on the provisioned n8n 2.41.1:
 *   memory-child.ts <remembered entries> <carts per run> <runs>
 * Fills the Abandoned Cart Filter's reminder memory (its own RememberedReminders) with one (cart, step) per
 * remembered cart, measures the heap and the static-data JSON it takes, then times Decide runs through
 * WorkflowExecute with that static data (some of the run's carts were reminded before, so lookups hit).
 */
import { RememberedReminders } from '../../nodes/AbandonedCartFilter/memory';
import { generateCarts } from '../carts';
import { filterWorkflow } from '../workflows';
import { executeWorkflow } from './engine';
import { peakRss, report } from './measure';
import { profiled, type Hotspot } from './profile';

const HOUR = 3_600_000;
const MEMORY_NAME = 'abandoned-cart-reminders';

function heapAfterGc(): number {
	const gc = (globalThis as { gc?: () => void }).gc;
	if (!gc) throw new Error('start with --expose-gc');
	gc();
	gc();
	return process.memoryUsage().heapUsed;
}

async function main(): Promise<void> {
	const [entries, cartCount, runCount] = process.argv.slice(2).map(Number);
	const now = Date.now();
	const carts = generateCarts(cartCount, now);
	const remindedBefore = carts.slice(0, Math.floor(cartCount / 2));

	const workflow = filterWorkflow({ options: { maxRememberedCarts: Math.max(entries, 1000) } });
	// Warm-up on empty memory: loads the node and n8n's code paths, as in an n8n that has been running
	await executeWorkflow(workflow, { items: generateCarts(1000, now, 7), staticData: {} });

	const heapBefore = heapAfterGc();
	// The filter keeps its memory in the workflow's global static data (getWorkflowStaticData('global'))
	const staticData: Record<string, Record<string, unknown>> = { global: {} };
	let memory: RememberedReminders | undefined = new RememberedReminders(staticData.global, MEMORY_NAME, { maxCarts: entries });
	const older = entries - remindedBefore.length;
	const fillStarted = process.hrtime.bigint();
	for (let i = 0; i < older; i++) memory.recordSent(`remembered-${i}`, `old${i}@example.com`, 1, 0, now - 30 * HOUR + i);
	for (const cart of remindedBefore) memory.recordSent(String(cart.id), String(cart.email), 1, 0, now - 2 * HOUR);
	const fillMs = Number(process.hrtime.bigint() - fillStarted) / 1e6;
	const remembered = memory.size;
	memory = undefined; // only the static data stays, as between executions
	const heapBytes = heapAfterGc() - heapBefore;

	let json = JSON.stringify(staticData);
	const jsonBytes = Buffer.byteLength(json);

	// Each run as n8n does it per execution: static data loaded from the database (JSON.parse), the workflow built
	// around it (n8n-workflow wraps it for change tracking), the run, and the static data saved when it changed.
	const runs: Array<{ ms: number; nodeMs: number; loadMs: number; saveMs: number; routed: number[]; hotspots?: Hotspot[] }> = [];
	for (let i = 0; i < runCount; i++) {
		const loadStarted = process.hrtime.bigint();
		const loaded = JSON.parse(json) as Record<string, unknown>;
		const loadMs = Number(process.hrtime.bigint() - loadStarted) / 1e6;
		const started = process.hrtime.bigint();
		const { result, hotspots } = await profiled(`memory-run-${i + 1}`, () =>
			executeWorkflow(workflow, { items: carts, staticData: loaded as never }),
		);
		const ms = Number(process.hrtime.bigint() - started) / 1e6;
		if (result.status !== 'success') throw new Error(`the filter run failed: ${String(result.data.resultData.error?.message)}`);
		const saveStarted = process.hrtime.bigint();
		json = JSON.stringify(loaded);
		const saveMs = Number(process.hrtime.bigint() - saveStarted) / 1e6;
		const task = result.data.resultData.runData['Abandoned Cart Filter'][0];
		runs.push({ ms, nodeMs: task.executionTime, loadMs, saveMs, routed: (task.data?.main ?? []).map((items) => items?.length ?? 0), hotspots });
	}
	report({
		entries,
		remembered,
		carts: cartCount,
		fillMs,
		heapBytes,
		heapBytesPerEntry: heapBytes / entries,
		jsonBytes,
		jsonBytesPerEntry: jsonBytes / entries,
		runs,
		peakRss: peakRss(),
	});
}

main().then(
	() => process.exit(0),
	(error: Error) => {
		process.stderr.write(`${error.stack ?? error.message}\n`);
		process.exit(1);
	},
);
