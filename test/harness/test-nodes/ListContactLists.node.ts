import type {
	IDataObject,
	IExecuteFunctions,
	ILoadOptionsFunctions,
	INodeListSearchResult,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

/** Calls GET /contact_lists through n8n's authenticated request helper, the path the real nodes use. */
export class ListContactLists implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'List Contact Lists',
		name: 'listContactLists',
		group: ['transform'],
		version: 1,
		description: 'Reads the contact lists of the connected Constant Contact account',
		defaults: { name: 'List Contact Lists' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'constantContactOAuth2Api', required: true }],
		properties: [],
	};

	methods = {
		listSearch: {
			async searchLists(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
				const credential = await this.getCredentials('constantContactOAuth2Api');
				const response = (await this.helpers.httpRequestWithAuthentication.call(
					this,
					'constantContactOAuth2Api',
					{ method: 'GET', url: `${credential.apiBaseUrl as string}/contact_lists`, json: true },
				)) as { lists: Array<{ list_id: string; name: string }> };
				return {
					results: response.lists
						.filter((list) => !filter || list.name.toLowerCase().includes(filter.toLowerCase()))
						.map((list) => ({ name: list.name, value: list.list_id })),
				};
			},
		},
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const credential = await this.getCredentials('constantContactOAuth2Api');
		const output: INodeExecutionData[] = [];
		for (const [itemIndex] of this.getInputData().entries()) {
			const response = (await this.helpers.httpRequestWithAuthentication.call(
				this,
				'constantContactOAuth2Api',
				{ method: 'GET', url: `${credential.apiBaseUrl as string}/contact_lists`, json: true },
			)) as IDataObject;
			output.push({ json: response, pairedItem: { item: itemIndex } });
		}
		return [output];
	}
}
