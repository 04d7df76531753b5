/**
 * docs/reminder-email.html, the ready custom-code email: it names only custom fields the Add to Autoresponder List
 * node writes (the list comes from the node's code), shows the items, the total and the coupon, links its button to
 * the recovery URL, and keeps Constant Contact's rules for custom-code emails. Filled in for sample shoppers as
 * Constant Contact fills it (test/support/reminderEmail.ts), it shows what each shopper should see.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';

import { itemFieldLabels, CART_TOTAL_FIELD, ITEMS_SUMMARY_FIELD, MAX_ITEMS_SHOWN } from '../../nodes/AddToAutoresponderList/cartContents';
import { COUPON_CODE_FIELD, COUPON_EXPIRES_FIELD } from '../../nodes/AddToAutoresponderList/coupon';
import { RECOVERY_URL_FIELD } from '../../nodes/AddToAutoresponderList/recoveryLink';
import {
	fieldsTheNodeWrites,
	fillReminderEmail,
	insertTags,
	isConstantContactTag,
	readReminderEmail,
	sampleContact,
	SAMPLE_LINE_ITEMS,
	showWhenBlocks,
	unpairedShowWhenMarkers,
	withoutComments,
} from '../support/reminderEmail';

/** Constant Contact's limit for a custom-code email, and the character pairs it refuses ("Design custom code emails"). */
const MAX_EMAIL_BYTES = 400 * 1024;
const REFUSED_PAIRS = ['[#', '${', '<@'];

const email = readReminderEmail();

/** The custom fields an email names, in its tags and its show-when markers, that the node never writes. */
function fieldsTheNodeDoesNotWrite(html: string): string[] {
	const written = new Set(fieldsTheNodeWrites());
	const named = [
		...insertTags(html).map((tag) => tag.name).filter((name) => !isConstantContactTag(name)),
		...showWhenBlocks(html).map((block) => block.field),
	];
	return [...new Set(named.filter((name) => !written.has(name)))];
}

const tagsIn = (html: string) => new Set(insertTags(html).map((tag) => tag.name));

describe('the reminder email names only what the node writes', () => {
	it('names no custom field the Add to Autoresponder List node does not write', () => {
		expect(fieldsTheNodeDoesNotWrite(email)).toEqual([]);
	});

	it('catches a misspelt field, in a tag or in a show-when marker', () => {
		expect(fieldsTheNodeDoesNotWrite(email.replace('[[ac_items_summary]]', '[[ac_item_summary]]'))).toEqual(['ac_item_summary']);
		expect(fieldsTheNodeDoesNotWrite(email.replace(/ac_coupon_code IS NOT BLANK/, 'ac_coupon IS NOT BLANK').replace(/END SHOW WHEN ac_coupon_code/, 'END SHOW WHEN ac_coupon'))).toEqual(['ac_coupon']);
	});

	it('uses Constant Contact tags only where a reader sees them: none inside HTML comments', () => {
		const comments = email.match(/<!--[\s\S]*?-->/g) ?? [];
		expect(comments.flatMap((comment) => insertTags(comment).map((tag) => tag.text))).toEqual([]);
	});
});

describe('the reminder email shows the cart', () => {
	it(`shows each of the ${MAX_ITEMS_SHOWN} items the node writes: name, quantity, price and image`, () => {
		const shown = tagsIn(withoutComments(email));
		const missing = Array.from({ length: MAX_ITEMS_SHOWN }, (_, slot) => itemFieldLabels(slot + 1))
			.flat()
			.filter((label) => !shown.has(label));
		expect(missing).toEqual([]);
		const images = [...email.matchAll(/<img\b[^>]*\bsrc="\[\[(ac_item\d_image)\]\]"/g)].map((match) => match[1]);
		expect(images).toEqual(Array.from({ length: MAX_ITEMS_SHOWN }, (_, slot) => itemFieldLabels(slot + 1)[3]));
	});

	it('shows the items summary and the cart total', () => {
		expect([...tagsIn(withoutComments(email))]).toEqual(expect.arrayContaining([ITEMS_SUMMARY_FIELD, CART_TOTAL_FIELD]));
	});

	it('links its button to the recovery URL, the whole link from the field', () => {
		const links = [...withoutComments(email).matchAll(/<a\b[^>]*\bhref="([^"]*)"[^>]*>([^<]*)<\/a>/g)];
		expect(links.map((link) => [link[1], link[2]])).toEqual([[`[[${RECOVERY_URL_FIELD}]]`, 'Return to your cart']]);
	});

	it('puts the coupon code and its expiry in a block shown only when the shopper has a code', () => {
		const coupon = showWhenBlocks(email).filter((block) => block.field === COUPON_CODE_FIELD);
		expect(coupon).toHaveLength(1);
		expect([...tagsIn(coupon[0].body)]).toEqual(expect.arrayContaining([COUPON_CODE_FIELD, COUPON_EXPIRES_FIELD]));
		const outside = email.replace(coupon[0].body, '');
		expect([...tagsIn(outside)]).not.toEqual(expect.arrayContaining([COUPON_CODE_FIELD]));
		expect([...tagsIn(outside)]).not.toEqual(expect.arrayContaining([COUPON_EXPIRES_FIELD]));
	});

	it('pairs every SHOW WHEN marker with its END', () => {
		expect(unpairedShowWhenMarkers(email)).toEqual([]);
		expect(unpairedShowWhenMarkers(email.replace('<!-- END SHOW WHEN ac_item3_name -->', ''))).toEqual(['<!-- SHOW WHEN ac_item3_name IS NOT BLANK -->']);
	});
});

