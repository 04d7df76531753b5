/**
 * Never lose a merchant's data: existing contacts carry the merchant's own custom field values, lists, phones, an
 * address, a note and a tag. Every write path of both nodes, one by one and in bulk, on the stand-in in its default
 * (PUT replaces) mode, leaves all of it deep-equal to before except the package's own fields and the reminder list.
 */
import type { IDataObject } from 'n8n-workflow';

import { ConstantContactApi } from '../../../nodes/ConstantContact/api';
import { ConstantContactClient } from '../../../nodes/ConstantContact/httpClient';
import { addShoppersToList } from '../../../nodes/AddToAutoresponderList/addToList';
import { readShopper } from '../../../nodes/AddToAutoresponderList/shopper';
import type { FakeConstantContact } from '../../fake-constant-contact';
import { createFetchSend } from '../../support/fetchTransport';
import { PACKAGE_NAME, runWorkflow } from '../../harness';
import { addParameters, oneNodeWorkflow, removeParameters, runNode, useAutoresponderStandIn } from './setup';
import { merchantData, packageFieldValues, seedMerchantAccount, type MerchantAccount } from '../../support/merchantData';

const standIn = useAutoresponderStandIn();
let fakeCc: FakeConstantContact;
let listId: string;
let account: MerchantAccount;
beforeEach(() => {
	({ fakeCc, listId } = standIn);
	account = seedMerchantAccount(fakeCc.control, listId);
	// The merchant's contacts existed before the run, not in its first millisecond (a bulk run tells created from added
	// by the contact's creation time against its own start)
	fakeCc.control.advanceClock(1_000);
});
afterEach(() => {
	expect(fakeCc.control.consentViolations()).toEqual([]);
	expect(fakeCc.control.permissionChanges()).toEqual([]);
});

/** Cart values this package writes, and the fields it owns (ac_*). */
const CART_FIELDS = {
	field: [
		{ label: 'ac_cart_id', value: '={{ $json.id }}' },
		{ label: 'ac_recovery_url', value: '=https://shop.example.com/cart/recover/{{ $json.id }}' },
	],
};

function shoppers(emails: string[]): IDataObject[] {
	return emails.map((email, n) => ({ email, id: `cart-${2000 + n}`, marketing_consent: true }));
}

function expectEveryMerchantValueKept(): void {
	for (const email of account.emails) {
		expect({ email, ...merchantData(fakeCc.control, email, listId) }).toEqual({ email, ...account.before.get(email) });
	}
}

const remove = (clearCartFields = '') => removeParameters(listId, clearCartFields ? { clearCartFields } : {});

describe.each([
	['one by one', 1000],
	['in bulk', 2],
])('every write path keeps the merchant\'s data (%s)', (_mode, bulkThreshold) => {
	const add = (overrides: Record<string, unknown> = {}) =>
		addParameters(listId, { cartFields: CART_FIELDS, firstName: '', options: { bulkThreshold }, ...overrides });

	it('create (a new shopper) and join (a customer not yet on the reminder list)', async () => {
		const run = await runNode(fakeCc, add(), shoppers(['new.shopper@example.com', ...account.offTheList]));
		expect(run.json.map((json) => json.status)).toEqual(['created', 'added']);
		expect(fakeCc.control.findContactByEmail(account.offTheList[0])!.list_memberships).toContain(listId);
		expectEveryMerchantValueKept();
	});

	it('rejoin (re-trigger) of customers already on the reminder list', async () => {
		const run = await runNode(fakeCc, add({ repeatAbandoners: 'retrigger', cooldownDays: 0 }), shoppers(account.onTheList));
		expect(run.json.map((json) => json.status)).toEqual(['re-added', 're-added']);
		expect(fakeCc.control.automationEntries({ listId })).toHaveLength(2);
		expectEveryMerchantValueKept();
	});

	it('stay on the list with new cart values', async () => {
		const run = await runNode(fakeCc, add(), shoppers(account.onTheList));
		// In bulk the import does not say whether an existing contact was on the list already: "added" means on it now.
		const onTheList = bulkThreshold === 2 ? 'added' : 'already-on-list';
		expect(run.json.map((json) => json.status)).toEqual([onTheList, onTheList]);
		expect(run.json[0].customFields).toMatchObject({ ac_cart_id: 'cart-2000' });
		expectEveryMerchantValueKept();
	});

	it('remove, and remove with Clear Cart Fields', async () => {
		const removed = await runNode(fakeCc, remove(), [{ email: account.onTheList[0] }]);
		expect(removed.json[0].status).toBe('removed');
		const cleared = await runNode(fakeCc, remove('ac_cart_id, ac_recovery_url'), [{ email: account.onTheList[1] }, { email: account.offTheList[0] }]);
		expect(cleared.json.map((json) => json.status)).toEqual(['removed', 'skipped']);
		expect(packageFieldValues(fakeCc.control, account.onTheList[1])).toEqual({ ac_cart_id: '' });
		expectEveryMerchantValueKept();
	});
});

