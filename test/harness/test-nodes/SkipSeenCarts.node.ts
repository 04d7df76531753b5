import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

/** Passes on only carts whose id n8n's deduplication helper has not recorded before. */
export class SkipSeenCarts implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Skip Seen Carts',
		name: 'skipSeenCarts',
		group: ['transform'],
		version: 1,
		description: 'Drops items whose cart id was processed in an earlier run',
		defaults: { name: 'Skip Seen Carts' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		properties: [],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const cartIds = items.map((item) => String(item.json.id));
		const { new: unseen } = await this.helpers.checkProcessedAndRecord(cartIds, 'node', {
			mode: 'entries',
			maxEntries: 1000,
		});
		const unseenIds = new Set(unseen.map(String));
		return [
			items
				.map((item, itemIndex) => ({ json: item.json, pairedItem: { item: itemIndex } }))
				.filter((item) => unseenIds.has(String(item.json.id))),
		];
	}
}
