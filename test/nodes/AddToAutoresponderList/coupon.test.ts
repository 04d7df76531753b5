/**
 * Options → Coupon on Add Contact to List: from a reminder step on and above a cart total, the code the item carries
 * lands in ac_coupon_code with its expiry date in the shopper's locale; below either, or with no code left in the pool,
 * both fields are emptied on the contact on both write paths (the stand-in's import ignores empty values), the reminder
 * still goes out, and the merchant's own fields survive.
 */
import { DateTime } from 'luxon';
import type { IDataObject } from 'n8n-workflow';

import {
	COUPON_CODE_FIELD,
	COUPON_EXPIRES_FIELD,
	couponSettingsOf,
	couponValues,
	type CouponReader,
} from '../../../nodes/AddToAutoresponderList/coupon';
import { InvalidInputError, InvalidParameterError } from '../../../nodes/AddToAutoresponderList/results';
import type { FakeConstantContact } from '../../fake-constant-contact';
import { shopperCart } from '../../support/carts';
import { merchantDataLost, packageFieldValues, seedMerchantAccount } from '../../support/merchantData';
import { addParameters, runNode, useAutoresponderStandIn } from './setup';

const NODE_NAME = 'Add to Autoresponder List';
/** Noon UTC: the same calendar day in every time zone from UTC-11 to UTC+11, whatever the harness's zone. */
const EXPIRES = '2026-12-31T12:00:00Z';
const TEMPLATE_SETTINGS = { codeField: 'coupon_code', expiresField: 'coupon_expires', fromStep: 2, minimumCartTotal: 50 };

const standIn = useAutoresponderStandIn();
let fakeCc: FakeConstantContact;
let listId: string;
beforeEach(() => ({ fakeCc, listId } = standIn));

/** A cart at the given step and total, with the code the template's claim step gave it (none: the pool was empty). */
function cart(n: number, step: number, total: string, code: string | null, overrides: IDataObject = {}): IDataObject {
	return {
		...shopperCart(n),
		total,
		decision: { decision: 'send', step },
		...(code === null ? {} : { coupon_code: code, coupon_expires: EXPIRES }),
		...overrides,
	};
}

/** The node as the templates set it: Options → Coupon with the template's settings. */
function withCoupon(options: IDataObject = {}, settings: IDataObject = {}): IDataObject {
	return addParameters(listId, {
		options: { createMissingFields: true, bulkThreshold: 1000, coupon: { settings: { ...TEMPLATE_SETTINGS, ...settings } }, ...options },
	});
}

const couponFields = (email: string) => {
	const values = packageFieldValues(fakeCc.control, email);
	return { code: values[COUPON_CODE_FIELD] ?? '', expires: values[COUPON_EXPIRES_FIELD] ?? '' };
};

