/**
 * What a bulk run costs must not grow with the account or the list: into an account of 200,000 contacts with 100,000
 * on the reminder list, a run never reads the account or the list page by page, stays within one request per 400
 * shoppers plus 6, and looks up an unsubscribed shopper at most once; removing buyers by their contact ID reads no
 * contact at all.
 */

import type { FakeConstantContact } from '../../fake-constant-contact';
import { shopperCart } from '../../support/carts';
import { addParameters, removeParameters, runNode, useAutoresponderStandIn } from './setup';

const standIn = useAutoresponderStandIn();
let fakeCc: FakeConstantContact;
let listId: string;
beforeEach(() => ({ fakeCc, listId } = standIn));

const ACCOUNT = 200_000;
const ON_LIST = 100_000;

/**
 * The run's shoppers 1-600 are new; 601-800 customers off the list; 801-890 on it with other cart values, 891-900 on
 * it with the very values the run writes; 901-1000 unsubscribed, 991-1000 of them holding the values the run writes.
 * The rest of the 200,000 are other customers, enough of them on the list to make it 100,000 long.
 */
function seedLargeAccount(): void {
	const cartIdOf = (shopper: number) => ({ ac_cart_id: `cart-${1000 + shopper}` });
	for (let shopper = 601; shopper <= 1_000; shopper++) {
		const onList = shopper > 800 && shopper <= 900;
		const unsubscribed = shopper > 900;
		const unchanged = (shopper > 890 && shopper <= 900) || shopper > 990;
		fakeCc.control.seedContact({
			email: `shopper${shopper}@example.com`,
			firstName: `Shopper ${shopper}`,
			permission: unsubscribed ? 'unsubscribed' : 'implicit',
			listIds: onList ? [listId] : [],
			customFields: unchanged ? cartIdOf(shopper) : { ac_cart_id: 'an older cart' },
		});
	}
	for (let n = 1; n <= ACCOUNT - 400; n++) {
		fakeCc.control.seedContact({ email: `customer${n}@example.org`, listIds: n <= ON_LIST - 100 ? [listId] : [] });
	}
}

describe('bulk runs in an account of 200,000 contacts', () => {
	it('never reads the account or the list, stays within 1 request per 400 shoppers + 6, looks each unsubscribed shopper up at most once', async () => {
		seedLargeAccount();
		// The account's contacts were last changed before this run, not in the same second.
		fakeCc.control.advanceClock(60_000);
		fakeCc.control.clearRequestLog();
		const shoppers = Array.from({ length: 1_000 }, (_, n) => shopperCart(n + 1));

		const run = await runNode(fakeCc, addParameters(listId), shoppers);

		const log = fakeCc.control.requestLog().filter((entry) => entry.path.startsWith('/v3'));
		// Answered reads only: a read Constant Contact throttled (429) and the client repeated is one read.
		const contactReads = log.filter((entry) => entry.method === 'GET' && entry.path === '/v3/contacts' && entry.status === 200);
		const pagedReads = contactReads.filter((entry) => entry.query.email === undefined);
		// Reading pages is allowed only for what changed during this run, never for the account or the list as such.
		expect(pagedReads.filter((entry) => entry.query.updated_after === undefined)).toEqual([]);
		expect(pagedReads.length).toBeLessThanOrEqual(Math.ceil(shoppers.length / 500));
		const lookUps = new Map<string, number>();
		for (const entry of contactReads) if (entry.query.email) lookUps.set(entry.query.email, (lookUps.get(entry.query.email) ?? 0) + 1);
		// The import could not add 100 unsubscribed contacts and changed only 90 of them: the 20 shoppers it did not change
		// (10 on the list, 10 unsubscribed) are looked up, once each; everything else fits in 1 request per 400 shoppers + 6.
		const unchanged = [...Array.from({ length: 10 }, (_, n) => 891 + n), ...Array.from({ length: 10 }, (_, n) => 991 + n)];
		expect([...lookUps.keys()].sort()).toEqual(unchanged.map((shopper) => `shopper${shopper}@example.com`).sort());
		expect([...lookUps.values()].every((count) => count === 1)).toBe(true);
		const answered = log.filter((entry) => entry.status !== 429);
		expect(answered.length - lookUps.size).toBeLessThanOrEqual(Math.ceil(shoppers.length / 400) + 6);

		const statuses = run.json.reduce<Record<string, number>>((counts, json) => {
			const key = `${String(json.status)}${json.reason ? ` (${String(json.reason)})` : ''}`;
			counts[key] = (counts[key] ?? 0) + 1;
			return counts;
		}, {});
		expect(statuses).toEqual({
			created: 600,
			added: 290,
			'already-on-list (already-on-list)': 10,
			'skipped (unsubscribed)': 100,
		});
		expect(run.json[900]).toMatchObject({ email: 'shopper901@example.com', status: 'skipped', reason: 'unsubscribed' });
		expect(fakeCc.control.automationEntries({ listId })).toHaveLength(800);
		expect(fakeCc.control.permissionChanges()).toEqual([]);
		expect(fakeCc.control.consentViolations()).toEqual([]);
	}, 180_000);

	it('removes buyers by the contact ID the workflow kept: no look-up, no read of the account, 1 request per 400 buyers + 6', async () => {
		seedLargeAccount();
		// The buyers: 1,000 of the customers on the list, with the IDs Add to Autoresponder List output for them
		const buyers = Array.from({ length: 1_000 }, (_, n) => `customer${n + 1}@example.org`).map((email) => ({
			email,
			contactId: String(fakeCc.control.findContactByEmail(email)!.contact_id),
		}));
		fakeCc.control.clearRequestLog();

		const run = await runNode(fakeCc, removeParameters(listId, { contactId: '={{ $json.contactId }}' }), buyers);

		expect(run.json.filter((json) => json.status !== 'removed')).toEqual([]);
		const log = fakeCc.control.requestLog().filter((entry) => entry.path.startsWith('/v3'));
		expect(log.filter((entry) => entry.path.startsWith('/v3/contacts'))).toEqual([]);
		expect(log.filter((entry) => entry.status !== 429).length).toBeLessThanOrEqual(Math.ceil(buyers.length / 400) + 6);
		expect(buyers.filter(({ email }) => (fakeCc.control.findContactByEmail(email)!.list_memberships as string[]).includes(listId))).toEqual([]);
		expect(fakeCc.control.findContactByEmail('customer1001@example.org')!.list_memberships).toEqual([listId]);
	}, 180_000);
});
