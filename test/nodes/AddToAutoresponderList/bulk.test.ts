/** Bulk mode: the account read once, imports and membership activities, results mapped back to every item. */
import type { FakeConstantContact } from '../../fake-constant-contact';
import { shopperCart } from '../../support/carts';
import { addParameters, runNode, useAutoresponderStandIn } from './setup';

const standIn = useAutoresponderStandIn();
let fakeCc: FakeConstantContact;
let listId: string;
beforeEach(() => ({ fakeCc, listId } = standIn));

describe('Add Contact to List in bulk', () => {
	it('puts 10,000 shoppers on the list with no more than 30 requests, one result per item', async () => {
		fakeCc.control.seedContact({ email: 'shopper1@example.com', permission: 'unsubscribed' });
		fakeCc.control.seedContact({ email: 'shopper2@example.com', permission: 'implicit' });
		fakeCc.control.seedContact({ email: 'shopper3@example.com', permission: 'explicit', listIds: [listId] });
		const items = Array.from({ length: 10_000 }, (_, n) => shopperCart(n + 1));
		items[3].marketing_consent = false;

		const run = await runNode(fakeCc, addParameters(listId), items);

		// A 429 is retried and does no work, so the budget counts the requests Constant Contact answered. Under heavy
		// machine load the 4 MB import body can reach the stand-in late and bunch with the next requests: that 429 is
		// the client's retry path working, not a broken pace (the pace itself is checked in the throttle tests).
		const answered = fakeCc.control.requestLog().filter((entry) => entry.status !== 429);
		expect(answered.length).toBeLessThanOrEqual(30);
		expect(run.output).toHaveLength(10_000);
		expect(run.output.every((item, index) => (item.pairedItem as { item: number }).item === index)).toBe(true);
		const statuses = run.json.reduce<Record<string, number>>((counts, json) => {
			counts[String(json.status)] = (counts[String(json.status)] ?? 0) + 1;
			return counts;
		}, {});
		// The import does not say whether an existing contact was on the list already: both existing ones are "added".
		expect(statuses).toEqual({ skipped: 2, added: 2, created: 9_996 });
		expect(run.json[0]).toMatchObject({ status: 'skipped', reason: 'unsubscribed' });
		expect(run.json[3]).toMatchObject({ status: 'skipped', reason: 'no-consent' });
		expect(run.json[9_999]).toMatchObject({ email: 'shopper10000@example.com', status: 'created', customFields: { ac_cart_id: 'cart-11000' } });
		expect(run.json[9_999].contactId).toBe(fakeCc.control.findContactByEmail('shopper10000@example.com')!.contact_id);
		expect(fakeCc.control.automationEntries({ listId })).toHaveLength(9_997);
		expect(fakeCc.control.findContactByEmail('shopper1@example.com')!.email_address).toMatchObject({ permission_to_send: 'unsubscribed' });
		expect(fakeCc.control.permissionChanges()).toEqual([]);
	});

	it('re-triggers repeat abandoners in bulk: removal first, then the import re-adds them', async () => {
		fakeCc.control.seedContact({ email: 'shopper1@example.com', listIds: [listId] });
		fakeCc.control.seedContact({ email: 'shopper2@example.com', listIds: [listId] });
		const parameters = addParameters(listId, { repeatAbandoners: 'retrigger', cooldownDays: 7, options: { bulkThreshold: 2 } });
		const run = await runNode(fakeCc, parameters, [shopperCart(1), shopperCart(2), shopperCart(3)]);
		expect(run.json.map((json) => json.status)).toEqual(['re-added', 're-added', 'created']);
		expect(fakeCc.control.automationEntries({ listId })).toHaveLength(3);
		const routes = fakeCc.control.requestLog().map((entry) => `${entry.method} ${entry.path}`);
		expect(routes.indexOf('POST /v3/activities/remove_list_memberships')).toBeLessThan(routes.indexOf('POST /v3/activities/contacts_json_import'));

		const again = await runNode(fakeCc, parameters, [shopperCart(1), shopperCart(2), shopperCart(3)]);
		expect(again.json.map((json) => json.reason)).toEqual(['cooldown', 'cooldown', 'cooldown']);
		expect(fakeCc.control.automationEntries({ listId })).toHaveLength(3);
	});

	it('adds existing subscribers it had to look up, with nothing to write, by ID in a membership activity', async () => {
		fakeCc.control.seedContact({ email: 'shopper1@example.com' });
		fakeCc.control.seedContact({ email: 'shopper2@example.com' });
		const parameters = addParameters(listId, { consentPolicy: 'consentedOrSubscribed', cartFields: { field: [] }, firstName: '', options: { bulkThreshold: 2 } });
		const run = await runNode(fakeCc, parameters, [shopperCart(1, { marketing_consent: false }), shopperCart(2, { marketing_consent: false })]);
		expect(run.json.map((json) => json.status)).toEqual(['added', 'added']);
		const routes = fakeCc.control.requestLog().map((entry) => entry.path);
		expect(routes).toContain('/v3/activities/add_list_memberships');
		expect(routes).not.toContain('/v3/activities/contacts_json_import');
	});

	it('fails only the shoppers an import rejected, and the others succeed', async () => {
		fakeCc.control.injectFaults([{ kind: 'import_contact_errors', emails: ['shopper2@example.com'] }]);
		const parameters = addParameters(listId, { options: { bulkThreshold: 2 } });
		const run = await runNode(fakeCc, parameters, [shopperCart(1), shopperCart(2), shopperCart(3)], { continueOnFail: true });
		expect(run.json.map((json) => json.status)).toEqual(['created', 'failed', 'created']);
		expect(String(run.json[1].error)).toMatch(/did not put shopper2@example.com on the list: rejected by an injected fault/);
	});

	it('keeps a truthful status and names the cart fields an import did not store, whatever the wording of its error', async () => {
		fakeCc.control.seedCustomField({ label: 'ac_recovery_url' });
		fakeCc.control.injectFaults([{ kind: 'import_field_errors', emails: ['shopper2@example.com'], fields: ['ac_recovery_url'] }]);
		const cartFields = { field: [{ label: 'ac_cart_id', value: '={{ $json.id }}' }, { label: 'ac_recovery_url', value: 'https://shop.example.com/r/1' }] };
		const run = await runNode(fakeCc, addParameters(listId, { cartFields, options: { bulkThreshold: 2 } }), [shopperCart(1), shopperCart(2)], { continueOnFail: true });
		expect(run.json.map((json) => [json.status, json.cartFieldsNotWritten])).toEqual([
			['created', []],
			['created', ['ac_recovery_url']],
		]);
		expect(run.json[1].customFields).toEqual({ ac_cart_id: 'cart-1002' });
		expect(run.json[1].warning).toMatch(/^Constant Contact did not store ac_recovery_url for shopper2@example.com \(Contact shopper2@example.com: values for ac_recovery_url could not be saved/);
		expect(run.json[0].warning).toBeNull();
	});

	it('fails the items of an import activity that ends failed, with no shopper reported as added', async () => {
		fakeCc.control.injectFaults([{ kind: 'activity_failed', match: { path: '/v3/activities/contacts_json_import' } }]);
		const parameters = addParameters(listId, { options: { bulkThreshold: 2 } });
		const run = await runNode(fakeCc, parameters, [shopperCart(1), shopperCart(2)], { continueOnFail: true });
		expect(run.json.map((json) => json.status)).toEqual(['failed', 'failed']);
		expect(String(run.json[0].error)).toMatch(/import of 2 contacts ended failed/);
		expect(fakeCc.control.automationEntries()).toEqual([]);
	});
});
