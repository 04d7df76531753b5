/** The typed calls against the Constant Contact stand-in, through the fetch transport the smoke check also uses. */
import { ConstantContactApi, chunkImportRows, utf8ByteLength } from '../../../nodes/ConstantContact/api';
import { ConstantContactClient } from '../../../nodes/ConstantContact/httpClient';
import { QuotaExceededError } from '../../../nodes/ConstantContact/errors';
import { MAX_IMPORT_BYTES } from '../../../nodes/ConstantContact/limits';
import type { Activity, JsonImportContact } from '../../../nodes/ConstantContact/types';
import { refreshInPlace, standInApp, type TokenSet } from '../../support/oauth';
import { createFetchSend } from '../../support/fetchTransport';
import { useStandIn } from '../../support/standIn';

const standIn = useStandIn({
	activityProcessingMs: 30,
	seed: (fakeCc) => {
		const issued = fakeCc.control.issueTokens();
		return { tokens: { accessToken: issued.access_token, refreshToken: issued.refresh_token } as TokenSet };
	},
});

function api(options: { requestsPerSecond?: number; timeoutMs?: number } = {}): ConstantContactApi {
	const send = createFetchSend({
		accessToken: () => standIn.tokens.accessToken,
		refresh: refreshInPlace(standInApp(standIn.fakeCc), standIn.tokens),
	});
	const pause = async (ms: number) => await new Promise<void>((resolve) => setTimeout(resolve, ms));
	return new ConstantContactApi(new ConstantContactClient({ send, apiBaseUrl: standIn.fakeCc.apiBaseUrl, sleep: pause, ...options }), pause);
}

