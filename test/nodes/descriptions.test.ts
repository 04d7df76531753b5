/**
 * What the editor shows, read from the node and credential descriptions as n8n loads them: hints and placeholders
 * show expressions that work ($json, never $JSON), and every Field Names entry takes a field's name from
 * drag-and-drop (requiresDataPath), so dragging a field from the input panel maps it instead of its value.
 */
import type { INodeProperties } from 'n8n-workflow';

import { ConstantContactOAuth2Api } from '../../credentials/ConstantContactOAuth2Api.credentials';
import { ShopWebhookSecretApi } from '../../credentials/ShopWebhookSecretApi.credentials';
import { AbandonedCartFilter } from '../../nodes/AbandonedCartFilter/AbandonedCartFilter.node';
import { AddToAutoresponderList } from '../../nodes/AddToAutoresponderList/AddToAutoresponderList.node';
import { VerifyShopWebhook } from '../../nodes/VerifyShopWebhook/VerifyShopWebhook.node';

const descriptions = {
	AbandonedCartFilter: new AbandonedCartFilter().description,
	AddToAutoresponderList: new AddToAutoresponderList().description,
	VerifyShopWebhook: new VerifyShopWebhook().description,
	ConstantContactOAuth2Api: { properties: new ConstantContactOAuth2Api().properties },
	ShopWebhookSecretApi: { properties: new ShopWebhookSecretApi().properties },
};

/** Every property, nested collections and fixed collections included, with where it sits. */
function* everyProperty(properties: INodeProperties[], at: string): Generator<[string, INodeProperties]> {
	for (const property of properties) {
		const here = `${at} → ${property.displayName}`;
		yield [here, property];
		for (const option of (property.options ?? []) as Array<INodeProperties | { values?: INodeProperties[] }>) {
			if ('type' in option && typeof option.type === 'string') yield* everyProperty([option as INodeProperties], here);
			else if ('values' in option && Array.isArray(option.values)) yield* everyProperty(option.values, here);
		}
	}
}

describe('the descriptions the editor shows', () => {
	it('show only expressions that work: $json, never $JSON', () => {
		const wrong = Object.entries(descriptions).flatMap(([name, description]) =>
			[...everyProperty(description.properties, name)]
				.filter(([, property]) => /\$JSON\b/.test(JSON.stringify([property.description, property.hint, property.placeholder])))
				.map(([where]) => where),
		);
		expect(wrong).toEqual([]);
	});

	it('let every Abandoned Cart Filter Field Names entry take a field name by drag-and-drop', () => {
		const fieldNames = descriptions.AbandonedCartFilter.properties.find((property) => property.name === 'fields')!;
		const entries = fieldNames.options as INodeProperties[];
		expect(entries.length).toBeGreaterThanOrEqual(13);
		expect(entries.filter((entry) => !entry.typeOptions?.requiresDataPath).map((entry) => entry.displayName)).toEqual([]);
	});
});
