/**
 * Runs the Abandoned Cart Filter the one way the tests run nodes: in a workflow on n8n's own engine (test/harness),
 * started by the harness's trigger with the given rows.
 */
import { randomUUID } from 'node:crypto';

import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { runWorkflow, type WorkflowJson } from '../../harness';
import { iso } from '../../support/carts';
import { deduplicator } from '../../harness/engine';

export const FILTER_TYPE = 'n8n-nodes-constant-contact-abandoned-cart.abandonedCartFilter';
const FILTER_NAME = 'Abandoned Cart Filter';

/**
 * n8n's deduplication table of one workflow. Runs given the same table are executions of one workflow and share it;
 * a run without one gets a workflow of its own, so nothing recorded there reaches another run.
 */
export class DeduplicationTable {
	readonly workflowId = `filter-${randomUUID()}`;

	/** The reminder keys n8n's store holds for this workflow. */
	get recorded(): Set<string> {
		// The harness keeps the store in memory; its entries are read here the way n8n's table would be queried
		const memories = (deduplicator as unknown as { memories: Map<string, { entries: string[] }> }).memories;
		return new Set(memories.get(`${this.workflowId}:workflow`)?.entries ?? []);
	}
}

export interface FilterRun {
	items: IDataObject[];
	parameters?: IDataObject;
	/** The workflow's global static data; pass the same object to later runs: n8n saves it between executions. */
	staticData?: IDataObject;
	deduplication?: DeduplicationTable;
	continueOnFail?: boolean;
	/** n8n's On Error setting; `continueOnFail` is its 'continueRegularOutput'. */
	onError?: 'continueRegularOutput' | 'continueErrorOutput';
	/** The workflow's Timezone setting (n8n's default when absent). */
	timezone?: string;
}

function filterWorkflow(run: FilterRun): WorkflowJson {
	return {
		id: (run.deduplication ?? new DeduplicationTable()).workflowId,
		name: 'Abandoned Cart Filter under test',
		nodes: [
			{ parameters: {}, id: 'trigger', name: 'Cart Rows', type: 'harness.testItemsTrigger', typeVersion: 1, position: [0, 0] },
			{
				parameters: { operation: 'decide', ...(run.parameters ?? {}) },
				id: 'filter',
				name: FILTER_NAME,
				type: FILTER_TYPE,
				typeVersion: 1,
				position: [220, 0],
				...(run.continueOnFail ? { onError: 'continueRegularOutput' } : {}),
				...(run.onError ? { onError: run.onError } : {}),
			},
		],
		connections: { 'Cart Rows': { main: [[{ node: FILTER_NAME, type: 'main', index: 0 }]] } },
		settings: { executionOrder: 'v1', ...(run.timezone ? { timezone: run.timezone } : {}) },
	};
}

/** The filter's outputs; a failed run rejects with the error the node threw. */
export async function runFilter(run: FilterRun): Promise<INodeExecutionData[][]> {
	const staticData = run.staticData;
	const result = await runWorkflow(filterWorkflow(run), { items: run.items, staticData: { global: staticData ?? {} } });
	if (result.status !== 'success') {
		// n8n keeps a plain copy of the node's error: rethrown as an Error with its class name and the node's name
		const failure = result.run.data.resultData.error;
		const context = (failure as { context?: IDataObject } | undefined)?.context;
		throw Object.assign(new Error(result.error?.message), { name: failure?.name ?? 'Error', node: result.error?.node, context });
	}
	if (staticData) {
		for (const key of Object.keys(staticData)) delete staticData[key];
		Object.assign(staticData, result.staticData.global);
	}
	return result.itemsOf(FILTER_NAME);
}

export interface Routed {
	send: IDataObject[];
	wait: IDataObject[];
	skip: IDataObject[];
	all: INodeExecutionData[][];
}

export async function decideCarts(run: FilterRun): Promise<Routed> {
	const all = await runFilter(run);
	return { send: all[0].map((i) => i.json), wait: all[1].map((i) => i.json), skip: all[2].map((i) => i.json), all };
}

export function decisionOf(json: IDataObject): IDataObject {
	return json.decision as IDataObject;
}

/** Decide as at `at` (Evaluate At), on the workflow whose static data is `staticData`. */
export const decideAt = (at: number, items: IDataObject[], staticData: IDataObject, parameters: IDataObject = {}, deduplication?: DeduplicationTable) =>
	decideCarts({
		items,
		staticData,
		deduplication,
		parameters: { ...parameters, options: { evaluateAt: iso(at), ...((parameters.options as IDataObject) ?? {}) } },
	});

/** What Add to Autoresponder List hands on: the filter's item plus its own status. */
export const added = (items: IDataObject[], status: string) => items.map((json) => ({ ...json, status }));

/** Mark Reminders Sent as at `at` (Record At); each item's `reminder`. */
export async function markSent(at: number, items: IDataObject[], staticData: IDataObject, deduplication?: DeduplicationTable, parameters: IDataObject = {}) {
	const [out] = await runFilter({
		items,
		staticData,
		deduplication,
		parameters: { operation: 'markSent', recordAt: iso(at), ...parameters },
	});
	return out.map((item) => item.json.reminder as IDataObject);
}

/** Record Order on the workflow whose static data is `staticData`; each order item as it leaves (with `recovery`). */
export async function recordOrders(orders: IDataObject[], staticData: IDataObject, parameters: IDataObject = {}) {
	const [out] = await runFilter({ items: orders, staticData, parameters: { operation: 'recordOrder', ...parameters } });
	return out;
}

/** Mark Reminders Sent with "My Data Source Tracks It". */
export const markDataSource = (at: number, items: IDataObject[], staticData: IDataObject, deduplication?: DeduplicationTable) =>
	markSent(at, items, staticData, deduplication, { memoryMode: 'dataSource' });
