/** Remove Contact from List: "the shopper bought, stop the reminders"; with Clear Cart Fields the recovered cart's details go too. */
import type { IDataObject } from 'n8n-workflow';

import type { FakeConstantContact } from '../../fake-constant-contact';
import { removeParameters, runNode, useAutoresponderStandIn } from './setup';

const standIn = useAutoresponderStandIn(false);
let fakeCc: FakeConstantContact;
let listId: string;
beforeEach(() => ({ fakeCc, listId } = standIn));

function fieldValues(email: string): Record<string, string> {
	const labels = new Map(fakeCc.control.snapshot().customFields.map((f) => [String(f.custom_field_id), String(f.label)]));
	const contact = fakeCc.control.findContactByEmail(email) as { custom_fields?: Array<{ custom_field_id: string; value: string }> };
	return Object.fromEntries((contact.custom_fields ?? []).map((f) => [labels.get(f.custom_field_id), f.value]));
}

const removeWithClearing = (clearCartFields: string) => removeParameters(listId, { clearCartFields });

describe('Remove Contact from List', () => {
	it('removes shoppers on the list and says which were not found or not on it', async () => {
		fakeCc.control.seedContact({ email: 'bought@example.com', listIds: [listId] });
		fakeCc.control.seedContact({ email: 'elsewhere@example.com' });
		const run = await runNode(fakeCc, removeParameters(listId), [
			{ email: 'bought@example.com', orderId: 'o-1' },
			{ email: 'elsewhere@example.com' },
			{ email: 'stranger@example.com' },
			{ email: 'not-an-email' },
		]);
		expect(run.json.map((json) => [json.status, json.reason])).toEqual([
			['removed', null],
			['skipped', 'not-on-list'],
			['skipped', 'not-found'],
			['skipped', 'invalid-email'],
		]);
		expect(run.json[0]).toMatchObject({ orderId: 'o-1', listId });
		expect(run.output.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }, { item: 3 }]);
		expect(fakeCc.control.findContactByEmail('bought@example.com')!.list_memberships).toEqual([]);
	});

	it('looks up many shoppers by reading the account and removes them in activities of at most 500', async () => {
		const emails = Array.from({ length: 620 }, (_, n) => `buyer${n}@example.com`);
		for (const email of emails) fakeCc.control.seedContact({ email, listIds: [listId] });
		const run = await runNode(fakeCc, removeParameters(listId), emails.map((email) => ({ email })));
		expect(run.json.every((json) => json.status === 'removed')).toBe(true);
		const removals = fakeCc.control.requestLog().filter((entry) => entry.path === '/v3/activities/remove_list_memberships');
		expect(removals).toHaveLength(2);
		// One count, then the account in two pages of 500: cheaper than 620 look-ups by email.
		expect(fakeCc.control.requestLog().filter((entry) => entry.path === '/v3/contacts')).toHaveLength(3);
	});

	it('looks a few shoppers up by email instead of reading a large account', async () => {
		const emails = Array.from({ length: 1500 }, (_, n) => `member${n}@example.com`);
		for (const email of emails) fakeCc.control.seedContact({ email, listIds: [listId] });
		fakeCc.control.clearRequestLog();
		const run = await runNode(fakeCc, removeParameters(listId), [{ email: emails[7] }, { email: emails[1200] }]);
		expect(run.json.map((json) => json.status)).toEqual(['removed', 'removed']);
		const contactReads = fakeCc.control.requestLog().filter((entry) => entry.path === '/v3/contacts');
		expect(contactReads.map((entry) => entry.query)).toEqual([
			expect.objectContaining({ include_count: 'true' }),
			expect.objectContaining({ email: emails[7] }),
			expect.objectContaining({ email: emails[1200] }),
		]);
	});

	describe('with the contact ID the workflow kept', () => {
		const removeById = (options: IDataObject = {}) => removeParameters(listId, { contactId: '={{ $json.contactId }}', ...options });
		const contactRequests = () => fakeCc.control.requestLog().filter((entry) => entry.path.startsWith('/v3/contacts'));

		it('removes without a look-up, 500 per activity, and waits for the activities together', async () => {
			const emails = Array.from({ length: 1_200 }, (_, n) => `buyer${n}@example.com`);
			const ids = emails.map((email) => String(fakeCc.control.seedContact({ email, listIds: [listId] }).contact_id));
			fakeCc.control.clearRequestLog();
			const run = await runNode(fakeCc, removeById(), emails.map((email, n) => ({ email, contactId: ids[n] })));
			expect(run.json.filter((json) => json.status !== 'removed')).toEqual([]);
			expect(run.json[1_199]).toMatchObject({ email: 'buyer1199@example.com', contactId: ids[1_199], status: 'removed' });
			expect(contactRequests()).toEqual([]);
			const log = fakeCc.control.requestLog().filter((entry) => entry.path.startsWith('/v3'));
			expect(log.filter((entry) => entry.path === '/v3/activities/remove_list_memberships')).toHaveLength(3);
			// Polled through the account's activity list: fewer polls than activities
			const polls = log.filter((entry) => entry.method === 'GET' && entry.path.startsWith('/v3/activities'));
			expect(polls.length).toBeGreaterThan(0);
			expect(polls.every((entry) => entry.path === '/v3/activities')).toBe(true);
			expect(polls.length).toBeLessThan(3);
			expect(emails.filter((email) => (fakeCc.control.findContactByEmail(email)!.list_memberships as string[]).length > 0)).toEqual([]);
		});

		it('looks up by email only the shoppers whose ID Constant Contact does not know, and those without one', async () => {
			const kept = fakeCc.control.seedContact({ email: 'kept.id@example.com', listIds: [listId] });
			const recreated = fakeCc.control.seedContact({ email: 'recreated@example.com', listIds: [listId] });
			const other = fakeCc.control.seedContact({ email: 'no.id@example.com', listIds: [listId] });
			fakeCc.control.clearRequestLog();
			const unknownId = '0b9d52f6-0000-4000-8000-00000000abcd';
			const run = await runNode(fakeCc, removeById(), [
				{ email: 'kept.id@example.com', contactId: String(kept.contact_id) },
				{ email: 'recreated@example.com', contactId: unknownId },
				{ email: 'no.id@example.com', contactId: '' },
				{ email: 'stranger@example.com', contactId: '0b9d52f6-0000-4000-8000-00000000dcba' },
			]);
			expect(run.json.map((json) => [json.status, json.reason, json.contactId])).toEqual([
				['removed', null, String(kept.contact_id)],
				['removed', null, String(recreated.contact_id)],
				['removed', null, String(other.contact_id)],
				['skipped', 'not-found', null],
			]);
			// First by ID (three IDs, two unknown), then the shoppers found by email: the two on the list
			const removals = fakeCc.control.snapshot().activities;
			expect(removals.map((activity) => (activity.status as IDataObject).items_total_count)).toEqual([3, 2]);
			expect(contactRequests().length).toBeGreaterThan(0);
			expect(fakeCc.control.findContactByEmail('recreated@example.com')!.list_memberships).toEqual([]);
		});

		it('fails an item whose contact ID is malformed and still removes the others', async () => {
			const buyer = fakeCc.control.seedContact({ email: 'buyer@example.com', listIds: [listId] });
			const run = await runNode(fakeCc, removeById(), [
				{ email: 'typo@example.com', contactId: 'cust_123' },
				{ email: 'buyer@example.com', contactId: String(buyer.contact_id) },
			], { continueOnFail: true });
			expect(run.json[0]).toMatchObject({ status: 'failed', reason: 'invalid-contact-id' });
			expect(String((run.json[0] as IDataObject).error)).toContain('"cust_123" is not a Constant Contact contact ID');
			expect(run.json[1]).toMatchObject({ status: 'removed', contactId: String(buyer.contact_id) });
			expect(fakeCc.control.findContactByEmail('buyer@example.com')!.list_memberships).toEqual([]);
		});

		it('empties the cart fields of a shopper removed by ID, keeping every other value', async () => {
			fakeCc.control.seedCustomField({ label: 'ac_recovery_url' });
			fakeCc.control.seedCustomField({ label: 'loyalty_tier' });
			const buyer = fakeCc.control.seedContact({
				email: 'buyer@example.com',
				listIds: [listId],
				customFields: { ac_recovery_url: 'https://shop.example.com/cart/1', loyalty_tier: 'gold' },
			});
			const run = await runNode(fakeCc, removeById({ clearCartFields: 'ac_recovery_url' }), [
				{ email: 'buyer@example.com', contactId: String(buyer.contact_id) },
			]);
			expect(run.json[0]).toMatchObject({ status: 'removed', customFields: { ac_recovery_url: '' } });
			const labels = new Map(fakeCc.control.snapshot().customFields.map((field) => [field.custom_field_id, field.label]));
			const stored = fakeCc.control.findContactByEmail('buyer@example.com')!.custom_fields as Array<{ custom_field_id: string; value: string }>;
			expect(Object.fromEntries(stored.map((field) => [labels.get(field.custom_field_id), field.value]))).toEqual({ ac_recovery_url: '', loyalty_tier: 'gold' });
			expect(fakeCc.control.findContactByEmail('buyer@example.com')!.list_memberships).toEqual([]);
		});
	});
});

