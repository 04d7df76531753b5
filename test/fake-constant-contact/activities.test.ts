import { StandIn, email, settled, startStandIn } from './helpers';

describe('bulk activities on the stand-in', () => {
	let cc: StandIn;
	let listId: string;
	beforeAll(async () => {
		cc = await startStandIn();
	});
	afterAll(() => cc.fake.stop());
	beforeEach(() => {
		cc.reset();
		listId = cc.fake.control.seedList({ name: 'Abandoned carts' }).list_id as string;
	});

	const seedShoppers = (count: number, permission: 'implicit' | 'unsubscribed' = 'implicit') =>
		Array.from({ length: count }, (_, i) => cc.fake.control.seedContact({ email: email(`${permission}-${i}`), permission }).contact_id as string);

	describe('add and remove list memberships', () => {
		it('queues an add with 201 in state initialized, then completes with counts', async () => {
			const ids = seedShoppers(3);
			const queued = await cc.api('POST', '/activities/add_list_memberships', { source: { contact_ids: ids }, list_ids: [listId] });
			expect(queued.status).toBe(201);
			expect(queued.body).toMatchObject({ state: 'initialized', _links: { self: { href: `/v3/activities/${queued.body.activity_id}` } } });
			const done = await settled(cc, queued.body.activity_id);
			expect(done).toMatchObject({ state: 'completed', percent_done: 100, activity_errors: [] });
			expect(done.status).toEqual({ items_total_count: 3, items_completed_count: 3, list_count: 1 });
			expect((cc.fake.control.findContactByEmail(email('implicit-0')) as any).list_memberships).toEqual([listId]);
		});

		it('moves through initialized, processing and completed', async () => {
			const slow = await startStandIn({ activityProcessingMs: 1200 });
			try {
				const list = slow.fake.control.seedList({ name: 'Carts' }).list_id as string;
				const id = slow.fake.control.seedContact({ email: email(1) }).contact_id as string;
				const queued = await slow.api('POST', '/activities/add_list_memberships', { source: { contact_ids: [id] }, list_ids: [list] });
				const seen = [queued.body.state];
				while (seen[seen.length - 1] !== 'completed') {
					const { body } = await slow.api('GET', `/activities/${queued.body.activity_id}`);
					if (body.state !== seen[seen.length - 1]) seen.push(body.state);
					await new Promise((resolve) => setTimeout(resolve, 20));
				}
				expect(seen).toEqual(['initialized', 'processing', 'completed']);
			} finally {
				await slow.fake.stop();
			}
		});

		it('removes memberships without deleting the contacts', async () => {
			const ids = seedShoppers(2);
			await settled(cc, (await cc.api('POST', '/activities/add_list_memberships', { source: { contact_ids: ids }, list_ids: [listId] })).body.activity_id);
			const removal = await cc.api('POST', '/activities/remove_list_memberships', { source: { contact_ids: [ids[0]] }, list_ids: [listId] });
			expect(removal.status).toBe(201);
			expect((await settled(cc, removal.body.activity_id)).state).toBe('completed');
			expect((cc.fake.control.findContactByEmail(email('implicit-0')) as any).list_memberships).toEqual([]);
			expect((cc.fake.control.findContactByEmail(email('implicit-1')) as any).list_memberships).toEqual([listId]);
		});

		it('removes every member of a source list', async () => {
			const ids = seedShoppers(3);
			await settled(cc, (await cc.api('POST', '/activities/add_list_memberships', { source: { contact_ids: ids }, list_ids: [listId] })).body.activity_id);
			const removal = await cc.api('POST', '/activities/remove_list_memberships', { source: { list_ids: [listId] }, list_ids: [listId] });
			await settled(cc, removal.body.activity_id);
			expect(cc.fake.control.snapshot().lists[0].membership_count).toBe(0);
		});

		it('does not add unsubscribed contacts to a list and reports them', async () => {
			const [gone] = seedShoppers(1, 'unsubscribed');
			const done = await settled(cc, (await cc.api('POST', '/activities/add_list_memberships', { source: { contact_ids: [gone] }, list_ids: [listId] })).body.activity_id);
			expect(done.status.items_completed_count).toBe(0);
			expect(done.activity_errors[0]).toContain('unsubscribed');
			expect((cc.fake.control.findContactByEmail(email('unsubscribed-0')) as any).list_memberships).toEqual([]);
		});

		it('refuses more than 500 contact ids', async () => {
			const ids = Array.from({ length: 501 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`);
			const { status, body } = await cc.api('POST', '/activities/add_list_memberships', { source: { contact_ids: ids }, list_ids: [listId] });
			expect(status).toBe(400);
			expect(body[0].error_message).toContain('contact_ids');
		});

		it('refuses more than 50 target lists', async () => {
			const lists = Array.from({ length: 51 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`);
			const { status, body } = await cc.api('POST', '/activities/remove_list_memberships', { source: { contact_ids: seedShoppers(1) }, list_ids: lists });
			expect(status).toBe(400);
			expect(body[0].error_message).toContain('list_ids');
		});

		it('answers 404 for an unknown activity', async () => {
			expect((await cc.api('GET', '/activities/00000000-0000-4000-8000-000000000000')).status).toBe(404);
		});

		it('lists activities filtered by state', async () => {
			const ids = seedShoppers(1);
			await settled(cc, (await cc.api('POST', '/activities/add_list_memberships', { source: { contact_ids: ids }, list_ids: [listId] })).body.activity_id);
			expect((await cc.api('GET', '/activities?state=completed')).body.activities).toHaveLength(1);
			expect((await cc.api('GET', '/activities?state=processing')).body.activities).toHaveLength(0);
		});
	});

	describe('contacts_json_import', () => {
		it('creates new contacts with implicit permission, custom fields by cf:name and list membership', async () => {
			const field = cc.fake.control.seedCustomField({ label: 'Cart URL' });
			const queued = await cc.api('POST', '/activities/contacts_json_import', {
				import_data: [{ email: email(1), first_name: 'Jo', 'cf:Cart_URL': 'https://shop.test/c/1' }],
				list_ids: [listId],
			});
			expect(queued.status).toBe(201);
			const done = await settled(cc, queued.body.activity_id);
			expect(done.state).toBe('completed');
			expect(done.status).toMatchObject({ items_total_count: 1, person_count: 1, error_count: 0, cannot_add_to_list_count: 0 });
			const contact = cc.fake.control.findContactByEmail(email(1)) as any;
			expect(contact).toMatchObject({ first_name: 'Jo', create_source: 'Account', list_memberships: [listId] });
			expect(contact.email_address.permission_to_send).toBe('implicit');
			expect(contact.custom_fields).toEqual([{ custom_field_id: field.custom_field_id, value: 'https://shop.test/c/1' }]);
		});

		it('matches cf: keys by custom field name or label, and reports unknown ones without dropping the contact', async () => {
			const field = cc.fake.control.seedCustomField({ label: 'Cart URL' });
			const done = await settled(cc, (await cc.api('POST', '/activities/contacts_json_import', {
				import_data: [{ email: email(1), 'cf:Cart URL': 'https://shop.test/c/1', 'cf:Nope': 'x' }],
				list_ids: [listId],
			})).body.activity_id);
			expect(done.status.person_count).toBe(1);
			expect(done.activity_errors).toEqual([expect.stringContaining('Nope')]);
			expect((cc.fake.control.findContactByEmail(email(1)) as any).custom_fields).toEqual([{ custom_field_id: field.custom_field_id, value: 'https://shop.test/c/1' }]);
		});

		it('ignores an empty cf: value, so an import never empties a field (the reading worse for users)', async () => {
			const field = cc.fake.control.seedCustomField({ label: 'ac_item2_name' });
			cc.fake.control.seedContact({ email: email(1), customFields: { ac_item2_name: 'Tea Towel' } });
			await settled(cc, (await cc.api('POST', '/activities/contacts_json_import', {
				import_data: [{ email: email(1), 'cf:ac_item2_name': '' }],
				list_ids: [listId],
			})).body.activity_id);
			expect((cc.fake.control.findContactByEmail(email(1)) as any).custom_fields).toEqual([{ custom_field_id: field.custom_field_id, value: 'Tea Towel' }]);
		});

		it('leaves existing contacts permission alone and keeps unsubscribed ones off the list, counting them', async () => {
			cc.fake.control.seedContact({ email: email('gone'), permission: 'unsubscribed' });
			cc.fake.control.seedContact({ email: email('pending'), permission: 'pending_confirmation' });
			const done = await settled(cc, (await cc.api('POST', '/activities/contacts_json_import', {
				import_data: [{ email: email('gone') }, { email: email('pending') }],
				list_ids: [listId],
			})).body.activity_id);
			expect(done.status.cannot_add_to_list_count).toBe(1);
			const gone = cc.fake.control.findContactByEmail(email('gone')) as any;
			expect(gone.email_address.permission_to_send).toBe('unsubscribed');
			expect(gone.list_memberships).toEqual([]);
			expect((cc.fake.control.findContactByEmail(email('pending')) as any).email_address.permission_to_send).toBe('pending_confirmation');
			expect(cc.fake.control.permissionChanges()).toEqual([]);
		});

		it('moves updated_at only for contacts it changed: an unchanged one is not "updated after" the import', async () => {
			cc.fake.control.seedContact({ email: email('same'), firstName: 'Jo', listIds: [listId] });
			cc.fake.control.seedContact({ email: email('renamed'), firstName: 'Jo', listIds: [listId] });
			cc.fake.control.advanceClock(60_000);
			const before = new Date(Date.parse(String(cc.fake.control.findContactByEmail(email('same'))!.updated_at)) + 1000).toISOString();
			await settled(cc, (await cc.api('POST', '/activities/contacts_json_import', {
				import_data: [{ email: email('same'), first_name: 'Jo' }, { email: email('renamed'), first_name: 'Joanna' }],
				list_ids: [listId],
			})).body.activity_id);
			const changed = await cc.api('GET', `/contacts?updated_after=${encodeURIComponent(before)}`);
			expect(changed.body.contacts.map((contact: { email_address: { address: string } }) => contact.email_address.address)).toEqual([email('renamed')]);
		});

		it('reports an invalid email as a correctable per-contact error', async () => {
			const done = await settled(cc, (await cc.api('POST', '/activities/contacts_json_import', {
				import_data: [{ email: 'not-an-email' }, { email: email(2) }],
				list_ids: [listId],
			})).body.activity_id);
			expect(done.status).toMatchObject({ error_count: 1, correctable_count: 1, person_count: 1 });
			expect(done.activity_errors[0]).toContain('import_data[0]');
		});

		it('refuses more than 40,000 contacts', async () => {
			const import_data = Array.from({ length: 40001 }, (_, i) => ({ email: `s${i}@x.co` }));
			const { status, body } = await cc.api('POST', '/activities/contacts_json_import', { import_data, list_ids: [listId] });
			expect(status).toBe(400);
			expect(body[0].error_message).toContain('import_data');
		});

		it('refuses a payload of 4 MB or more', async () => {
			const import_data = Array.from({ length: 20000 }, (_, i) => ({ email: `s${i}@x.co`, 'cf:note': 'x'.repeat(200) }));
			const { status, body } = await cc.api('POST', '/activities/contacts_json_import', { import_data, list_ids: [listId] });
			expect(status).toBe(400);
			expect(body[0].error_message).toContain('4 MB');
		});

		it('imports 10,000 contacts in one activity', async () => {
			const import_data = Array.from({ length: 10000 }, (_, i) => ({ email: email(i), first_name: `Shopper ${i}` }));
			const done = await settled(cc, (await cc.api('POST', '/activities/contacts_json_import', { import_data, list_ids: [listId] })).body.activity_id);
			expect(done.status).toMatchObject({ items_total_count: 10000, person_count: 10000, error_count: 0 });
			expect(cc.fake.control.snapshot().lists[0].membership_count).toBe(10000);
		});
	});
});
