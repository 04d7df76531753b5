/**
 * The option "Cart Items" of Add Contact to List: where each item keeps its cart's line items, total and currency,
 * turned with the item's reminder step into the cart content values (cartContents.ts). Plain TypeScript apart from the
 * description.
 */
import type { INodeProperties } from 'n8n-workflow';

import { compilePath, readPath, type CompiledPath } from '../shared/fieldPaths';
import { DEFAULT_LOCALE } from '../shared/locale';
import { MoneyError } from '../shared/money';
import { plainNumber } from '../shared/numbers';
import {
	cartContentFieldLabels,
	cartContentValues,
	CartContentsError,
	compileLineItemPaths,
	DEFAULT_ITEMS_SHOWN,
	DEFAULT_LINE_ITEM_KEYS,
	MAX_ITEMS_SHOWN,
	readLineItems,
	type LineItemPaths,
} from './cartContents';
import { InvalidInputError, InvalidParameterError } from './results';
import type { CartValue } from './shopper';

export const DEFAULT_ITEMS_FIELD = 'items';
export const DEFAULT_TOTAL_FIELD = 'total';
export const DEFAULT_CURRENCY_FIELD = 'currency';

// n8n's lint wants each default as a name or a literal; the values stay those of DEFAULT_LINE_ITEM_KEYS.
const { name: DEFAULT_NAME_KEY, quantity: DEFAULT_QUANTITY_KEY, price: DEFAULT_PRICE_KEY, imageUrl: DEFAULT_IMAGE_KEY } = DEFAULT_LINE_ITEM_KEYS;

/** The option as the editor stores it: `options.cartItems.settings`. */
export interface CartItemsParameters {
	itemsField?: string;
	itemsShown?: number;
	nameKey?: string;
	quantityKey?: string;
	priceKey?: string;
	imageKey?: string;
	totalField?: string;
	currencyField?: string;
	locale?: string;
}

export const cartItemsOption: INodeProperties = {
	displayName: 'Cart Items',
	name: 'cartItems',
	type: 'fixedCollection',
	placeholder: 'Add Cart Items',
	default: {},
	description: `Writes the cart's first items, a summary, the total and the reminder step to custom fields (${cartContentFieldLabels(DEFAULT_ITEMS_SHOWN).length} fields for ${DEFAULT_ITEMS_SHOWN} items), for the reminder email to show. Slots a shorter cart does not fill are emptied.`,
	options: [
		{
			displayName: 'Settings',
			name: 'settings',
			values: [
				{
					displayName: 'Currency Field',
					name: 'currencyField',
					type: 'string',
					default: DEFAULT_CURRENCY_FIELD,
					description: 'Field name of the cart\'s ISO 4217 currency code, such as EUR or USD',
				},
				{
					displayName: 'Item Image Key',
					name: 'imageKey',
					type: 'string',
					default: DEFAULT_IMAGE_KEY,
					description: 'Image URL; its host must be in Allowed Link Hosts when that option is set',
				},
				{
					displayName: 'Item Name Key',
					name: 'nameKey',
					type: 'string',
					default: DEFAULT_NAME_KEY,
				},
				{
					displayName: 'Item Price Key',
					name: 'priceKey',
					type: 'string',
					default: DEFAULT_PRICE_KEY,
					description: 'Unit price, in the cart\'s currency',
				},
				{
					displayName: 'Item Quantity Key',
					name: 'quantityKey',
					type: 'string',
					default: DEFAULT_QUANTITY_KEY,
				},
				{
					displayName: 'Items Shown',
					name: 'itemsShown',
					type: 'number',
					typeOptions: { minValue: 1, maxValue: MAX_ITEMS_SHOWN },
					default: DEFAULT_ITEMS_SHOWN,
					description: 'How many items get their own fields (ac_item1_… to ac_item3_…); the summary counts the rest',
				},
				{
					displayName: 'Line Items Field',
					name: 'itemsField',
					type: 'string',
					default: DEFAULT_ITEMS_FIELD,
					description: 'Field name (dot notation; alternatives separated by commas) of the list of line items, or its JSON text',
				},
				{
					displayName: 'Locale',
					name: 'locale',
					type: 'string',
					default: DEFAULT_LOCALE,
					placeholder: 'e.g. {{ $json.locale }}',
					description: 'The shopper\'s locale for prices and the total, e.g. de-DE writes 1.234,50 €',
				},
				{
					displayName: 'Total Field',
					name: 'totalField',
					type: 'string',
					default: DEFAULT_TOTAL_FIELD,
				},
			],
		},
	],
};