describe('the reminder email as sample shoppers receive it', () => {
	const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');

	it('shows a four-item cart: three items, the summary counting the fourth, the total, the coupon and the signed link', () => {
		const contact = sampleContact();
		const received = fillReminderEmail(email, contact);
		expect(text(received)).toContain('Hi Alex, you left 2 × Blue Mug, Linen Tea Towel, Cast Iron Teapot and 1 more in your cart.');
		expect(text(received)).toContain('Blue Mug Quantity: 2 $12.50');
		expect(text(received)).toContain('Cast Iron Teapot Quantity: 1 $54.00');
		expect(text(received)).not.toContain('Wildflower Honey');
		expect(text(received)).toContain('Total $95.40');
		expect(text(received)).toContain('COMEBACK-7KQ2');
		expect(received).toContain('src="https://cdn.shop.example.com/teapot.jpg"');
		expect(received).toContain(`href="${contact.fields[RECOVERY_URL_FIELD].replace(/&/g, '&amp;')}"`);
		expect(contact.fields[RECOVERY_URL_FIELD]).toMatch(/^https:\/\/shop\.example\.com\/cart\/restore\?token=v1\.[^&]+&utm_source=constantcontact/);
		expect(withoutComments(received)).not.toMatch(/\[\[|\]\]/);
	});

	it('hides the coupon block from a shopper without a code', () => {
		const received = text(fillReminderEmail(email, sampleContact({ coupon: false })));
		expect(received).not.toContain('use the code');
		expect(received).not.toContain('Valid until');
		expect(received).toContain('Return to your cart');
	});

	it('shows a one-item cart without the empty rows of items two and three', () => {
		const contact = sampleContact({ lineItems: SAMPLE_LINE_ITEMS.slice(2, 3) });
		const received = fillReminderEmail(email, contact);
		expect(text(received).match(/Quantity:/g)).toHaveLength(1);
		expect(text(received)).toContain('Hi Alex, you left Cast Iron Teapot in your cart.');
		expect(received.match(/<img\b/g)).toHaveLength(1);
	});

	it('greets a shopper without a first name with the fallback text', () => {
		const received = text(fillReminderEmail(email, { ...sampleContact(), firstName: '' }));
		expect(received).toContain('Hi there, you left');
	});

	it('leaves out the image of an item that has none', () => {
		const items = [{ ...SAMPLE_LINE_ITEMS[0], image_url: '' }, SAMPLE_LINE_ITEMS[1]];
		const received = fillReminderEmail(email, sampleContact({ lineItems: items }));
		expect(received.match(/<img\b[^>]*>/g)).toEqual([expect.stringContaining('tea-towel.jpg')]);
	});
});

describe('the README shows the email', () => {
	it('links the email and shows its picture under "The email"', () => {
		const readme = readFileSync(resolve(__dirname, '..', '..', 'README.md'), 'utf8');
		const section = readme.slice(readme.indexOf('### The email'), readme.indexOf('### ', readme.indexOf('### The email') + 4));
		expect(section).toContain('](docs/reminder-email.html)');
		expect(section).toContain('](docs/reminder-email.png)');
		expect(existsSync(resolve(__dirname, '..', '..', 'docs', 'reminder-email.png'))).toBe(true);
	});
});

describe("the reminder email keeps Constant Contact's rules for custom-code emails", () => {
	it('has exactly one tracking image, inside the body', () => {
		const tracking = insertTags(email).filter((tag) => tag.name.toLowerCase() === 'trackingimage');
		expect(tracking).toHaveLength(1);
		const body = email.slice(email.indexOf('<body'), email.indexOf('</body>'));
		expect(body).toContain(tracking[0].text);
	});

	it(`stays under ${MAX_EMAIL_BYTES / 1024} KB and contains none of ${REFUSED_PAIRS.join(' ')}`, () => {
		expect(Buffer.byteLength(email, 'utf8')).toBeLessThan(MAX_EMAIL_BYTES);
		expect(REFUSED_PAIRS.filter((pair) => email.includes(pair))).toEqual([]);
	});

	it('is laid out in tables 600 pixels wide, with no scripts, forms or style sheets to lose', () => {
		expect(email).toMatch(/<table role="presentation" width="600"[^>]*style="width:600px; max-width:600px;/);
		expect(email).not.toMatch(/<(script|form|style|link)\b/i);
		const images = email.match(/<img\b[^>]*>/g) ?? [];
		expect(images.filter((image) => !/\balt="/.test(image))).toEqual([]);
	});
});
