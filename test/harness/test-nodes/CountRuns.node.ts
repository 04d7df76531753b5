import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

/** Counts its executions in workflow static data, the memory n8n keeps between production runs. */
export class CountRuns implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Count Runs',
		name: 'countRuns',
		group: ['transform'],
		version: 1,
		description: 'Adds one to a counter in the workflow static data and outputs it',
		defaults: { name: 'Count Runs' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		properties: [],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const memory = this.getWorkflowStaticData('global');
		memory.runs = ((memory.runs as number | undefined) ?? 0) + 1;
		return [
			this.getInputData().map((item, itemIndex) => ({
				json: { ...item.json, runs: memory.runs },
				pairedItem: { item: itemIndex },
			})),
		];
	}
}