export interface CartItemsSettings {
	items: CompiledPath;
	keys: LineItemPaths;
	itemsShown: number;
	total: CompiledPath;
	currency: CompiledPath;
}

/** Throws InvalidParameterError naming the setting when a field name is not usable. */
export function cartItemsSettingsOf(parameters: CartItemsParameters): CartItemsSettings {
	const path = (text: string | undefined, fallback: string, what: string) => compilePath(text?.trim() || fallback, what);
	let problem: Error;
	try {
		return {
			items: path(parameters.itemsField, DEFAULT_ITEMS_FIELD, 'Cart Items → Line Items Field'),
			keys: compileLineItemPaths({
				name: parameters.nameKey,
				quantity: parameters.quantityKey,
				price: parameters.priceKey,
				imageUrl: parameters.imageKey,
			}),
			itemsShown: Math.min(Math.max(Math.trunc(Number(parameters.itemsShown ?? DEFAULT_ITEMS_SHOWN)) || DEFAULT_ITEMS_SHOWN, 1), MAX_ITEMS_SHOWN),
			total: path(parameters.totalField, DEFAULT_TOTAL_FIELD, 'Cart Items → Total Field'),
			currency: path(parameters.currencyField, DEFAULT_CURRENCY_FIELD, 'Cart Items → Currency Field'),
		};
	} catch (error) {
		problem = error as Error;
	}
	throw new InvalidParameterError(problem.message);
}

export interface CartItemValues {
	/** Values to write, empty ones left out. */
	values: CartValue[];
	/** Labels whose value is empty for this cart: a value the contact still holds there is stale and is emptied. */
	emptied: string[];
}

/** One item's cart content values for its reminder step; throws InvalidInputError (with the reason) when its cart cannot be read. */
export function cartItemValues(json: unknown, settings: CartItemsSettings, locale: unknown, step: number): CartItemValues {
	let problem: unknown;
	try {
		const values = cartContentValues({
			items: readLineItems(readPath(json, settings.items), settings.keys),
			itemsShown: settings.itemsShown,
			total: plainNumber(readPath(json, settings.total)),
			currency: String(readPath(json, settings.currency) ?? ''),
			locale: typeof locale === 'string' ? locale : '',
			step,
		});
		return {
			values: values.filter((entry) => entry.value !== ''),
			emptied: values.filter((entry) => entry.value === '').map((entry) => entry.label),
		};
	} catch (error) {
		problem = error;
	}
	throw unreadableCart(problem, settings);
}

/** Why the cart's contents cannot be written, as the item's reason and sentence. */
function unreadableCart(problem: unknown, settings: CartItemsSettings): Error {
	if (problem instanceof MoneyError) {
		return new InvalidInputError(`The cart's currency at "${settings.currency.label}": ${problem.message}`, 'invalid-currency');
	}
	if (problem instanceof CartContentsError) return new InvalidInputError(problem.message, 'invalid-line-items');
	return problem as Error;
}

/** Cart Details entries plus the cart content values; a Cart Details entry with the label of a cart content field gives way. */
export function withCartContents<Entry extends { label: unknown }>(cartFields: Entry[], contents: CartItemValues): Array<Entry | CartValue> {
	const own = new Set([...contents.values.map((entry) => entry.label), ...contents.emptied]);
	return [...cartFields.filter((field) => !own.has(String(field.label ?? '').trim())), ...contents.values];
}
