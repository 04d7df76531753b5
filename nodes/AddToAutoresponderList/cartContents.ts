/**
 * The cart's contents as Constant Contact custom fields, for the reminder email to show: the first few line items
 * (name, quantity, price, image), a one-line summary, the total in the shopper's currency and locale, and which
 * reminder of the sequence this is. A fixed, small set: an account has at most 100 custom fields, and an update
 * (PUT) carries at most 25 values per contact and erases any it leaves out, so all of a contact's values must fit.
 * Plain TypeScript: no n8n here.
 */
import { MAX_CUSTOM_FIELD_VALUE_LENGTH } from '../ConstantContact/limits';
import { compilePath, readPath, type CompiledPath } from '../shared/fieldPaths';
import { formatMoney } from '../shared/money';
import { plainNumber } from '../shared/numbers';
import type { CartValue } from './shopper';
import { truncateText, valueToText } from './shopper';

export const DEFAULT_ITEMS_SHOWN = 3;
/**
 * 3 items x 4 fields + summary, total and step: 15 values, which leaves room within the 25 a contact update carries
 * for the recovery link, a coupon, the re-entry time and a few fields of the shop's own.
 */
export const MAX_ITEMS_SHOWN = 3;

/** Paths inside each line item, with the filter's path rules: dots go deeper, commas list alternatives. */
export interface LineItemKeys {
	name: string;
	quantity: string;
	price: string;
	imageUrl: string;
}

export const DEFAULT_LINE_ITEM_KEYS: LineItemKeys = {
	name: 'name, title, product_name',
	quantity: 'quantity, qty',
	price: 'price, unit_price',
	imageUrl: 'image_url, image',
};

export interface LineItem {
	name: string;
	quantity: number;
	/** Unit price in the cart's currency, or null when the item has none. */
	price: number | null;
	imageUrl: string;
}

/** Field labels, by the slot (1-based) they hold; `itemFieldLabels(1)` are the first item's. */
export const ITEMS_SUMMARY_FIELD = 'ac_items_summary';
export const CART_TOTAL_FIELD = 'ac_cart_total';
export const STEP_FIELD = 'ac_step';
const ITEM_FIELD_SUFFIXES = ['name', 'qty', 'price', 'image'] as const;

export function itemFieldLabels(slot: number): string[] {
	return ITEM_FIELD_SUFFIXES.map((suffix) => `ac_item${slot}_${suffix}`);
}

/** Every label the node may write for `itemsShown` items: the budget it takes of the account's 100 fields. */
export function cartContentFieldLabels(itemsShown: number): string[] {
	const labels: string[] = [];
	for (let slot = 1; slot <= itemsShown; slot++) labels.push(...itemFieldLabels(slot));
	return [...labels, ITEMS_SUMMARY_FIELD, CART_TOTAL_FIELD, STEP_FIELD];
}

/** A line-items value the node cannot read: the item is reported with this sentence, nothing is written. */
export class CartContentsError extends Error {}

export type LineItemPaths = Record<keyof LineItemKeys, CompiledPath>;

/** Throws (with a sentence) on a key no line item could have; an empty key takes the default. */
export function compileLineItemPaths(keys: Partial<LineItemKeys> = {}): LineItemPaths {
	return Object.fromEntries(
		(Object.keys(DEFAULT_LINE_ITEM_KEYS) as Array<keyof LineItemKeys>).map((key) => [
			key,
			compilePath(keys[key]?.trim() || DEFAULT_LINE_ITEM_KEYS[key], `the line items' ${key}`),
		]),
	) as LineItemPaths;
}

const DEFAULT_LINE_ITEM_PATHS = compileLineItemPaths();

