import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { properties } from './description';
import { runDecide, runForget, runMarkSent } from './run';

const DECIDE_OUTPUTS_OR_ONE = `={{ $parameter["operation"] === "markSent" || $parameter["operation"] === "forget" ? ["main"] : [{ "type": "main", "displayName": "Send Reminder" }, { "type": "main", "displayName": "Wait" }, { "type": "main", "displayName": "Skip" }] }}` as const;

export class AbandonedCartFilter implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Abandoned Cart Filter',
		name: 'abandonedCartFilter',
		icon: { light: 'file:abandonedCartFilter.svg', dark: 'file:abandonedCartFilter.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{ {"decide": "Decide", "markSent": "Mark Reminders Sent", "forget": "Forget Shopper"}[$parameter["operation"]] }}',
		description: 'Decide for each cart whether a reminder is due now, later or never, and say why',
		defaults: { name: 'Abandoned Cart Filter' },
		inputs: [NodeConnectionTypes.Main],
		// Decide routes to three outputs; Mark Reminders Sent and Forget Shopper pass every item on through one.
		outputs: DECIDE_OUTPUTS_OR_ONE,
		usableAsTool: true,
		properties,
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const operation = this.getNodeParameter('operation', 0, 'decide') as string;
		if (operation === 'markSent') return await runMarkSent(this);
		if (operation === 'forget') return await runForget(this);
		return await runDecide(this);
	}
}