describe('Remove Contact from List with Clear Cart Fields', () => {
	it('empties the named cart fields of a removed shopper and of one already off the list, and nothing else', async () => {
		const cart = { ac_recovery_url: 'https://shop.example.com/cart/recover/1', ac_cart_total: '89.90 EUR', favourite_colour: 'green' };
		fakeCc.control.seedContact({ email: 'bought@example.com', firstName: 'Ada', listIds: [listId], customFields: cart });
		fakeCc.control.seedContact({ email: 'earlier@example.com', customFields: { ac_recovery_url: 'https://shop.example.com/cart/recover/2' } });
		const run = await runNode(fakeCc, removeWithClearing('ac_recovery_url, ac_cart_total, ac_no_such_field'), [
			{ email: 'bought@example.com' },
			{ email: 'earlier@example.com' },
			{ email: 'stranger@example.com' },
		]);

		expect(run.json.map((json) => [json.status, json.reason, json.customFields])).toEqual([
			['removed', null, { ac_recovery_url: '', ac_cart_total: '' }],
			['skipped', 'not-on-list', { ac_recovery_url: '' }],
			['skipped', 'not-found', {}],
		]);
		expect(fieldValues('bought@example.com')).toEqual({ ac_recovery_url: '', ac_cart_total: '', favourite_colour: 'green' });
		expect(fieldValues('earlier@example.com')).toEqual({ ac_recovery_url: '' });
		const bought = fakeCc.control.findContactByEmail('bought@example.com') as { first_name?: string; email_address: { permission_to_send: string } };
		expect(bought.first_name).toBe('Ada');
		expect(bought.email_address.permission_to_send).toBe('implicit');
		expect(fakeCc.control.permissionChanges()).toEqual([]);
		expect(fakeCc.control.contractViolations()).toEqual([]);
	});

	it('leaves an unsubscribed shopper unsubscribed while clearing the fields', async () => {
		fakeCc.control.seedContact({ email: 'gone@example.com', permission: 'unsubscribed', customFields: { ac_recovery_url: 'https://shop.example.com/cart/recover/3' } });
		const run = await runNode(fakeCc, removeWithClearing('ac_recovery_url'), [{ email: 'gone@example.com' }]);
		expect(run.json[0]).toMatchObject({ status: 'skipped', reason: 'not-on-list', customFields: { ac_recovery_url: '' } });
		expect(fakeCc.control.permissionChanges()).toEqual([]);
	});

	it('sends no update when the fields are already empty, and says which item failed when Constant Contact refuses one', async () => {
		fakeCc.control.seedContact({ email: 'clean@example.com', listIds: [listId] });
		fakeCc.control.seedContact({ email: 'refused@example.com', listIds: [listId], customFields: { ac_recovery_url: 'https://shop.example.com/cart/recover/4' } });
		fakeCc.control.injectFaults([{ kind: 'status', status: 400, match: { method: 'PUT', path: /^\/v3\/contacts\// } }]);
		const run = await runNode(fakeCc, removeWithClearing('ac_recovery_url'), [{ email: 'clean@example.com' }, { email: 'refused@example.com' }], { continueOnFail: true });
		expect(run.json.map((json) => json.status)).toEqual(['removed', 'failed']);
		expect(run.json[1].error).toMatch(/^Could not update the contact refused@example.com/);
		expect(fakeCc.control.requestLog().filter((entry) => entry.method === 'PUT')).toHaveLength(1);
	});
});
