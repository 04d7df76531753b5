/**
 * The reminder email (docs/reminder-email.html) read as Constant Contact reads it, and filled in as Constant Contact
 * would fill it for one contact: its insert tags, its show-when blocks, and a sample contact whose values come from
 * the node's own code (Cart Items on a sample cart, a signed recovery link). Used by test/docs/reminderEmail.test.ts
 * and by scripts/shots/email.ts, which renders the README's picture from it.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

import { cartContentFieldLabels, MAX_ITEMS_SHOWN } from '../../nodes/AddToAutoresponderList/cartContents';
import { cartItemsSettingsOf, cartItemValues } from '../../nodes/AddToAutoresponderList/cartItems';
import { COUPON_FIELD_LABELS, couponSettingsOf, couponValues } from '../../nodes/AddToAutoresponderList/coupon';
import { defaultReminderStepOf, reminderStep } from '../../nodes/AddToAutoresponderList/reminderStep';
import {
	DEFAULT_LINK_VALID_DAYS,
	DEFAULT_UTM_CAMPAIGN,
	linkExpirySeconds,
	RECOVERY_URL_FIELD,
	recoveryUrl,
	signCartToken,
} from '../../nodes/AddToAutoresponderList/recoveryLink';
import { DAY, NOW_MS, shopperCart } from './carts';

export const REMINDER_EMAIL_FILE = resolve(__dirname, '..', '..', 'docs', 'reminder-email.html');

export function readReminderEmail(): string {
	return readFileSync(REMINDER_EMAIL_FILE, 'utf8');
}

/** Every custom field the node may write for the email: Cart Items at most items shown, the recovery link, the coupon. */
export function fieldsTheNodeWrites(): string[] {
	return [...cartContentFieldLabels(MAX_ITEMS_SHOWN), RECOVERY_URL_FIELD, ...COUPON_FIELD_LABELS];
}

/** Constant Contact's own tags the email uses (names are not case-sensitive): not custom fields. */
export const CONSTANT_CONTACT_TAGS = ['trackingImage', 'FirstName'];

export interface InsertTag {
	/** As written, brackets included. */
	text: string;
	name: string;
	/** The text Constant Contact shows when the contact has no value (`[[FirstName OR "there"]]`). */
	fallback?: string;
}

const INSERT_TAG = /\[\[\s*([^\]\s]+?)(?:\s+OR\s+"([^"]*)")?\s*\]\]/g;
const COMMENT = /<!--[\s\S]*?-->/g;

/** The tags Constant Contact replaces, in order; tags inside HTML comments count too, as they do for it. */
export function insertTags(html: string): InsertTag[] {
	return [...html.matchAll(INSERT_TAG)].map((match) => ({ text: match[0], name: match[1], fallback: match[2] }));
}

export function isConstantContactTag(name: string): boolean {
	return CONSTANT_CONTACT_TAGS.some((own) => own.toLowerCase() === name.toLowerCase());
}

export interface ShowWhenBlock {
	/** The custom field whose value decides: the block shows when it is not blank. */
	field: string;
	/** The HTML between the markers. */
	body: string;
}

const SHOW_WHEN = /<!--\s*SHOW WHEN (\S+) IS NOT BLANK\s*-->([\s\S]*?)<!--\s*END SHOW WHEN \1\s*-->/g;

/** The email's show-when blocks, outermost first (a block may hold another of a different field). */
export function showWhenBlocks(html: string): ShowWhenBlock[] {
	const blocks: ShowWhenBlock[] = [];
	for (const match of html.matchAll(SHOW_WHEN)) {
		blocks.push({ field: match[1], body: match[2] });
		blocks.push(...showWhenBlocks(match[2]));
	}
	return blocks;
}

/** "SHOW WHEN" and "END SHOW WHEN" markers that do not pair up: each is a block Constant Contact users cannot find. */
export function unpairedShowWhenMarkers(html: string): string[] {
	const rest = html.replace(SHOW_WHEN, (_block, _field: string, body: string) => body);
	if (rest === html) return [...html.matchAll(/<!--\s*(?:END )?SHOW WHEN[^>]*-->/g)].map((match) => match[0]);
	return unpairedShowWhenMarkers(rest);
}

/** The text outside HTML comments: what a reader of the email can see or a client can load. */
export function withoutComments(html: string): string {
	return html.replace(COMMENT, '');
}

