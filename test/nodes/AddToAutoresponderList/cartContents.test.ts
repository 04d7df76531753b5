/** The cart's contents as custom fields: line items read as shops send them, the summary within 255 characters. */
import {
	cartContentFieldLabels,
	cartContentValues,
	CartContentsError,
	compileLineItemPaths,
	cutAtWord,
	itemsSummary,
	readLineItems,
	type LineItem,
} from '../../../nodes/AddToAutoresponderList/cartContents';

const item = (name: string, quantity = 1, price: number | null = 10): LineItem => ({ name, quantity, price, imageUrl: '' });
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
/** Intl separates amount and symbol with a no-break space; the tests read it as a space. */
const plain = (text: string) => text.replace(/[\u00a0\u202f]/g, ' ');

describe('readLineItems', () => {
	const shopItems = [
		{ name: 'Blue Mug', quantity: 2, price: '12.50', image_url: 'https://cdn.example.com/mug.jpg', product_url: 'https://shop.example.com/p/mug' },
		{ title: 'Tea Towel', qty: '1', unit_price: 7, image: 'https://cdn.example.com/towel.jpg' },
	];

	it('reads the usual keys and their alternatives, from a list or from its JSON text', () => {
		const expected = [
			{ name: 'Blue Mug', quantity: 2, price: 12.5, imageUrl: 'https://cdn.example.com/mug.jpg' },
			{ name: 'Tea Towel', quantity: 1, price: 7, imageUrl: 'https://cdn.example.com/towel.jpg' },
		];
		expect(readLineItems(shopItems)).toEqual(expected);
		expect(readLineItems(JSON.stringify(shopItems))).toEqual(expected);
	});

	it('follows configured keys with dots into nested objects', () => {
		const paths = compileLineItemPaths({ name: 'product.title', price: 'amount.value', imageUrl: 'product.images.0' });
		expect(readLineItems([{ product: { title: 'Scarf', images: ['https://cdn.example.com/s.jpg'] }, amount: { value: 30 } }], paths)).toEqual([
			{ name: 'Scarf', quantity: 1, price: 30, imageUrl: 'https://cdn.example.com/s.jpg' },
		]);
	});

	it('leaves out entries without a name and counts a missing or odd quantity as one', () => {
		expect(readLineItems([{ price: 3 }, null, 'mug', { name: 'Cup', quantity: -2 }, { name: 'Jug', quantity: 1.5 }]).map((i) => [i.name, i.quantity])).toEqual([
			['Cup', 1],
			['Jug', 1],
		]);
	});

	it('reads no items from an empty value and refuses a value that is not a list', () => {
		expect(readLineItems(undefined)).toEqual([]);
		expect(readLineItems('')).toEqual([]);
		expect(() => readLineItems('2 mugs')).toThrow(CartContentsError);
		expect(() => readLineItems({ name: 'Mug' })).toThrow('must be a list of items');
	});

	it('refuses a key no item could have', () => {
		expect(() => compileLineItemPaths({ name: 'product..title' })).toThrow('is not usable');
	});
});

describe('itemsSummary', () => {
	it('names the first items with their quantity, then how many more', () => {
		expect(itemsSummary([item('Blue Mug', 2), item('Tea Towel'), item('Scarf'), item('Jug')], 2)).toBe('2 × Blue Mug, Tea Towel and 2 more');
	});

	it('names every item when they are few enough', () => {
		expect(itemsSummary([item('Blue Mug', 2), item('Tea Towel'), item('Scarf')], 3)).toBe('2 × Blue Mug, Tea Towel and Scarf');
		expect(itemsSummary([item('Blue Mug')], 3)).toBe('Blue Mug');
		expect(itemsSummary([], 3)).toBe('');
	});

	it('names fewer items rather than pass 255 characters', () => {
		const long = (n: number) => item(`${'Handmade stoneware '.repeat(5)}mug number ${n}`);
		const summary = itemsSummary([long(1), long(2), long(3), long(4)], 3);
		expect(summary.length).toBeLessThanOrEqual(255);
		expect(summary).toMatch(/mug number 1, .*mug number 2 and 2 more$/);
	});

	it('cuts a single name that is too long at a word, and never splits a multi-byte character', () => {
		const name = 'Sehr schöne Kaffeetasse 🫖☕ mit Untertasse '.repeat(12);
		const summary = itemsSummary([item(name), item('Löffel')], 3);
		expect(summary.length).toBeLessThanOrEqual(255);
		expect(summary).toMatch(/\S… and 1 more$/);
		expect(summary).not.toMatch(LONE_SURROGATE);
		const emojis = itemsSummary([item('🛒'.repeat(200))], 1);
		expect(emojis.length).toBeLessThanOrEqual(255);
		expect(emojis).not.toMatch(LONE_SURROGATE);
	});

	it('cutAtWord leaves text that fits alone', () => {
		expect(cutAtWord('Tea Towel', 9)).toBe('Tea Towel');
		expect(cutAtWord('Tea Towel, linen', 12)).toBe('Tea Towel…');
	});
});

describe('cartContentValues', () => {
	const values = (items: LineItem[], itemsShown = 3) =>
		Object.fromEntries(cartContentValues({ items, itemsShown, total: 32, currency: 'EUR', locale: 'de-DE', step: 2 }).map((v) => [v.label, plain(v.value)]));

	it('writes each shown item, the summary, the total in the shopper\'s money and the step', () => {
		const written = values([{ name: 'Blue Mug', quantity: 2, price: 12.5, imageUrl: 'https://cdn.example.com/mug.jpg' }, item('Tea Towel', 1, 7)]);
		expect(written).toMatchObject({
			ac_item1_name: 'Blue Mug',
			ac_item1_qty: '2',
			ac_item1_price: '12,50 €',
			ac_item1_image: 'https://cdn.example.com/mug.jpg',
			ac_item2_name: 'Tea Towel',
			ac_item2_price: '7,00 €',
			ac_items_summary: '2 × Blue Mug and Tea Towel',
			ac_cart_total: '32,00 €',
			ac_step: '2',
		});
	});

	it('empties the slots a shorter cart does not fill, so the previous cart\'s items never show', () => {
		const written = values([item('Tea Towel')]);
		for (const label of ['ac_item2_name', 'ac_item2_qty', 'ac_item2_price', 'ac_item2_image', 'ac_item3_name', 'ac_item3_image']) {
			expect(written[label]).toBe('');
		}
		expect(Object.keys(written).sort()).toEqual(cartContentFieldLabels(3).sort());
	});

	it('keeps within the field budget: at most 3 items, 15 fields', () => {
		expect(cartContentFieldLabels(3)).toHaveLength(15);
		expect(cartContentValues({ items: [], itemsShown: 50, total: null, currency: 'USD', locale: 'en-US', step: 1 })).toHaveLength(15);
		expect(values([], 0)).toEqual({ ac_items_summary: '', ac_cart_total: '32,00 €', ac_step: '2' });
	});

	it('keeps every value within 255 characters', () => {
		const written = cartContentValues({ items: [item('x'.repeat(400))], itemsShown: 1, total: 1, currency: 'USD', locale: 'en-US', step: 1 });
		for (const { value } of written) expect(value.length).toBeLessThanOrEqual(255);
	});
});
