/**
 * One measured run of one filter variant, in its own process (so its peak memory is its own):
 *   filter-child.ts <filter|stock> <carts>
 * Generates the carts, warms the engine up on a small batch, then times one execution of `<carts>` items
 * through WorkflowExecute and reports items/s, the node's own time and peak memory.
 */
import { generateCarts } from '../carts';
import { filterWorkflow, stockWorkflow } from '../workflows';
import { executeWorkflow, startTaskRunner, stopTaskRunner, taskRunnerPid } from './engine';
import { peakRss, report } from './measure';
import { profiled } from './profile';

const WARM_UP_CARTS = 2_000;

async function main(): Promise<void> {
	const [variant, countText] = process.argv.slice(2);
	const count = Number(countText);
	if (!['filter', 'stock'].includes(variant) || !Number.isInteger(count)) throw new Error('usage: filter-child.ts <filter|stock> <carts>');
	const workflow = variant === 'filter' ? filterWorkflow() : stockWorkflow();
	if (variant === 'stock') await startTaskRunner();
	try {
		const now = Date.now();
		await run(workflow, generateCarts(Math.min(WARM_UP_CARTS, count), now, 7));
		const carts = generateCarts(count, now);
		const rssBefore = process.memoryUsage().rss;
		const started = process.hrtime.bigint();
		const { result: execution, hotspots } = await profiled(`${variant}-${count}`, () => run(workflow, carts));
		const ms = Number(process.hrtime.bigint() - started) / 1e6;
		report({
			variant,
			carts: count,
			ms,
			itemsPerSecond: count / (ms / 1000),
			nodeMs: execution.nodeMs,
			routed: execution.routed,
			rssBeforeRun: rssBefore,
			peakRss: peakRss(),
			runnerPeakRss: variant === 'stock' ? peakRss(taskRunnerPid() ?? -1) : undefined,
			hotspots,
		});
	} finally {
		await stopTaskRunner();
	}
}

async function run(workflow: ReturnType<typeof filterWorkflow>, carts: object[]) {
	const result = await executeWorkflow(workflow, { items: carts as never });
	const runData = result.data.resultData.runData;
	if (result.status !== 'success') {
		throw new Error(`the ${workflow.nodes[1].name} workflow failed: ${String(result.data.resultData.error?.message)}`);
	}
	const nodeMs: Record<string, number> = {};
	const routed: Record<string, number[]> = {};
	for (const node of workflow.nodes.slice(1)) {
		const task = runData[node.name as string]?.[0];
		nodeMs[node.name as string] = task?.executionTime ?? 0;
		routed[node.name as string] = (task?.data?.main ?? []).map((items) => items?.length ?? 0);
	}
	return { nodeMs, routed };
}

main().then(
	() => process.exit(0),
	(error: Error) => {
		process.stderr.write(`${error.stack ?? error.message}\n`);
		process.exit(1);
	},
);
