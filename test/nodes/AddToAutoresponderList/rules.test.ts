/** The node's pure rules: consent reading, truncation, the re-entry record and the per-shopper decision. */
import { decide, type AddPolicy } from '../../../nodes/AddToAutoresponderList/decide';
import { readListEntries, writeListEntry } from '../../../nodes/AddToAutoresponderList/reentry';
import { checkEmail, hasExplicitConsent, readShopper, truncateText, type Shopper } from '../../../nodes/AddToAutoresponderList/shopper';
import type { Contact } from '../../../nodes/ConstantContact/types';

const LIST = '3f1c2a9e-5b7d-11ee-8c99-0242ac120002';
const NOW = Date.UTC(2026, 10, 25, 12);
const DAY = 24 * 3600 * 1000;

const policy = (overrides: Partial<AddPolicy> = {}): AddPolicy => ({
	listId: LIST,
	consentPolicy: 'consented',
	repeatAbandoners: 'leave',
	cooldownMs: 7 * DAY,
	reentryFieldId: 'cf-entries',
	now: NOW,
	...overrides,
});
const shopper = (consent: boolean): Shopper => ({ index: 0, email: 'jo@example.com', consent, cartValues: [], truncated: [] });
const contact = (permission: string, lists: string[] = [], entries?: string): Contact =>
	({
		contact_id: 'c-1',
		email_address: { address: 'jo@example.com', permission_to_send: permission },
		list_memberships: lists,
		custom_fields: entries ? [{ custom_field_id: 'cf-entries', value: entries }] : [],
	}) as Contact;

describe('shopper rules', () => {
	it('reads consent the way shops send it and treats anything unclear as no consent', () => {
		expect([true, 'yes', 'Opted_In', 1, 'explicit'].map(hasExplicitConsent)).toEqual([true, true, true, true, true]);
		expect([false, 'no', '', null, undefined, 0, 'unknown'].map(hasExplicitConsent)).toEqual(Array(7).fill(false));
	});

	it('accepts real emails and names the problem with bad ones', () => {
		expect(checkEmail('  Jo.Smith+cart@Example.co.uk ')).toEqual({ email: 'jo.smith+cart@example.co.uk' });
		expect(checkEmail('jo@localhost')).toHaveProperty('problem');
		expect(checkEmail(`${'a'.repeat(75)}@x.com`)).toEqual({ problem: "The email address is longer than Constant Contact's 80 characters." });
	});

	it('cuts text without splitting an emoji or an accent from its letter', () => {
		expect(truncateText(`${'a'.repeat(254)}😀`, 255)).toBe('a'.repeat(254));
		expect(truncateText(`${'a'.repeat(254)}e\u0301x`, 255)).toBe('a'.repeat(254));
		expect(truncateText('short', 255)).toBe('short');
	});

	it('reports truncated names and custom fields, and skips empty values', () => {
		const read = readShopper(
			{ index: 3, email: 'jo@example.com', firstName: 'J'.repeat(60), consent: 'yes', cartValues: [{ label: 'ac_items', value: 'x'.repeat(300) }, { label: 'ac_coupon', value: '' }] },
			'truncate',
		);
		expect(read.truncated).toEqual(['ac_items', 'first_name']);
		expect(read.cartValues).toEqual([{ label: 'ac_items', value: 'x'.repeat(255) }]);
	});
});

describe('the re-entry record kept on the contact', () => {
	it('keeps the newest entry per list and fits in one custom field value', () => {
		let value: string | undefined;
		for (let n = 0; n < 8; n++) value = writeListEntry(value, `${n}`.repeat(8) + LIST.slice(8), NOW + n * DAY);
		expect(value!.length).toBeLessThanOrEqual(255);
		const entries = readListEntries(value);
		expect(entries.get('7'.repeat(8) + LIST.slice(8))).toBe(NOW + 7 * DAY);
		expect(entries.has('0'.repeat(8) + LIST.slice(8))).toBe(false);
	});
});

describe('decide', () => {
	it('never touches unsubscribed or deleted contacts, whatever the policy', () => {
		expect(decide(shopper(true), contact('unsubscribed'), policy({ consentPolicy: 'allShoppers' }))).toEqual({ action: 'skip', reason: 'unsubscribed' });
		expect(decide(shopper(true), { ...contact('implicit'), deleted_at: '2026-01-01' }, policy())).toEqual({ action: 'skip', reason: 'deleted' });
	});

	it('creates with explicit permission only for consenting shoppers, and implied only under All Shoppers', () => {
		expect(decide(shopper(true), undefined, policy())).toEqual({ action: 'create', permission: 'explicit' });
		expect(decide(shopper(false), undefined, policy({ consentPolicy: 'consentedOrSubscribed' }))).toEqual({ action: 'skip', reason: 'no-consent' });
		expect(decide(shopper(false), undefined, policy({ consentPolicy: 'allShoppers' }))).toEqual({ action: 'create', permission: 'implicit' });
	});

	it('re-triggers a contact on the list only after the cooldown since its last entry', () => {
		const retrigger = policy({ repeatAbandoners: 'retrigger' });
		const recent = contact('explicit', [LIST], `${LIST}=${new Date(NOW - 2 * DAY).toISOString()}`);
		const old = contact('explicit', [LIST], `${LIST}=${new Date(NOW - 8 * DAY).toISOString()}`);
		expect(decide(shopper(true), recent, retrigger)).toMatchObject({ action: 'stay', reason: 'cooldown' });
		expect(decide(shopper(true), old, retrigger)).toMatchObject({ action: 'rejoin' });
		expect(decide(shopper(true), recent, policy())).toMatchObject({ action: 'stay', reason: 'already-on-list' });
	});
});
