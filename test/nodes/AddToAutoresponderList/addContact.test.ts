/** Add Contact to List, one shopper at a time, against the Constant Contact stand-in. */
import type { FakeConstantContact } from '../../fake-constant-contact';
import { shopperCart } from '../../support/carts';
import { addParameters, runNode, useAutoresponderStandIn } from './setup';

const standIn = useAutoresponderStandIn();
let fakeCc: FakeConstantContact;
let listId: string;
beforeEach(() => ({ fakeCc, listId } = standIn));

const routes = () => fakeCc.control.requestLog().map((entry) => `${entry.method} ${entry.path}`);

describe('Add Contact to List', () => {
	it('signs up a new consenting shopper with the cart details and starts the automation once', async () => {
		const run = await runNode(fakeCc, addParameters(listId), [shopperCart(1)]);
		expect(run.output).toHaveLength(1);
		expect(run.output[0].pairedItem).toEqual({ item: 0 });
		expect(run.json[0]).toMatchObject({
			id: 'cart-1001',
			email: 'shopper1@example.com',
			listId,
			status: 'created',
			reason: null,
			customFields: { ac_cart_id: 'cart-1001' },
			truncated: [],
		});
		const contact = fakeCc.control.findContactByEmail('shopper1@example.com')!;
		expect(run.json[0].contactId).toBe(contact.contact_id);
		expect(contact).toMatchObject({ first_name: 'Shopper 1', email_address: { permission_to_send: 'explicit' } });
		expect(fakeCc.control.automationEntries({ listId })).toHaveLength(1);
		expect(routes()).toContain('POST /v3/contacts/sign_up_form');
	});

	it('adds an existing contact to the list without changing its permission or its other data', async () => {
		fakeCc.control.seedContact({ email: 'shopper2@example.com', firstName: 'Bea', lastName: 'Old', permission: 'implicit' });
		const run = await runNode(fakeCc, addParameters(listId), [shopperCart(2, { first_name: undefined })]);
		expect(run.json[0]).toMatchObject({ status: 'added', customFields: { ac_cart_id: 'cart-1002' } });
		const contact = fakeCc.control.findContactByEmail('shopper2@example.com')!;
		expect(contact).toMatchObject({ first_name: 'Bea', last_name: 'Old', email_address: { permission_to_send: 'implicit' } });
		expect(contact.list_memberships).toEqual([listId]);
		expect(fakeCc.control.permissionChanges()).toEqual([]);
		expect(fakeCc.control.automationEntries({ listId })).toHaveLength(1);
		expect(routes()).not.toContain('POST /v3/contacts/sign_up_form');
	});

	it('leaves an unsubscribed contact untouched even when the cart says it consented', async () => {
		fakeCc.control.seedContact({ email: 'gone@example.com', permission: 'unsubscribed', customFields: { ac_cart_id: 'old' } });
		const run = await runNode(fakeCc, addParameters(listId), [shopperCart(3, { email: 'gone@example.com' })]);
		expect(run.json[0]).toMatchObject({ status: 'skipped', reason: 'unsubscribed', customFields: {} });
		const contact = fakeCc.control.findContactByEmail('gone@example.com')!;
		expect(contact.email_address).toMatchObject({ permission_to_send: 'unsubscribed' });
		expect(contact.list_memberships).toEqual([]);
		expect(fakeCc.control.permissionChanges()).toEqual([]);
		expect(fakeCc.control.automationEntries()).toEqual([]);
		expect(routes().filter((route) => !route.startsWith('GET'))).toEqual([]);
	});

	it('skips shoppers without consent under the default policy without asking Constant Contact about them', async () => {
		const run = await runNode(fakeCc, addParameters(listId), [shopperCart(4, { marketing_consent: 'no' }), shopperCart(5, { marketing_consent: 'yes' })]);
		expect(run.json.map((json) => [json.status, json.reason])).toEqual([
			['skipped', 'no-consent'],
			['created', null],
		]);
		expect(fakeCc.control.findContactByEmail('shopper4@example.com')).toBeUndefined();
		expect(fakeCc.control.requestLog().some((entry) => JSON.stringify(entry.query).includes('shopper4'))).toBe(false);
	});

	it('adds existing subscribers without consent only under "Consenting Shoppers and Existing Subscribers"', async () => {
		fakeCc.control.seedContact({ email: 'shopper6@example.com', permission: 'explicit' });
		const run = await runNode(fakeCc, addParameters(listId, { consentPolicy: 'consentedOrSubscribed' }), [
			shopperCart(6, { marketing_consent: false }),
			shopperCart(7, { marketing_consent: false }),
		]);
		expect(run.json.map((json) => [json.status, json.reason])).toEqual([
			['added', null],
			['skipped', 'no-consent'],
		]);
		expect(fakeCc.control.findContactByEmail('shopper7@example.com')).toBeUndefined();
	});

	it('creates shoppers without consent with implied permission only under "All Shoppers", never through the sign-up form', async () => {
		const run = await runNode(fakeCc, addParameters(listId, { consentPolicy: 'allShoppers' }), [shopperCart(8, { marketing_consent: false })]);
		expect(run.json[0]).toMatchObject({ status: 'created' });
		const contact = fakeCc.control.findContactByEmail('shopper8@example.com')!;
		expect(contact).toMatchObject({ create_source: 'Account', email_address: { permission_to_send: 'implicit' } });
		expect(routes()).not.toContain('POST /v3/contacts/sign_up_form');
		expect(fakeCc.control.automationEntries({ listId })).toHaveLength(1);
	});

	it('leaves a repeat abandoner on the list by default and updates the cart details', async () => {
		fakeCc.control.seedContact({ email: 'shopper9@example.com', listIds: [listId], customFields: { ac_cart_id: 'cart-old' } });
		const run = await runNode(fakeCc, addParameters(listId), [shopperCart(9)]);
		expect(run.json[0]).toMatchObject({ status: 'already-on-list', reason: 'already-on-list', customFields: { ac_cart_id: 'cart-1009' } });
		expect(fakeCc.control.automationEntries({ listId })).toEqual([]);
	});

	it('re-triggers a repeat abandoner by removing and re-adding it, at most once per cooldown', async () => {
		const parameters = addParameters(listId, { repeatAbandoners: 'retrigger', cooldownDays: 7 });
		const first = await runNode(fakeCc, parameters, [shopperCart(10)]);
		expect(first.json[0]).toMatchObject({ status: 'created' });
		expect(first.json[0].customFields).toHaveProperty('ac_list_entries');

		const again = await runNode(fakeCc, parameters, [shopperCart(10)]);
		expect(again.json[0]).toMatchObject({ status: 'already-on-list', reason: 'cooldown' });
		expect(fakeCc.control.automationEntries({ listId })).toHaveLength(1);

		const noCooldown = await runNode(fakeCc, { ...parameters, cooldownDays: 0 }, [shopperCart(10)]);
		expect(noCooldown.json[0]).toMatchObject({ status: 're-added', reason: null });
		expect(fakeCc.control.automationEntries({ listId })).toHaveLength(2);
		expect(fakeCc.control.findContactByEmail('shopper10@example.com')!.list_memberships).toEqual([listId]);
		expect(fakeCc.control.permissionChanges()).toEqual([]);
	});

	it('re-triggers once the cooldown recorded on the contact has passed', async () => {
		const eightDaysAgo = new Date(Date.now() - 8 * 24 * 3600 * 1000).toISOString();
		fakeCc.control.seedContact({
			email: 'shopper11@example.com',
			listIds: [listId],
			customFields: { ac_list_entries: `${listId}=${eightDaysAgo}` },
		});
		const run = await runNode(fakeCc, addParameters(listId, { repeatAbandoners: 'retrigger' }), [shopperCart(11)]);
		expect(run.json[0]).toMatchObject({ status: 're-added' });
		expect(fakeCc.control.automationEntries({ listId })).toHaveLength(1);
	});

	it('creates missing custom fields when asked and cuts values over 255 characters at a character boundary', async () => {
		const longSummary = `${'a'.repeat(254)}😀 and more items`;
		const parameters = addParameters(listId, {
			cartFields: {
				field: [
					{ label: 'ac_cart_id', value: '={{ $json.id }}' },
					{ label: 'ac_items_summary', value: longSummary },
				],
			},
			options: { createMissingFields: true },
		});
		const run = await runNode(fakeCc, parameters, [shopperCart(12)]);
		expect(run.json[0]).toMatchObject({ status: 'created', truncated: ['ac_items_summary'] });
		expect((run.json[0].customFields as Record<string, string>).ac_items_summary).toBe('a'.repeat(254));
		const fields = fakeCc.control.snapshot().customFields.map((field) => field.label);
		expect(fields).toContain('ac_items_summary');
	});

	it('fails only the item whose value is too long when the user chose to fail such items', async () => {
		const parameters = addParameters(listId, {
			cartFields: { field: [{ label: 'ac_cart_id', value: '={{ $json.id }}' }] },
			options: { longValues: 'fail' },
		});
		const run = await runNode(fakeCc, parameters, [shopperCart(13, { id: 'x'.repeat(300) }), shopperCart(14)], { continueOnFail: true });
		expect(run.json[0]).toMatchObject({ status: 'failed', reason: 'value-too-long' });
		expect(String(run.json[0].error)).toMatch(/has 300 characters; Constant Contact keeps at most 255/);
		expect(run.json[1]).toMatchObject({ status: 'created' });
	});

	it('reports malformed emails per item and carries on with the others', async () => {
		const run = await runNode(fakeCc, addParameters(listId), [shopperCart(16, { email: 'not an email' }), shopperCart(17), shopperCart(18, { email: '' })]);
		expect(run.json.map((json) => [json.status, json.reason])).toEqual([
			['skipped', 'invalid-email'],
			['created', null],
			['skipped', 'invalid-email'],
		]);
	});

	it('finds the list by name and creates it when asked', async () => {
		const parameters = addParameters(listId, {
			list: { __rl: true, mode: 'name', value: 'Cart reminders 2' },
			options: { createListIfMissing: true },
		});
		const run = await runNode(fakeCc, parameters, [shopperCart(19)]);
		const created = fakeCc.control.snapshot().lists.find((list) => list.name === 'Cart reminders 2');
		expect(created).toBeDefined();
		expect(run.json[0]).toMatchObject({ status: 'created', listId: created!.list_id });
	});
});
