/** Remove Contact from List's "Clear Cart Fields": a recovered cart's details do not stay in Constant Contact. */
import type { FakeConstantContact } from '../../fake-constant-contact';
import { runNode, useAutoresponderStandIn } from './setup';

const standIn = useAutoresponderStandIn(false);
let fakeCc: FakeConstantContact;
let listId: string;
beforeEach(() => ({ fakeCc, listId } = standIn));

function removeWithClearing(clearCartFields: string) {
	return {
		operation: 'removeContact',
		list: { __rl: true, mode: 'id', value: listId },
		email: '={{ $json.email }}',
		options: { clearCartFields },
	};
}

function fieldValues(email: string): Record<string, string> {
	const labels = new Map(fakeCc.control.snapshot().customFields.map((f) => [String(f.custom_field_id), String(f.label)]));
	const contact = fakeCc.control.findContactByEmail(email) as { custom_fields?: Array<{ custom_field_id: string; value: string }> };
	return Object.fromEntries((contact.custom_fields ?? []).map((f) => [labels.get(f.custom_field_id), f.value]));
}

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
