import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { CONSTANT_CONTACT_CREDENTIAL, toNodeError } from '../ConstantContact/n8nAdapter';
import { addContactProperties } from './descriptions/addContact';
import { removeContactProperties } from './descriptions/removeContact';
import { searchLists } from './listSearch';
import { addContact } from './operations/addContact';
import { removeContact } from './operations/removeContact';

export class AddToAutoresponderList implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Add to Autoresponder List',
		name: 'addToAutoresponderList',
		icon: { light: 'file:addToAutoresponderList.svg', dark: 'file:addToAutoresponderList.dark.svg' },
		group: ['output'],
		version: 1,
		subtitle: '={{ $parameter["operation"] === "removeContact" ? "Remove from list" : "Add to list" }}',
		description:
			'Put abandoned-cart shoppers on a Constant Contact list whose automation sends the reminder, safely and in bulk',
		defaults: { name: 'Add to Autoresponder List' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: CONSTANT_CONTACT_CREDENTIAL, required: true }],
		properties: [
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				default: 'addContact',
				options: [
					{
						name: 'Add Contact to List',
						value: 'addContact',
						action: 'Add a contact to a list',
						description: 'Create or update the shopper with the cart details and put them on the list',
					},
					{
						name: 'Remove Contact From List',
						value: 'removeContact',
						action: 'Remove a contact from a list',
						description: 'The shopper bought: take them off the list so the reminders stop',
					},
				],
			},
			...addContactProperties,
			...removeContactProperties,
		],
	};

	methods = { listSearch: { searchLists } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const operation = this.getNodeParameter('operation', 0) as string;
		try {
			return [operation === 'removeContact' ? await removeContact.call(this) : await addContact.call(this)];
		} catch (error) {
			// Item failures are n8n errors already; this catches what fails before any item (an API base URL that is no URL).
			throw toNodeError(this.getNode(), error as Error);
		}
	}
}
