import { StandIn, startStandIn } from './helpers';

describe('contact lists, custom fields and the account on the stand-in', () => {
	let cc: StandIn;
	beforeAll(async () => {
		cc = await startStandIn();
	});
	afterAll(() => cc.fake.stop());
	beforeEach(() => cc.reset());

	describe('contact lists', () => {
		it('creates a list with 201 and refuses a duplicate name with 409', async () => {
			const created = await cc.api('POST', '/contact_lists', { name: 'Abandoned carts', description: 'Cart reminders', favorite: true });
			expect(created.status).toBe(201);
			expect(created.body).toMatchObject({ list_id: expect.any(String), name: 'Abandoned carts', favorite: true });
			const again = await cc.api('POST', '/contact_lists', { name: 'Abandoned carts' });
			expect(again.status).toBe(409);
			expect(again.body[0].error_key).toBe('contacts.api.conflict');
		});

		it('rejects a list name over 255 characters', async () => {
			const { status, body } = await cc.api('POST', '/contact_lists', { name: 'x'.repeat(256) });
			expect(status).toBe(400);
			expect(body[0].error_message).toContain('name');
		});

		it('pages lists through _links.next.href with the limit asked for', async () => {
			for (let i = 0; i < 5; i++) cc.fake.control.seedList({ name: `List ${i}` });
			const first = await cc.api('GET', '/contact_lists?limit=2&include_count=true');
			expect(first.body.lists.map((l: any) => l.name)).toEqual(['List 0', 'List 1']);
			expect(first.body.lists_count).toBe(5);
			const second = await cc.api('GET', first.body._links.next.href);
			const third = await cc.api('GET', second.body._links.next.href);
			expect(third.body.lists.map((l: any) => l.name)).toEqual(['List 4']);
			expect(third.body._links).toBeUndefined();
		});

		it('finds a list by its exact name', async () => {
			cc.fake.control.seedList({ name: 'Abandoned carts' });
			cc.fake.control.seedList({ name: 'Abandoned carts 2' });
			const { body } = await cc.api('GET', `/contact_lists?name=${encodeURIComponent('Abandoned carts')}`);
			expect(body.lists.map((l: any) => l.name)).toEqual(['Abandoned carts']);
		});

		it('counts all or only active members when include_membership_count asks', async () => {
			const list = cc.fake.control.seedList({ name: 'Abandoned carts' });
			cc.fake.control.seedContact({ email: 'a@shop.test', listIds: [list.list_id as string] });
			cc.fake.control.seedContact({ email: 'b@shop.test', listIds: [list.list_id as string], permission: 'unsubscribed' });
			expect((await cc.api('GET', '/contact_lists?include_membership_count=all')).body.lists[0].membership_count).toBe(2);
			expect((await cc.api('GET', '/contact_lists?include_membership_count=active')).body.lists[0].membership_count).toBe(1);
			expect((await cc.api('GET', '/contact_lists')).body.lists[0].membership_count).toBeUndefined();
			expect((await cc.api('GET', `/contact_lists/${list.list_id}?include_membership_count=all`)).body.membership_count).toBe(2);
		});

		it('rejects a list page size above 1000', async () => {
			expect((await cc.api('GET', '/contact_lists?limit=1001')).status).toBe(400);
		});
	});

	describe('custom fields', () => {
		it('creates a string custom field whose name is the label with underscores', async () => {
			const { status, body } = await cc.api('POST', '/contact_custom_fields', { label: 'Cart URL', type: 'string' });
			expect(status).toBe(201);
			expect(body).toMatchObject({ custom_field_id: expect.any(String), label: 'Cart URL', name: 'Cart_URL', type: 'string' });
			expect((await cc.api('GET', `/contact_custom_fields/${body.custom_field_id}`)).body.label).toBe('Cart URL');
		});

		it('rejects a label over 50 characters naming the label', async () => {
			const { status, body } = await cc.api('POST', '/contact_custom_fields', { label: 'x'.repeat(51), type: 'string' });
			expect(status).toBe(400);
			expect(body[0]).toMatchObject({ error_key: 'contacts.api.validation.error', error_message: expect.stringContaining('label') });
		});

		it('refuses a duplicate label with 409', async () => {
			cc.fake.control.seedCustomField({ label: 'Cart URL' });
			expect((await cc.api('POST', '/contact_custom_fields', { label: 'Cart URL', type: 'string' })).status).toBe(409);
		});

		it('allows at most 100 custom fields per account', async () => {
			for (let i = 0; i < 100; i++) cc.fake.control.seedCustomField({ label: `Field ${i}` });
			const { status, body } = await cc.api('POST', '/contact_custom_fields', { label: 'One too many', type: 'string' });
			expect(status).toBe(400);
			expect(body[0].error_message).toContain('100 custom fields');
		});

		it('lists custom fields with paging and a limit of at most 100', async () => {
			for (let i = 0; i < 3; i++) cc.fake.control.seedCustomField({ label: `Field ${i}` });
			const first = await cc.api('GET', '/contact_custom_fields?limit=2');
			expect(first.body.custom_fields).toHaveLength(2);
			expect((await cc.api('GET', first.body._links.next.href)).body.custom_fields).toHaveLength(1);
			expect((await cc.api('GET', '/contact_custom_fields?limit=101')).status).toBe(400);
		});
	});

	describe('account summary', () => {
		it('describes the account when the token has account_read', async () => {
			cc.token = cc.fake.control.issueTokens({ scope: 'contact_data account_read offline_access' }).access_token;
			const { status, body } = await cc.api('GET', '/account/summary?extra_fields=physical_address');
			expect(status).toBe(200);
			expect(body).toMatchObject({ organization_name: expect.any(String), encoded_account_id: expect.any(String), physical_address: expect.any(Object) });
		});

		it('answers 403 when the token lacks account_read', async () => {
			expect((await cc.api('GET', '/account/summary')).status).toBe(403);
		});
	});
});