describe('couponValues', () => {
	const settings = couponSettingsOf(TEMPLATE_SETTINGS);
	const reader: CouponReader = { step: 2, locale: 'en-US', timeZone: 'UTC' };
	const item = { total: '86.90', coupon_code: ' SAVE10-7F3K ', coupon_expires: '2026-12-31 23:30:00' };

	it('writes the code and its expiry as a date in the shopper\'s locale from From Step on and from the minimum total on', () => {
		expect(couponValues(item, settings, reader)).toEqual({
			values: [
				{ label: COUPON_CODE_FIELD, value: 'SAVE10-7F3K' },
				{ label: COUPON_EXPIRES_FIELD, value: 'December 31, 2026' },
			],
			emptied: [],
			coupon: { given: true, code: 'SAVE10-7F3K', expires: 'December 31, 2026' },
		});
		expect(couponValues({ ...item, total: 50 }, settings, { ...reader, step: 3, locale: 'de-DE' }).coupon).toEqual({ given: true, code: 'SAVE10-7F3K', expires: '31. Dezember 2026' });
	});

	it('reads the expiry as a database (Date) or an n8n expression (luxon DateTime) gives it', () => {
		const zoned = { ...reader, timeZone: 'Europe/Berlin' };
		expect(couponValues({ ...item, coupon_expires: new Date('2026-12-31T23:30:00Z') }, settings, zoned).coupon).toMatchObject({ expires: 'January 1, 2027' });
		expect(couponValues({ ...item, coupon_expires: DateTime.fromISO('2026-06-15T10:00:00Z') }, settings, zoned).coupon).toMatchObject({ expires: 'June 15, 2026' });
	});

	it('reads an expiry without offset in the workflow\'s time zone and writes the date there', () => {
		expect(couponValues(item, settings, { ...reader, timeZone: 'Pacific/Auckland' }).coupon).toMatchObject({ expires: 'December 31, 2026' });
		const utcEvening = { ...item, coupon_expires: '2026-12-31T20:00:00Z' };
		expect(couponValues(utcEvening, settings, { ...reader, timeZone: 'Pacific/Auckland' }).coupon).toMatchObject({ expires: 'January 1, 2027' });
		expect(couponValues(utcEvening, settings, { ...reader, timeZone: 'America/New_York' }).coupon).toMatchObject({ expires: 'December 31, 2026' });
	});

	it.each([
		['a reminder before From Step', { step: 1 }, {}, 'before-step'],
		['a cart below Minimum Cart Total', {}, { total: '49.99' }, 'below-minimum-total'],
		['a cart without a total while a minimum is set', {}, { total: '' }, 'no-cart-total'],
		['an item without a code (the pool is empty)', {}, { coupon_code: '  ' }, 'no-code-left'],
	])('gives no coupon and empties both fields for %s', (_case, readerChange, itemChange, reason) => {
		expect(couponValues({ ...item, ...itemChange }, settings, { ...reader, ...readerChange })).toEqual({
			values: [],
			emptied: [COUPON_CODE_FIELD, COUPON_EXPIRES_FIELD],
			coupon: { given: false, reason },
		});
	});

	it('offers the coupon whatever the total when Minimum Cart Total is 0, and empties the expiry of a code without one', () => {
		const anyTotal = couponSettingsOf({ ...TEMPLATE_SETTINGS, minimumCartTotal: 0 });
		expect(couponValues({ coupon_code: 'WELCOME', coupon_expires: '' }, anyTotal, reader)).toEqual({
			values: [{ label: COUPON_CODE_FIELD, value: 'WELCOME' }],
			emptied: [COUPON_EXPIRES_FIELD],
			coupon: { given: true, code: 'WELCOME', expires: null },
		});
	});

	it.each([
		['an expiry that is no date', { coupon_expires: 'next Friday' }, 'invalid-coupon-expiry', /expiry "next Friday" at "coupon_expires" is not a date/],
		['an impossible calendar date', { coupon_expires: '2026-02-30' }, 'invalid-coupon-expiry', /is not a date the node reads/],
		['a code longer than Constant Contact keeps', { coupon_code: 'X'.repeat(256) }, 'invalid-coupon', /has 256 characters; Constant Contact keeps at most 255/],
	])('refuses %s as the item\'s own mistake, never cut or dropped silently', (_case, itemChange, reason, message) => {
		let thrown: unknown;
		try {
			couponValues({ ...item, ...itemChange }, settings, reader);
		} catch (error) {
			thrown = error;
		}
		expect(thrown).toBeInstanceOf(InvalidInputError);
		expect(thrown).toMatchObject({ reason });
		expect((thrown as Error).message).toMatch(message);
	});

	it('refuses settings no item could satisfy, naming the setting', () => {
		expect(() => couponSettingsOf({ ...TEMPLATE_SETTINGS, codeField: 'coupon..code' })).toThrow(InvalidParameterError);
		expect(() => couponSettingsOf({ ...TEMPLATE_SETTINGS, fromStep: 0 })).toThrow(/From Step is 0/);
		expect(() => couponSettingsOf({ ...TEMPLATE_SETTINGS, minimumCartTotal: -5 })).toThrow(/Minimum Cart Total is -5/);
	});
});