/** Line items as shops send them: an array of objects, or the same as JSON text (a database's json column). */
export function readLineItems(value: unknown, paths: LineItemPaths = DEFAULT_LINE_ITEM_PATHS): LineItem[] {
	let list = value;
	if (list === undefined || list === null || list === '') return [];
	if (typeof list === 'string') {
		try {
			list = JSON.parse(list) as unknown;
		} catch {
			list = undefined;
		}
	}
	if (!Array.isArray(list)) {
		throw new CartContentsError(`The cart's line items must be a list of items (or its JSON text); got ${typeof value === 'string' ? `"${value.slice(0, 40)}"` : typeof value}.`);
	}
	return list
		.filter((entry): entry is Record<string, unknown> => entry !== null && typeof entry === 'object' && !Array.isArray(entry))
		.map((entry) => {
			const text = (key: keyof LineItemKeys) => (valueToText(readPath(entry, paths[key])) ?? '').trim();
			const quantity = plainNumber(readPath(entry, paths.quantity));
			return {
				name: text('name'),
				quantity: quantity !== null && Number.isInteger(quantity) && quantity > 0 ? quantity : 1,
				price: plainNumber(readPath(entry, paths.price)),
				imageUrl: text('imageUrl'),
			};
		})
		.filter((item) => item.name !== '');
}

/** Cuts at the last whole word that fits with the ellipsis; a single word too long is cut at a character. */
export function cutAtWord(text: string, maxLength: number): string {
	if (text.length <= maxLength) return text;
	const room = truncateText(text, maxLength - 1);
	const lastSpace = room.lastIndexOf(' ');
	return `${(lastSpace > 0 ? room.slice(0, lastSpace) : room).replace(/[\s,;:]+$/, '')}…`;
}

function entry(item: LineItem): string {
	return item.quantity > 1 ? `${item.quantity} × ${item.name}` : item.name;
}

/**
 * "2 × Blue Mug, Tea Towel and 2 more": at most `itemsNamed` items, then how many more; never longer than
 * `maxLength`. When the names do not fit, fewer are named and the rest counted; the first is cut at a word if alone
 * it is too long.
 */
export function itemsSummary(items: LineItem[], itemsNamed: number, maxLength = MAX_CUSTOM_FIELD_VALUE_LENGTH): string {
	if (items.length === 0) return '';
	for (let named = Math.min(Math.max(itemsNamed, 1), items.length); named >= 1; named--) {
		const names = items.slice(0, named).map(entry);
		const more = items.length - named;
		const text =
			more > 0
				? `${names.join(', ')} and ${more} more`
				: names.length === 1
					? names[0]
					: `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
		if (text.length <= maxLength) return text;
	}
	const more = items.length - 1;
	const tail = more > 0 ? ` and ${more} more` : '';
	return `${cutAtWord(entry(items[0]), maxLength - tail.length)}${tail}`;
}

export interface CartContentsInput {
	items: LineItem[];
	itemsShown: number;
	total: number | null;
	currency: string;
	locale: string;
	/** Which reminder of the sequence this is (1 for the first). */
	step: number;
}

/**
 * The values to write. Every slot up to `itemsShown` is written, empty when the cart has fewer items, so a
 * shorter cart never shows the items of the shopper's previous one.
 */
export function cartContentValues({ items, itemsShown, total, currency, locale, step }: CartContentsInput): CartValue[] {
	const shown = Math.min(Math.max(Math.trunc(itemsShown), 0), MAX_ITEMS_SHOWN);
	const values: CartValue[] = [];
	const money = (amount: number | null) => (amount === null ? '' : formatMoney(amount, currency, locale));
	for (let slot = 1; slot <= shown; slot++) {
		const item = items[slot - 1];
		const [name, qty, price, image] = itemFieldLabels(slot);
		values.push(
			{ label: name, value: item ? cutAtWord(item.name, MAX_CUSTOM_FIELD_VALUE_LENGTH) : '' },
			{ label: qty, value: item ? String(item.quantity) : '' },
			{ label: price, value: item ? money(item.price) : '' },
			{ label: image, value: item?.imageUrl ?? '' },
		);
	}
	values.push(
		{ label: ITEMS_SUMMARY_FIELD, value: itemsSummary(items, Math.max(shown, 1)) },
		{ label: CART_TOTAL_FIELD, value: money(total) },
		{ label: STEP_FIELD, value: String(step) },
	);
	return values;
}