describe('ConstantContactApi against the stand-in', () => {
	it('follows relative _links.next.href pages until the last list', async () => {
		for (let n = 1; n <= 7; n++) standIn.fakeCc.control.seedList({ name: `Reminder list ${n}` });
		const client = api();
		const names: string[] = [];
		let cursor: string | undefined;
		let pages = 0;
		do {
			const page = await client.searchLists({ cursor, limit: 3 });
			names.push(...page.items.map((list) => list.name));
			cursor = page.nextHref;
			pages++;
		} while (cursor);
		expect(pages).toBe(3);
		expect(names).toHaveLength(7);
		expect(await client.findListByName('reminder list 6')).toMatchObject({ name: 'Reminder list 6' });
	});

	it('finds a contact by email with its lists and custom fields, unsubscribed and deleted ones included', async () => {
		const list = standIn.fakeCc.control.seedList({ name: 'Abandoned carts' });
		standIn.fakeCc.control.seedContact({
			email: 'gone@example.com',
			permission: 'unsubscribed',
			listIds: [String(list.list_id)],
			customFields: { ac_cart_id: 'c-1' },
		});
		const contact = await api().getContactByEmail('Gone@Example.com', ['custom_fields', 'list_memberships']);
		expect(contact?.email_address?.permission_to_send).toBe('unsubscribed');
		expect(contact?.list_memberships).toEqual([list.list_id]);
		expect(contact?.custom_fields?.[0]?.value).toBe('c-1');
		expect(await api().getContactByEmail('nobody@example.com')).toBeUndefined();
	});

	it('imports contacts and polls the activity until it is completed', async () => {
		const list = standIn.fakeCc.control.seedList({ name: 'Abandoned carts' });
		standIn.fakeCc.control.seedCustomField({ label: 'ac_cart_id' });
		const client = api();
		const queued = await client.importContacts(
			[
				{ email: 'ana@example.com', first_name: 'Ana', 'cf:ac_cart_id': 'cart-1' },
				{ email: 'ben@example.com', 'cf:ac_cart_id': 'cart-2' },
			],
			[String(list.list_id)],
		);
		const done = await client.waitForActivity(queued, { firstDelayMs: 20 });
		expect(done.state).toBe('completed');
		expect(standIn.fakeCc.control.findContactByEmail('ana@example.com')).toMatchObject({ list_memberships: [list.list_id] });
	});

	describe('waiting for several activities', () => {
		async function queueRemovals(client: ConstantContactApi, count: number): Promise<Activity[]> {
			const list = standIn.fakeCc.control.seedList({ name: 'Abandoned cart reminders' });
			const contact = standIn.fakeCc.control.seedContact({ email: 'buyer@example.com', listIds: [String(list.list_id)] });
			const queued: Activity[] = [];
			for (let n = 0; n < count; n++) queued.push(await client.removeListMemberships([String(contact.contact_id)], [String(list.list_id)]));
			return queued;
		}
		const polls = () => standIn.fakeCc.control.requestLog().filter((entry) => entry.method === 'GET' && entry.path.startsWith('/v3/activities'));

		it('reads their progress from the account\'s activity list, one request a round for all of them', async () => {
			const client = api();
			const queued = await queueRemovals(client, 6);
			standIn.fakeCc.control.clearRequestLog();
			const done = await client.waitForActivities(queued, { firstDelayMs: 100 });
			expect(done.map((activity) => activity.activity_id)).toEqual(queued.map((activity) => activity.activity_id));
			expect(done.every((activity) => activity.state === 'completed')).toBe(true);
			expect(polls().length).toBeGreaterThan(0);
			expect(polls().every((entry) => entry.path === '/v3/activities' && entry.query.limit === '500')).toBe(true);
		});

		it('reads each on its own when the list\'s one page does not hold them (Constant Contact does not document its order)', async () => {
			const client = api();
			// The stand-in lists activities oldest first: 500 earlier ones fill the page
			standIn.fakeCc.control.seedActivities({ count: 500 });
			const queued = await queueRemovals(client, 3);
			standIn.fakeCc.control.clearRequestLog();
			const done = await client.waitForActivities(queued, { firstDelayMs: 100 });
			expect(done.every((activity) => activity.state === 'completed')).toBe(true);
			// One list read that found none of them, then only GET /activities/{id}
			expect(polls()[0].path).toBe('/v3/activities');
			expect(polls().slice(1).every((entry) => entry.path.startsWith('/v3/activities/'))).toBe(true);
			expect(polls().length).toBeGreaterThanOrEqual(4);
		});
	});

	it('splits an import into requests of at most 40,000 contacts and under 4 MB', () => {
		const row = (n: number): JsonImportContact => ({ email: `shopper${n}@example.com`, 'cf:ac_items': 'x'.repeat(200) });
		const rows = Array.from({ length: 45_000 }, (_, n) => row(n));
		const chunks = chunkImportRows(rows, ['3f1c2a9e-5b7d-11ee-8c99-0242ac120002']);
		expect(chunks.flat()).toHaveLength(45_000);
		for (const part of chunks) {
			expect(part.length).toBeLessThanOrEqual(40_000);
			const body = JSON.stringify({ import_data: part, list_ids: ['3f1c2a9e-5b7d-11ee-8c99-0242ac120002'] });
			expect(utf8ByteLength(body)).toBeLessThan(MAX_IMPORT_BYTES);
		}
		expect(utf8ByteLength('é€😀')).toBe(Buffer.byteLength('é€😀'));
	});

	it('retries a 503, a dropped connection and a hung request, then gets the answer', async () => {
		standIn.fakeCc.control.seedList({ name: 'Abandoned carts' });
		standIn.fakeCc.control.injectFaults([
			{ kind: 'status', status: 503, count: 1, match: { path: '/v3/contact_lists' } },
			{ kind: 'drop', count: 1, match: { path: '/v3/contact_lists' } },
			{ kind: 'hang', ms: 3000, count: 1, match: { path: '/v3/contact_lists' } },
		]);
		const page = await api({ timeoutMs: 500 }).searchLists();
		expect(page.items.map((list) => list.name)).toEqual(['Abandoned carts']);
		const statuses = standIn.fakeCc.control.requestLog().filter((entry) => entry.path === '/v3/contact_lists').map((entry) => entry.status);
		expect(statuses).toContain(503);
		expect(statuses[statuses.length - 1]).toBe(200);
	});

	it('lets no 429 through when more than 4 requests per second are attempted', async () => {
		standIn.fakeCc.control.seedList({ name: 'Abandoned carts' });
		// A client that believes it may send 20 per second: the stand-in throttles, the client waits and retries.
		const eager = api({ requestsPerSecond: 20 });
		const pages = await Promise.all(Array.from({ length: 8 }, () => eager.searchLists()));
		expect(pages.every((page) => page.items.length === 1)).toBe(true);
		expect(standIn.fakeCc.control.requestLog().some((entry) => entry.status === 429)).toBe(true);
	});

	it('refreshes an expired access token once and carries on', async () => {
		standIn.fakeCc.control.seedList({ name: 'Abandoned carts' });
		const client = api();
		await client.searchLists();
		const before = standIn.tokens.accessToken;
		standIn.fakeCc.control.expireAllAccessTokens();
		expect((await client.searchLists()).items).toHaveLength(1);
		expect(standIn.tokens.accessToken).not.toBe(before);
	});

	it('stops with the daily-limit sentence when the quota is used up', async () => {
		const limited = await standIn.restart({ dailyQuota: 2 });
		const issued = limited.control.issueTokens();
		const client = new ConstantContactClient({
			send: createFetchSend({ accessToken: () => issued.access_token }),
			apiBaseUrl: limited.apiBaseUrl,
		});
		const limitedApi = new ConstantContactApi(client, async () => undefined);
		await limitedApi.searchLists();
		await limitedApi.searchLists();
		const error = await limitedApi.searchLists().catch((e: unknown) => e);
		expect(error).toBeInstanceOf(QuotaExceededError);
		expect((error as Error).message).toMatch(/daily limit of 10,000 requests is used up; it resets at 00:00 UTC \(in \d+ h \d+ min\)/);
		expect(client.requestCount).toBe(3);
	});
});
