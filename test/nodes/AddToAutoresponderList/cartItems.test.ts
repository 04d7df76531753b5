/**
 * Cart Items on Add Contact to List: the cart's first items, a summary, the total and the step land on the contact
 * within Constant Contact's limits (255 characters a value, 25 values a write), a shorter cart empties the slots of a
 * longer one on both write paths (the stand-in's import ignores empty values), and the merchant's own fields survive.
 */
import type { IDataObject } from 'n8n-workflow';

import { cartContentFieldLabels } from '../../../nodes/AddToAutoresponderList/cartContents';
import type { FakeConstantContact } from '../../fake-constant-contact';
import { shopperCart } from '../../support/carts';
import { merchantDataLost, packageFieldValues, seedMerchantAccount } from '../../support/merchantData';
import { addParameters, runNode, useAutoresponderStandIn } from './setup';

const standIn = useAutoresponderStandIn();
let fakeCc: FakeConstantContact;
let listId: string;
beforeEach(() => {
	({ fakeCc, listId } = standIn);
});

const LINE_ITEMS = [
	{ name: 'Blue Mug', quantity: 2, price: '12.50', image_url: 'https://cdn.shop.example.com/mug.jpg' },
	{ name: 'Tea Towel', quantity: 1, price: 7, image_url: 'https://cdn.shop.example.com/towel.jpg' },
	{ name: 'Teapot', quantity: 1, price: 34.9, image_url: 'https://cdn.shop.example.com/pot.jpg' },
	{ name: 'Sugar Bowl', quantity: 1, price: 9 },
];
const ONE_ITEM = [{ name: 'Blue Mug', quantity: 1, price: '12.50', image_url: 'https://cdn.shop.example.com/mug.jpg' }];
/** Intl separates amount and symbol with a no-break space; the tests read it as a space. */
const plain = (text: string | undefined) => text?.replace(/[\u00a0\u202f]/g, ' ');

function cart(n: number, items: IDataObject[] | undefined, overrides: IDataObject = {}): IDataObject {
	return { ...shopperCart(n), items, total: '86.90', decision: { decision: 'send', step: 2 }, ...overrides };
}

function withCartItems(overrides: { bulkThreshold?: number; createMissingFields?: boolean; settings?: IDataObject } = {}): IDataObject {
	return addParameters(listId, {
		options: {
			bulkThreshold: overrides.bulkThreshold ?? 1000,
			createMissingFields: overrides.createMissingFields ?? true,
			cartItems: { settings: { locale: '={{ $json.locale ?? "de-DE" }}', ...overrides.settings } },
		},
	});
}

const item2And3 = [...cartContentFieldLabels(3)].filter((label) => /^ac_item[23]_/.test(label));