describe('Coupon', () => {
	// In bulk, Constant Contact's import does not say whether a contact whose values it changed was on the list already.
	describe.each([
		['one by one', 1000, 'already-on-list'],
		['in bulk', 2, 'added'],
	])('%s', (_path, bulkThreshold, changedOnListStatus) => {
		it('writes each shopper\'s own code and expiry date to the contact, and the item says which coupon it got', async () => {
			const carts = [cart(1, 2, '86.90', 'SAVE10-AAAA'), cart(2, 3, '120', 'SAVE10-BBBB', { locale: 'de-DE' })];
			const parameters = withCoupon({ bulkThreshold, cartItems: { settings: { locale: '={{ $json.locale ?? "en-US" }}' } } });
			const { json } = await runNode(fakeCc, parameters, carts);

			expect(json.map((result) => result.status)).toEqual(['created', 'created']);
			expect(couponFields('shopper1@example.com')).toEqual({ code: 'SAVE10-AAAA', expires: 'December 31, 2026' });
			expect(couponFields('shopper2@example.com')).toEqual({ code: 'SAVE10-BBBB', expires: '31. Dezember 2026' });
			expect(json.map((result) => result.coupon)).toEqual([
				{ given: true, code: 'SAVE10-AAAA', expires: 'December 31, 2026' },
				{ given: true, code: 'SAVE10-BBBB', expires: '31. Dezember 2026' },
			]);
		});

		it('empties an earlier cart\'s code before From Step and below the minimum total, and keeps the merchant\'s own fields', async () => {
			const account = seedMerchantAccount(fakeCc.control, listId);
			fakeCc.control.advanceClock(1_000);
			const [first, second] = account.onTheList;
			// No first name from the shop: the merchant's stays.
			const rows = (steps: [number, number], totals: [string, string]) =>
				[first, second].map((email, n) => cart(n + 1, steps[n], totals[n], `OLD-${n + 1}`, { email, first_name: '' }));
			await runNode(fakeCc, withCoupon({ bulkThreshold }), rows([2, 2], ['80', '80']));
			expect([first, second].map((email) => couponFields(email).code)).toEqual(['OLD-1', 'OLD-2']);
			fakeCc.control.advanceClock(1_000);

			const { json } = await runNode(fakeCc, withCoupon({ bulkThreshold }), rows([1, 2], ['80', '20']));

			expect([first, second].map(couponFields)).toEqual([
				{ code: '', expires: '' },
				{ code: '', expires: '' },
			]);
			expect(json.map((result) => result.coupon)).toEqual([
				{ given: false, reason: 'before-step' },
				{ given: false, reason: 'below-minimum-total' },
			]);
			for (const result of json) {
				expect(result).toMatchObject({ status: 'already-on-list', cartFieldsNotWritten: [], warning: null });
				expect(result.customFields).toMatchObject({ [COUPON_CODE_FIELD]: '', [COUPON_EXPIRES_FIELD]: '' });
			}
			expect(merchantDataLost(fakeCc.control, account, listId)).toEqual([]);
		});

		it('still sends the reminder when the pool is empty, empties the old code, says why on the item and warns on the run', async () => {
			const account = seedMerchantAccount(fakeCc.control, listId);
			const [first, second] = account.onTheList;
			const shop = { first_name: '' };
			await runNode(fakeCc, withCoupon({ bulkThreshold }), [cart(1, 2, '80', 'OLD-1', { ...shop, email: first }), cart(2, 2, '80', 'OLD-2', { ...shop, email: second })]);
			fakeCc.control.advanceClock(1_000);

			const carts = [cart(1, 2, '80', null, { ...shop, email: first }), cart(2, 2, '80', 'SAVE10-CCCC', { ...shop, email: second })];
			const run = await runNode(fakeCc, withCoupon({ bulkThreshold }), carts);

			expect(run.json.map((result) => [result.status, result.coupon])).toEqual([
				['already-on-list', { given: false, reason: 'no-code-left' }],
				[changedOnListStatus, { given: true, code: 'SAVE10-CCCC', expires: 'December 31, 2026' }],
			]);
			expect(couponFields(first)).toEqual({ code: '', expires: '' });
			expect(couponFields(second).code).toBe('SAVE10-CCCC');
			expect(run.workflowRun.runData[NODE_NAME][0].hints).toEqual([
				expect.objectContaining({ type: 'warning', message: expect.stringMatching(/^1 shopper\(s\) got their reminder without a coupon/) }),
			]);
			expect(merchantDataLost(fakeCc.control, account, listId)).toEqual([]);
		});
	});

	it('takes its step from the one Options → Reminder Step that also gives ac_step and the link\'s utm_content', async () => {
		const parameters = withCoupon({
			reminderStep: '={{ $json.sequence_step }}',
			cartItems: { settings: { locale: 'en-US' } },
			signedRecoveryLink: true,
			signedRecoveryLinkSettings: { link: { urlTemplate: 'https://shop.example.com/cart/restore?token={token}' } },
		});
		// decision.step says 1: only the option's own expression may count.
		const carts = [cart(1, 1, '80', 'SAVE10-JJJJ', { sequence_step: 3 }), cart(2, 1, '80', 'SAVE10-KKKK', { sequence_step: 1 })];
		const run = await runNode(fakeCc, parameters, carts, { moreCredentials: { cartLinkSecretApi: { secret: 'cart-link-secret-7d1e0b6a93c54f28a1e9b0c3d2f4a6b8' } } });

		const stored = ['shopper1@example.com', 'shopper2@example.com'].map((email) => packageFieldValues(fakeCc.control, email));
		expect(stored.map((values) => values.ac_step)).toEqual(['3', '1']);
		expect(stored.map((values) => new URL(values.ac_recovery_url).searchParams.get('utm_content'))).toEqual(['step-3', 'step-1']);
		expect(stored.map((values) => values[COUPON_CODE_FIELD] ?? '')).toEqual(['SAVE10-JJJJ', '']);
		expect(run.json.map((result) => result.coupon)).toEqual([
			{ given: true, code: 'SAVE10-JJJJ', expires: 'December 31, 2026' },
			{ given: false, reason: 'before-step' },
		]);
		expect(JSON.stringify(run.workflowRun.logs)).not.toContain('SAVE10-JJJJ');
	});

	it('shows no warning when every eligible shopper got a code', async () => {
		const run = await runNode(fakeCc, withCoupon(), [cart(1, 2, '80', 'SAVE10-DDDD'), cart(2, 1, '80', null)]);
		expect(run.json.map((result) => result.coupon)).toEqual([
			{ given: true, code: 'SAVE10-DDDD', expires: 'December 31, 2026' },
			{ given: false, reason: 'before-step' },
		]);
		expect(run.workflowRun.runData[NODE_NAME][0].hints ?? []).toEqual([]);
	});

	it('fails only the item whose expiry is unreadable with Continue On Fail, and stops at it without', async () => {
		const carts = [cart(1, 2, '80', 'SAVE10-EEEE'), cart(2, 2, '80', 'SAVE10-FFFF', { coupon_expires: 'soon' }), cart(3, 2, '80', 'SAVE10-GGGG')];
		const { json, output } = await runNode(fakeCc, withCoupon(), carts, { continueOnFail: true });

		expect(json.map((result) => [result.status, result.reason])).toEqual([
			['created', null],
			['failed', 'invalid-coupon-expiry'],
			['created', null],
		]);
		expect(String(json[1].error)).toContain('"soon" at "coupon_expires" is not a date');
		expect(json[1].coupon).toBeUndefined();
		expect(output.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(fakeCc.control.findContactByEmail('shopper2@example.com')).toBeUndefined();
		expect(couponFields('shopper3@example.com').code).toBe('SAVE10-GGGG');

		const error = await runNode(fakeCc, withCoupon(), [cart(4, 2, '80', 'SAVE10-HHHH', { coupon_expires: 'soon' })]).catch((thrown: unknown) => thrown);
		expect(error).toMatchObject({ name: 'NodeOperationError', context: { itemIndex: 0 } });
		expect(fakeCc.control.findContactByEmail('shopper4@example.com')).toBeUndefined();
	});

	it('counts its two fields in the budget, and names them when it may not create them', async () => {
		// A shopper before From Step: both fields are still needed, to empty them.
		const refused = await runNode(fakeCc, withCoupon({ createMissingFields: false }), [cart(2, 1, '80', null)], { continueOnFail: true });
		expect(refused.json[0]).toMatchObject({ status: 'failed', reason: 'invalid-parameter' });
		for (const label of [COUPON_CODE_FIELD, COUPON_EXPIRES_FIELD]) expect(String(refused.json[0].error)).toContain(`"${label}"`);
		expect(fakeCc.control.findContactByEmail('shopper2@example.com')).toBeUndefined();

		const { json } = await runNode(fakeCc, withCoupon(), [cart(1, 2, '80', 'SAVE10-IIII')]);
		// ac_cart_id from Cart Details, plus ac_coupon_code and ac_coupon_expires.
		expect(json[0]).toMatchObject({ status: 'created', customFieldsUsed: 3, customFieldsInAccount: 3 });
	});
});
