import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

/**
 * Starts a harness workflow with the items the test hands to runWorkflow ("these cart rows").
 * Production triggers work the same way: n8n puts the emitted items on the trigger's input and the
 * trigger passes them on, so downstream nodes see ordinary items with pairedItem.
 */
export class TestItemsTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Test Items Trigger',
		name: 'testItemsTrigger',
		group: ['trigger'],
		version: 1,
		description: 'Emits the items given to the test harness',
		defaults: { name: 'Test Items Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		properties: [],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return [this.getInputData().map((item, index) => ({ json: item.json, pairedItem: { item: index } }))];
	}
}
