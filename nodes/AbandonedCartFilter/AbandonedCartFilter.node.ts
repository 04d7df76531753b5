import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { memoryProperties, operationProperty } from './description';
import * as decideCarts from './operations/decideCarts';
import * as forget from './operations/forget';
import * as markSent from './operations/markSent';
import * as recordOrder from './operations/recordOrder';
import * as recoveryReport from './operations/recoveryReport';

/** One entry per value of the Operation parameter. */
const operations = { decide: decideCarts, markSent, forget, recordOrder, recoveryReport };
type Operation = keyof typeof operations;

const DECIDE_OUTPUTS_OR_ONE = `={{ ["markSent", "forget", "recordOrder", "recoveryReport"].includes($parameter["operation"]) ? ["main"] : [{ "type": "main", "displayName": "Send Reminder" }, { "type": "main", "displayName": "Wait" }, { "type": "main", "displayName": "Skip" }] }}` as const;

export class AbandonedCartFilter implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Abandoned Cart Filter',
		name: 'abandonedCartFilter',
		icon: { light: 'file:abandonedCartFilter.svg', dark: 'file:abandonedCartFilter.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{ {"decide": "Decide", "markSent": "Mark Reminders Sent", "forget": "Forget Shopper", "recordOrder": "Record Order", "recoveryReport": "Recovery Report"}[$parameter["operation"]] }}',
		description: 'Decide for each cart whether a reminder is due now, later or never, and say why',
		defaults: { name: 'Abandoned Cart Filter' },
		inputs: [NodeConnectionTypes.Main],
		// Decide routes to three outputs; the other operations send their items through one.
		outputs: DECIDE_OUTPUTS_OR_ONE,
		usableAsTool: true,
		properties: [
			operationProperty,
			...memoryProperties,
			...decideCarts.properties,
			...markSent.properties,
			...forget.properties,
			...recordOrder.properties,
			...recoveryReport.properties,
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const operation = this.getNodeParameter('operation', 0, 'decide') as string;
		const run = Object.hasOwn(operations, operation) ? operations[operation as Operation] : operations.decide;
		return await run.execute.call(this);
	}
}