describe('the shopper\'s email is matched whatever its case', () => {
	it('joins an existing customer typed in mixed case instead of creating or signing them up again', async () => {
		const typed = account.offTheList[0].replace(/^./, (c) => c.toUpperCase()).replace('@example', '@Example');
		const run = await runNode(fakeCc, addParameters(listId, { cartFields: CART_FIELDS, firstName: '' }), shoppers([typed]));
		expect(run.json[0]).toMatchObject({ status: 'added', contactId: fakeCc.control.findContactByEmail(typed)!.contact_id });
		expectEveryMerchantValueKept();
	});

	it('never signs an unsubscribed customer up again when the shop sends the address in another case', async () => {
		fakeCc.control.seedContact({ email: 'gone.away@example.com', permission: 'unsubscribed' });
		const run = await runNode(fakeCc, addParameters(listId), [{ email: 'Gone.Away@Example.com', id: 'cart-9', marketing_consent: true }]);
		expect(run.json[0]).toMatchObject({ status: 'skipped', reason: 'unsubscribed' });
		expect(fakeCc.control.findContactByEmail('gone.away@example.com')!.email_address).toMatchObject({ permission_to_send: 'unsubscribed' });
	});
});

describe('Forget Shopper', () => {
	it('forgets a shopper in n8n without sending Constant Contact a single request', async () => {
		fakeCc.control.clearRequestLog();
		const filter = oneNodeWorkflow({ type: `${PACKAGE_NAME}.abandonedCartFilter`, name: 'Abandoned Cart Filter', parameters: { operation: 'forget' } });
		const run = await runWorkflow(filter, { items: [{ email: account.onTheList[0] }] });
		expect(run.outputsOf('Abandoned Cart Filter', 0)[0].forgotten).toMatchObject({ reason: 'forgotten' });
		expect(fakeCc.control.requestLog()).toEqual([]);
		expectEveryMerchantValueKept();
	});
});

describe('writes that race or would not fit', () => {
	it('re-trigger keeps a list the customer joined while the removal from the reminder list was running', async () => {
		const joinedMeanwhile = String(fakeCc.control.seedList({ name: 'Joined while the removal ran' }).list_id);
		const email = account.onTheList[0];
		let joined = false;
		const { access_token } = fakeCc.control.issueTokens();
		const pause = async (ms: number) => await new Promise<void>((resolve) => setTimeout(resolve, ms));
		const client = new ConstantContactClient({ send: createFetchSend({ accessToken: () => access_token }), apiBaseUrl: fakeCc.apiBaseUrl, sleep: pause });
		// The activity poll's pause is when the merchant's other integration puts the customer on a list.
		const api = new ConstantContactApi(client, async (ms) => {
			if (!joined) fakeCc.control.joinList({ email, listId: joinedMeanwhile });
			joined = true;
			await pause(ms);
		});
		const shopper = readShopper({ index: 0, email, consent: true, cartValues: [{ label: 'ac_cart_id', value: 'cart-7' }] }, 'truncate');
		const [result] = await addShoppersToList(api, [shopper], {
			listId,
			consentPolicy: 'consented',
			repeatAbandoners: 'retrigger',
			cooldownMs: 0,
			reentryFieldLabel: 'ac_list_entries',
			createMissingFields: false,
			bulkThreshold: 1000,
			now: Date.now(),
		});
		expect(joined).toBe(true);
		expect(result.status).toBe('re-added');
		expect(fakeCc.control.findContactByEmail(email)!.list_memberships).toEqual(expect.arrayContaining([listId, joinedMeanwhile]));
		account.before.get(email)!.lists = [...account.before.get(email)!.lists, joinedMeanwhile].sort();
		expectEveryMerchantValueKept();
	});

	it('fails the item with a clear reason, and writes nothing, when the customer would hold more than 25 custom field values', async () => {
		const email = account.offTheList[0];
		const many = Object.fromEntries(Array.from({ length: 23 }, (_, n) => [`survey_answer_${n + 1}`, `answer ${n + 1}`]));
		fakeCc.control.seedContact({ email: 'many.fields@example.com', customFields: { ...many, loyalty_tier: 'silver' } });
		const before = fakeCc.control.findContactByEmail('many.fields@example.com');
		const run = await runNode(
			fakeCc,
			addParameters(listId, { cartFields: CART_FIELDS, firstName: '', consentPolicy: 'allShoppers' }),
			shoppers(['many.fields@example.com', email]),
			{ continueOnFail: true },
		);
		expect(run.json.map((json) => json.status)).toEqual(['failed', 'added']);
		expect(run.json[0].reason).toBe('too-many-custom-fields');
		expect(run.json[0].error).toMatch(/Nothing was written for many\.fields@example\.com: the contact would hold 26 custom field values/);
		expect(fakeCc.control.findContactByEmail('many.fields@example.com')).toEqual(before);
		expectEveryMerchantValueKept();
	});
});