describe('Cart Items', () => {
	it('writes the first three items, the summary, the total in the shopper\'s locale and the step to the contact', async () => {
		const { json } = await runNode(fakeCc, withCartItems(), [cart(1, LINE_ITEMS)]);

		expect(json[0]).toMatchObject({ status: 'created', reason: null });
		const values = packageFieldValues(fakeCc.control, 'shopper1@example.com');
		const prices = ['ac_item1_price', 'ac_item2_price', 'ac_item3_price', 'ac_cart_total'].map((label) => [label, plain(values[label])]);
		expect({ ...values, ...Object.fromEntries(prices) }).toEqual({
			ac_cart_id: 'cart-1001',
			ac_item1_name: 'Blue Mug',
			ac_item1_qty: '2',
			ac_item1_price: '12,50 €',
			ac_item1_image: 'https://cdn.shop.example.com/mug.jpg',
			ac_item2_name: 'Tea Towel',
			ac_item2_qty: '1',
			ac_item2_price: '7,00 €',
			ac_item2_image: 'https://cdn.shop.example.com/towel.jpg',
			ac_item3_name: 'Teapot',
			ac_item3_qty: '1',
			ac_item3_price: '34,90 €',
			ac_item3_image: 'https://cdn.shop.example.com/pot.jpg',
			ac_items_summary: '2 × Blue Mug, Tea Towel, Teapot and 1 more',
			ac_cart_total: '86,90 €',
			ac_step: '2',
		});
	});

	it('reads the line items from JSON text, with the shop\'s own keys and fewer items shown', async () => {
		const rows = JSON.stringify([{ product: { title: 'Scarf' }, qty: 3, amount: 20 }, { product: { title: 'Hat' }, qty: 1, amount: 15 }]);
		const settings = { itemsField: 'line_items', nameKey: 'product.title', quantityKey: 'qty', priceKey: 'amount', itemsShown: 1 };
		await runNode(fakeCc, withCartItems({ settings }), [cart(1, undefined, { line_items: rows, currency: 'USD', locale: 'en-US' })]);

		const values = packageFieldValues(fakeCc.control, 'shopper1@example.com');
		expect(values).toMatchObject({ ac_item1_name: 'Scarf', ac_item1_qty: '3', ac_item1_price: '$20.00', ac_items_summary: '3 × Scarf and 1 more', ac_cart_total: '$86.90' });
		expect(Object.keys(values).filter((label) => label.startsWith('ac_item2'))).toEqual([]);
	});

	it('keeps multi-byte names whole within 255 characters, cut at a word', async () => {
		const longName = `Tasse 🫖 mit Goldrand ${'und Untertasse 🍵 '.repeat(20)}`.trim();
		const { json } = await runNode(fakeCc, withCartItems(), [cart(1, [{ name: longName, quantity: 1, price: 5 }, ...LINE_ITEMS])]);

		const values = packageFieldValues(fakeCc.control, 'shopper1@example.com');
		for (const label of ['ac_item1_name', 'ac_items_summary']) {
			expect(values[label].length).toBeLessThanOrEqual(255);
			expect(values[label]).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
		}
		expect(values.ac_item1_name).toMatch(/^Tasse 🫖 mit Goldrand .*[a-z🍵]…$/u);
		expect(values.ac_items_summary).toMatch(/… and 4 more$/);
		expect(json[0]).toMatchObject({ status: 'created', truncated: [] });
	});

	describe.each([
		['one by one (PUT)', 1000],
		['in bulk (import)', 2],
	])('a shorter cart empties the slots of the last one (%s)', (_path, bulkThreshold) => {
		it('leaves no stale item in the contact and keeps the merchant\'s own fields', async () => {
			const account = seedMerchantAccount(fakeCc.control, listId);
			fakeCc.control.advanceClock(1_000);
			const [first, second] = account.onTheList;
			// No first name from the shop: the merchant's stays.
			const rows = (items: IDataObject[]) => [first, second].map((email, n) => cart(n + 1, items, { email, first_name: '', decision: { step: n + 1 } }));
			await runNode(fakeCc, withCartItems({ bulkThreshold }), rows(LINE_ITEMS));
			expect(packageFieldValues(fakeCc.control, first).ac_item3_name).toBe('Teapot');
			fakeCc.control.advanceClock(1_000);

			const { json } = await runNode(fakeCc, withCartItems({ bulkThreshold }), rows(ONE_ITEM));

			for (const email of [first, second]) {
				const values = packageFieldValues(fakeCc.control, email);
				expect(item2And3.filter((label) => (values[label] ?? '') !== '')).toEqual([]);
				expect(values).toMatchObject({ ac_item1_name: 'Blue Mug', ac_item1_qty: '1', ac_items_summary: 'Blue Mug' });
			}
			for (const result of json) {
				expect(result).toMatchObject({ cartFieldsNotWritten: [], warning: null });
				expect(result.customFields).toMatchObject(Object.fromEntries(item2And3.map((label) => [label, ''])));
			}
			expect(merchantDataLost(fakeCc.control, account, listId)).toEqual([]);
		});
	});

	it('reports how many of the account\'s custom fields the node uses', async () => {
		fakeCc.control.seedCustomField({ label: 'loyalty_tier' });
		const { json } = await runNode(fakeCc, withCartItems(), [cart(1, LINE_ITEMS)]);

		// 3 items x 4 fields, summary, total, step, plus Cart Details' ac_cart_id; the account also has loyalty_tier.
		expect(json[0]).toMatchObject({ customFieldsUsed: 16, customFieldsInAccount: 17 });
	});

	it('fails with one sentence naming every missing field when it may not create them', async () => {
		const { json } = await runNode(fakeCc, withCartItems({ createMissingFields: false }), [cart(1, LINE_ITEMS)], { continueOnFail: true });

		expect(json[0]).toMatchObject({ status: 'failed', reason: 'invalid-parameter' });
		for (const label of cartContentFieldLabels(3)) expect(json[0].error).toContain(`"${label}"`);
		expect(json[0].error).toContain('Create Missing Custom Fields');
		expect(fakeCc.control.findContactByEmail('shopper1@example.com')).toBeUndefined();
	});

	it('writes the step of Options → Reminder Step, and fails the item whose step is no whole number instead of writing 1', async () => {
		const settings = { locale: 'en-US' };
		const parameters = withCartItems({ settings });
		(parameters.options as IDataObject).reminderStep = '={{ $json.sequence_step }}';
		const carts = [cart(1, LINE_ITEMS, { sequence_step: 3 }), cart(2, LINE_ITEMS, { sequence_step: 'zero' })];
		const { json } = await runNode(fakeCc, parameters, carts, { continueOnFail: true });

		expect(json[0]).toMatchObject({ status: 'created' });
		expect(packageFieldValues(fakeCc.control, 'shopper1@example.com').ac_step).toBe('3');
		expect(json[1]).toMatchObject({ status: 'failed', reason: 'invalid-step' });
		expect(fakeCc.control.findContactByEmail('shopper2@example.com')).toBeUndefined();
	});

	it('fails every item alike, each on its own, when a Cart Items setting is wrong (compiled once per run)', async () => {
		const { json } = await runNode(fakeCc, withCartItems({ settings: { itemsField: 'line..items' } }), [cart(1, LINE_ITEMS), cart(2, LINE_ITEMS)], { continueOnFail: true });

		expect(json.map((item) => [item.status, item.reason])).toEqual([
			['failed', 'invalid-parameter'],
			['failed', 'invalid-parameter'],
		]);
		expect(json[0].error).toBe(json[1].error);
		expect(fakeCc.control.findContactByEmail('shopper1@example.com')).toBeUndefined();
	});

	it('fails the item whose currency is not a currency code, and writes nothing for it', async () => {
		const { json } = await runNode(fakeCc, withCartItems(), [cart(1, LINE_ITEMS, { currency: 'euro' }), cart(2, LINE_ITEMS)], { continueOnFail: true });

		expect(json[0]).toMatchObject({ status: 'failed', reason: 'invalid-currency' });
		expect(json[0].error).toContain('"euro" is not a currency code');
		expect(json[1]).toMatchObject({ status: 'created' });
	});
});