function escapeHtml(text: string): string {
	return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** One contact as Constant Contact knows it when it sends: its first name and its custom fields' values by name. */
export interface SampleContact {
	firstName: string;
	fields: Record<string, string>;
}

/**
 * The email as this contact receives it: blocks whose field is blank removed, then every tag replaced by the
 * contact's value (or its fallback text), escaped for HTML. The tracking image becomes nothing. An unknown tag
 * throws: Constant Contact would show it as it is, which a picture must not hide.
 */
export function fillReminderEmail(html: string, contact: SampleContact): string {
	const valueOf = (name: string): string | undefined => {
		if (name.toLowerCase() === 'firstname') return contact.firstName;
		return contact.fields[name];
	};
	let shown = html;
	for (let previous = ''; previous !== shown; ) {
		previous = shown;
		shown = shown.replace(SHOW_WHEN, (_block, field: string, body: string) => ((valueOf(field) ?? '').trim() === '' ? '' : body));
	}
	return shown.replace(INSERT_TAG, (text, name: string, fallback: string | undefined) => {
		if (name.toLowerCase() === 'trackingimage') return '';
		const value = valueOf(name);
		if (value === undefined) throw new Error(`the sample contact has no value for ${text}`);
		return escapeHtml(value.trim() === '' && fallback !== undefined ? fallback : value);
	});
}

/** A shopper's cart as the shop's SELECT returns it, with line items: the README's mug and three more. */
export const SAMPLE_LINE_ITEMS = [
	{ name: 'Blue Mug', quantity: 2, price: '12.50', image_url: 'https://cdn.shop.example.com/blue-mug.jpg' },
	{ name: 'Linen Tea Towel', quantity: 1, price: '9.90', image_url: 'https://cdn.shop.example.com/tea-towel.jpg' },
	{ name: 'Cast Iron Teapot', quantity: 1, price: '54.00', image_url: 'https://cdn.shop.example.com/teapot.jpg' },
	{ name: 'Wildflower Honey', quantity: 1, price: '6.50', image_url: 'https://cdn.shop.example.com/honey.jpg' },
];

/** Picture-only secret: the sample link is signed as the node signs it, with no real shop's secret. */
const SAMPLE_LINK_SECRET = 'sample-secret-for-the-readme-picture-only';
const SAMPLE_COUPON_CODE = 'COMEBACK-7KQ2';

export interface SampleContactOptions {
	lineItems?: Array<Record<string, unknown>>;
	/** false: the shopper gets no coupon (the pool was empty, or the cart is below the coupon's minimum). */
	coupon?: boolean;
}

/**
 * What the node writes for shopper 1's second reminder, computed by the node's own functions: Cart Items with its
 * defaults (3 items, en-US) on the sample cart, the signed recovery link, and a coupon. The coupon's values come
 * from the Coupon option's own rules (nodes/AddToAutoresponderList/coupon.ts) on a claimed sample code.
 */
export function sampleContact({ lineItems = SAMPLE_LINE_ITEMS, coupon = true }: SampleContactOptions = {}): SampleContact {
	const cart = shopperCart(1, { first_name: 'Alex', currency: 'USD', items: lineItems, decision: { step: 2 } });
	cart.total = lineItems.reduce((sum, item) => sum + Number(item.price) * Number(item.quantity ?? 1), 0).toFixed(2);
	if (coupon) Object.assign(cart, { coupon_code: SAMPLE_COUPON_CODE, coupon_expires: new Date(NOW_MS + 7 * DAY).toISOString() });
	const step = reminderStep(defaultReminderStepOf(cart));
	const contents = cartItemValues(cart, cartItemsSettingsOf({}), 'en-US', step);
	const couponContents = couponValues(cart, couponSettingsOf({}), { step, locale: 'en-US', timeZone: 'UTC' });
	const fields: Record<string, string> = {};
	for (const { emptied, values } of [contents, couponContents]) {
		for (const label of emptied) fields[label] = '';
		for (const { label, value } of values) fields[label] = value;
	}
	const token = signCartToken({ cartId: cart.id, expiresAtSeconds: linkExpirySeconds(NOW_MS, DEFAULT_LINK_VALID_DAYS), secret: SAMPLE_LINK_SECRET });
	fields[RECOVERY_URL_FIELD] = recoveryUrl({ urlTemplate: 'https://shop.example.com/cart/restore?token={token}', token, step: 2, utmCampaign: DEFAULT_UTM_CAMPAIGN });
	return { firstName: cart.first_name, fields };
}
