import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { AbandonedCartFilter } from '../../../nodes/AbandonedCartFilter/AbandonedCartFilter.node';

/** n8n's database-backed deduplication store, as the node sees it: a list of recorded keys. */
export class FakeDeduplicationStore {
	readonly recorded = new Set<string>();

	helpers() {
		return {
			checkProcessedAndRecord: async (keys: Array<string | number>) => {
				const result = { new: [] as Array<string | number>, processed: [] as Array<string | number> };
				for (const key of keys) {
					if (this.recorded.has(String(key))) result.processed.push(key);
					else {
						result.new.push(key);
						this.recorded.add(String(key));
					}
				}
				return result;
			},
			removeProcessed: async (keys: Array<string | number>) => {
				for (const key of keys) this.recorded.delete(String(key));
			},
		};
	}
}

export interface FakeRun {
	items: IDataObject[];
	parameters?: IDataObject;
	/** The workflow's static data; pass the same object to later runs to model n8n saving it between executions. */
	staticData?: IDataObject;
	deduplication?: FakeDeduplicationStore;
	continueOnFail?: boolean;
}

const DEFAULTS: IDataObject = { operation: 'decide', memoryMode: 'n8n', steps: '1h', giveUpAfter: '7d' };

/** A small IExecuteFunctions: enough of n8n's execution context for the node's execute(). */
export function fakeContext(run: FakeRun): IExecuteFunctions {
	const parameters = { ...DEFAULTS, ...(run.parameters ?? {}) };
	const staticData = run.staticData ?? {};
	const items: INodeExecutionData[] = run.items.map((json) => ({ json }));
	const context = {
		getInputData: () => items,
		getNodeParameter: (name: string, itemIndex: number, fallback?: unknown) => {
			const value = parameters[name];
			if (name === 'forgetEmail' && value === undefined) return items[itemIndex].json.email ?? '';
			return value === undefined ? fallback : value;
		},
		getWorkflowStaticData: () => staticData,
		getNode: () => ({
			id: 'filter-node',
			name: 'Abandoned Cart Filter',
			type: 'n8n-nodes-constant-contact-abandoned-cart.abandonedCartFilter',
			typeVersion: 1,
			position: [0, 0],
			parameters: {},
		}),
		getMode: () => 'trigger',
		continueOnFail: () => run.continueOnFail ?? false,
		logger: { warn: () => undefined, info: () => undefined, debug: () => undefined, error: () => undefined },
		helpers: run.deduplication ? run.deduplication.helpers() : {},
	};
	return context as unknown as IExecuteFunctions;
}

export async function runFilter(run: FakeRun): Promise<INodeExecutionData[][]> {
	return await new AbandonedCartFilter().execute.call(fakeContext(run));
}

export interface Routed {
	send: IDataObject[];
	wait: IDataObject[];
	skip: IDataObject[];
	all: INodeExecutionData[][];
}

export async function decideCarts(run: FakeRun): Promise<Routed> {
	const all = await runFilter(run);
	return { send: all[0].map((i) => i.json), wait: all[1].map((i) => i.json), skip: all[2].map((i) => i.json), all };
}

export function decisionOf(json: IDataObject): IDataObject {
	return json.decision as IDataObject;
}
