import {
	NodeConnectionTypes,
	type ICredentialsDecrypted,
	type ICredentialTestFunctions,
	type IExecuteFunctions,
	type INodeCredentialTestResult,
	type INodeExecutionData,
	type INodeProperties,
	type INodePropertyOptions,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { CONSTANT_CONTACT_CREDENTIAL, toNodeError } from '../ConstantContact/n8nAdapter';
import { testSecretStrength } from '../shared/secrets';
import { searchLists } from './listSearch';
import * as addContact from './operations/addContact';
import * as removeContact from './operations/removeContact';

interface Operation {
	operation: INodePropertyOptions;
	properties: INodeProperties[];
	execute: (this: IExecuteFunctions) => Promise<INodeExecutionData[]>;
}

/** Operation value -> its module; adding an operation is one file in operations/ and one entry here. */
const operations: Record<string, Operation> = { addContact, removeContact };

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
		credentials: [
			{ name: CONSTANT_CONTACT_CREDENTIAL, required: true },
			// Asked for only while Options → Signed Recovery Link is on; a literal name, as n8n's lint finds the testedBy by it.
			{
				name: 'cartLinkSecretApi',
				required: true,
				testedBy: 'cartLinkSecretStrength',
				displayOptions: { show: { operation: ['addContact'], 'options.signedRecoveryLink': [true] } },
			},
		],
		properties: [
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				default: 'addContact',
				options: Object.values(operations).map(({ operation }) => operation),
			},
			...addContact.properties,
			...removeContact.properties,
		],
	};

	methods = {
		listSearch: { searchLists },
		credentialTest: {
			async cartLinkSecretStrength(this: ICredentialTestFunctions, credential: ICredentialsDecrypted): Promise<INodeCredentialTestResult> {
				return await testSecretStrength(credential);
			},
		},
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const operation = this.getNodeParameter('operation', 0) as string;
		const { execute } = operations[operation] ?? addContact;
		try {
			return [await execute.call(this)];
		} catch (error) {
			// Item failures are n8n errors already; this catches what fails before any item (an API base URL that is no URL).
			throw toNodeError(this.getNode(), error as Error);
		}
	}
}
