import { StandIn, email, startStandIn } from './helpers';

describe('contacts on the stand-in', () => {
	let cc: StandIn;
	let listId: string;
	let otherListId: string;
	beforeAll(async () => {
		cc = await startStandIn();
	});
	afterAll(() => cc.fake.stop());
	beforeEach(() => {
		cc.reset();
		listId = cc.fake.control.seedList({ name: 'Abandoned carts' }).list_id as string;
		otherListId = cc.fake.control.seedList({ name: 'Newsletter' }).list_id as string;
	});

	const signUp = (address: string, extra: Record<string, unknown> = {}) =>
		cc.api('POST', '/contacts/sign_up_form', { email_address: address, list_memberships: [listId], ...extra });

	describe('POST /contacts', () => {
		it('creates a contact with implicit permission by default and returns it with 201', async () => {
			const { status, body } = await cc.api('POST', '/contacts', { email_address: { address: email(1) }, first_name: 'Jo', create_source: 'Account', list_memberships: [listId] });
			expect(status).toBe(201);
			expect(body).toMatchObject({ first_name: 'Jo', create_source: 'Account', list_memberships: [listId] });
			expect(body.email_address).toMatchObject({ address: email(1), permission_to_send: 'implicit' });
		});

		it('answers 409 contacts.api.conflict naming the existing contact when the email exists', async () => {
			const existing = cc.fake.control.seedContact({ email: email(2) });
			const { status, body } = await cc.api('POST', '/contacts', { email_address: { address: email(2).toUpperCase() }, create_source: 'Account' });
			expect(status).toBe(409);
			expect(body).toEqual([{ error_key: 'contacts.api.conflict', error_message: `Email already exists for contact ${existing.contact_id}` }]);
		});

		it('requires create_source and records the broken request as a contract violation', async () => {
			const { status, body } = await cc.api('POST', '/contacts', { email_address: { address: email(3) } });
			expect(status).toBe(400);
			expect(body[0].error_key).toBe('contacts.api.validation.error');
			expect(body[0].error_message).toContain('create_source');
			expect(cc.fake.control.contractViolations()).toHaveLength(1);
		});

		it('rejects a first name over 50 characters naming the field', async () => {
			const { status, body } = await cc.api('POST', '/contacts', { email_address: { address: email(4) }, first_name: 'x'.repeat(51), create_source: 'Account' });
			expect(status).toBe(400);
			expect(body[0].error_message).toContain('first_name');
		});

		it('rejects a custom field value over 255 characters', async () => {
			const field = cc.fake.control.seedCustomField({ label: 'Cart URL' });
			const { status, body } = await cc.api('POST', '/contacts', {
				email_address: { address: email(5) },
				create_source: 'Account',
				custom_fields: [{ custom_field_id: field.custom_field_id, value: 'x'.repeat(256) }],
			});
			expect(status).toBe(400);
			expect(body[0].error_message).toContain('custom_fields');
		});

		it('answers 415 when the body is not JSON', async () => {
			const { status, body } = await cc.api('POST', '/contacts', 'email=a@b.c', { 'content-type': 'application/x-www-form-urlencoded' });
			expect(status).toBe(415);
			expect(Array.isArray(body)).toBe(true);
		});

		it('answers 400 for malformed JSON', async () => {
			expect((await cc.api('POST', '/contacts', '{"email_address":')).status).toBe(400);
		});
	});

	describe('GET /contacts', () => {
		it('finds one contact by its stored lower-case email, with the includes asked for', async () => {
			const field = cc.fake.control.seedCustomField({ label: 'Cart URL' });
			cc.fake.control.seedContact({ email: email(1), listIds: [listId], customFields: { 'Cart URL': 'https://shop.test/c/1' } });
			cc.fake.control.seedContact({ email: email(2) });
			const { body } = await cc.api('GET', `/contacts?email=${encodeURIComponent(email(1))}&include=custom_fields,list_memberships`);
			expect(body.contacts).toHaveLength(1);
			expect(body.contacts[0].list_memberships).toEqual([listId]);
			expect(body.contacts[0].custom_fields).toEqual([{ custom_field_id: field.custom_field_id, value: 'https://shop.test/c/1' }]);
		});

		it('stores addresses in lower case, and finds nothing for a mixed-case query unless emailLookup is case-insensitive', async () => {
			cc.fake.control.seedContact({ email: 'Jo.Smith@Shop.test' });
			const query = `/contacts?email=${encodeURIComponent('Jo.Smith@Shop.test')}&status=all`;
			expect((await cc.api('GET', query)).body.contacts).toEqual([]);
			expect((await cc.api('GET', `/contacts?email=jo.smith%40shop.test`)).body.contacts[0].email_address.address).toBe('jo.smith@shop.test');
			cc.fake.control.setEmailLookup('case-insensitive');
			expect((await cc.api('GET', query)).body.contacts).toHaveLength(1);
		});

		it('returns only core properties unless include asks for more', async () => {
			cc.fake.control.seedContact({ email: email(1), listIds: [listId] });
			const { body } = await cc.api('GET', '/contacts');
			expect(body.contacts[0].list_memberships).toBeUndefined();
			expect(body.contacts[0].custom_fields).toBeUndefined();
		});

		it('filters by status and hides deleted contacts unless status=all', async () => {
			cc.fake.control.seedContact({ email: email(1) });
			const gone = cc.fake.control.seedContact({ email: email(2), permission: 'unsubscribed' });
			const deleted = cc.fake.control.seedContact({ email: email(3) });
			expect((await cc.api('DELETE', `/contacts/${deleted.contact_id}`)).status).toBe(204);
			const unsubscribed = await cc.api('GET', '/contacts?status=unsubscribed');
			expect(unsubscribed.body.contacts.map((c: any) => c.contact_id)).toEqual([gone.contact_id]);
			expect((await cc.api('GET', '/contacts?include_count=true')).body.contacts_count).toBe(2);
			expect((await cc.api('GET', '/contacts?status=all&include_count=true')).body.contacts_count).toBe(3);
		});

		it('pages with a relative _links.next.href until every contact was seen', async () => {
			for (let i = 0; i < 7; i++) cc.fake.control.seedContact({ email: email(i) });
			const seen: string[] = [];
			let path: string | undefined = '/contacts?limit=3';
			while (path) {
				const { body }: { body: any } = await cc.api('GET', path);
				seen.push(...body.contacts.map((c: any) => c.email_address.address));
				path = body._links?.next?.href;
				if (path) expect(path).toMatch(/^\/v3\/contacts\?/);
			}
			expect(seen).toEqual([0, 1, 2, 3, 4, 5, 6].map(email));
		});

		it('filters by updated_after', async () => {
			cc.fake.control.seedContact({ email: email(1) });
			const since = new Date(Date.now() + 60_000).toISOString();
			cc.fake.control.advanceClock(120_000);
			cc.fake.control.seedContact({ email: email(2) });
			const { body } = await cc.api('GET', `/contacts?updated_after=${encodeURIComponent(since)}`);
			expect(body.contacts.map((c: any) => c.email_address.address)).toEqual([email(2)]);
		});

		it('rejects a limit above 500', async () => {
			expect((await cc.api('GET', '/contacts?limit=501')).status).toBe(400);
		});

		it('gets one contact by id and answers 404 for an unknown one', async () => {
			const contact = cc.fake.control.seedContact({ email: email(1) });
			expect((await cc.api('GET', `/contacts/${contact.contact_id}`)).body.contact_id).toBe(contact.contact_id);
			const missing = await cc.api('GET', '/contacts/00000000-0000-4000-8000-000000000000');
			expect(missing.status).toBe(404);
			expect(missing.body[0].error_key).toBe('contacts.api.not_found');
		});
	});

	describe('PUT /contacts/{id}', () => {
		it('clears omitted top-level fields and keeps omitted sub-resources', async () => {
			const contact = cc.fake.control.seedContact({ email: email(1), firstName: 'Jo', lastName: 'Smith', listIds: [listId] });
			const { status, body } = await cc.api('PUT', `/contacts/${contact.contact_id}`, { email_address: { address: email(1) }, first_name: 'Joanne', update_source: 'Account' });
			expect(status).toBe(200);
			expect(body.first_name).toBe('Joanne');
			expect(body.last_name).toBeUndefined();
			expect(body.list_memberships).toEqual([listId]);
		});

		describe('with included sub-resources', () => {
			const seedMerchantContact = () => {
				const loyalty = cc.fake.control.seedCustomField({ label: 'Loyalty tier' });
				const cart = cc.fake.control.seedCustomField({ label: 'Cart URL' });
				const contact = cc.fake.control.seedContact({
					email: email(1),
					listIds: [listId, otherListId],
					customFields: { 'Loyalty tier': 'gold' },
					phoneNumbers: [{ phone_number: '+1-555-555-0100', kind: 'mobile' }],
				});
				return { contact, loyalty, cart };
			};
			const put = (contactId: unknown, extra: Record<string, unknown>) =>
				cc.api('PUT', `/contacts/${contactId}`, { email_address: { address: email(1) }, update_source: 'Account', ...extra });

			it('replaces custom_fields and list_memberships by default, and keeps the excluded phone numbers', async () => {
				const { contact, cart } = seedMerchantContact();
				const { status, body } = await put(contact.contact_id, {
					custom_fields: [{ custom_field_id: cart.custom_field_id, value: 'https://shop.test/c/1' }],
					list_memberships: [listId],
				});
				expect(status).toBe(200);
				expect(body.custom_fields).toEqual([{ custom_field_id: cart.custom_field_id, value: 'https://shop.test/c/1' }]);
				expect(body.list_memberships).toEqual([listId]);
				expect(body.phone_numbers).toEqual([{ phone_number: '+1-555-555-0100', kind: 'mobile' }]);
			});

			it('takes the contact off every list for "list_memberships": []', async () => {
				const { contact } = seedMerchantContact();
				expect((await put(contact.contact_id, { list_memberships: [] })).body.list_memberships).toEqual([]);
			});

			it('merges them instead when putSemantics is merge', async () => {
				cc.fake.control.setPutSemantics('merge');
				const { contact, loyalty, cart } = seedMerchantContact();
				const { body } = await put(contact.contact_id, {
					custom_fields: [{ custom_field_id: cart.custom_field_id, value: 'https://shop.test/c/1' }],
					list_memberships: [listId],
				});
				expect(body.custom_fields).toEqual(
					expect.arrayContaining([
						{ custom_field_id: loyalty.custom_field_id, value: 'gold' },
						{ custom_field_id: cart.custom_field_id, value: 'https://shop.test/c/1' },
					]),
				);
				expect([...body.list_memberships].sort()).toEqual([listId, otherListId].sort());
			});

			it('refuses more than 25 custom_fields as a contract violation', async () => {
				const { contact, cart } = seedMerchantContact();
				const fields = Array.from({ length: 26 }, () => ({ custom_field_id: cart.custom_field_id, value: 'x' }));
				expect((await put(contact.contact_id, { custom_fields: fields })).status).toBe(400);
				expect(cc.fake.control.contractViolations()).toHaveLength(1);
				cc.reset();
			});
		});

		it('requires update_source', async () => {
			const contact = cc.fake.control.seedContact({ email: email(1) });
			const { status, body } = await cc.api('PUT', `/contacts/${contact.contact_id}`, { email_address: { address: email(1) } });
			expect(status).toBe(400);
			expect(body[0].error_message).toContain('update_source');
		});

		it('answers 409 when the new email belongs to another contact', async () => {
			const first = cc.fake.control.seedContact({ email: email(1) });
			cc.fake.control.seedContact({ email: email(2) });
			const { status } = await cc.api('PUT', `/contacts/${first.contact_id}`, { email_address: { address: email(2) }, update_source: 'Account' });
			expect(status).toBe(409);
		});
	});

	describe('POST /contacts/sign_up_form', () => {
		it('creates a new contact with 201 and action created, on the list with explicit permission', async () => {
			const { status, body } = await signUp(email(1), { first_name: 'Jo' });
			expect(status).toBe(201);
			expect(body).toEqual({ contact_id: expect.any(String), action: 'created' });
			const contact = cc.fake.control.findContactByEmail(email(1)) as any;
			expect(contact.list_memberships).toEqual([listId]);
			expect(contact.email_address.permission_to_send).toBe('explicit');
		});

		it('updates an existing contact with 200, appending lists and custom fields', async () => {
			const cart = cc.fake.control.seedCustomField({ label: 'Cart URL' });
			const total = cc.fake.control.seedCustomField({ label: 'Cart total' });
			const seeded = cc.fake.control.seedContact({ email: email(1), firstName: 'Jo', listIds: [otherListId], customFields: { 'Cart total': '10.00' } });
			const { status, body } = await signUp(email(1), { custom_fields: [{ custom_field_id: cart.custom_field_id, value: 'https://shop.test/c/9' }] });
			expect(status).toBe(200);
			expect(body).toEqual({ contact_id: seeded.contact_id, action: 'updated' });
			const contact = cc.fake.control.findContactByEmail(email(1)) as any;
			expect(contact.first_name).toBe('Jo');
			expect(contact.list_memberships.sort()).toEqual([listId, otherListId].sort());
			expect(contact.custom_fields).toEqual(
				expect.arrayContaining([
					{ custom_field_id: total.custom_field_id, value: '10.00' },
					{ custom_field_id: cart.custom_field_id, value: 'https://shop.test/c/9' },
				]),
			);
		});

		it('sets an unsubscribed contact to explicit permission and records the change, whatever the case of the address', async () => {
			const seeded = cc.fake.control.seedContact({ email: email(1), permission: 'unsubscribed' });
			await signUp(email(1).toUpperCase());
			expect((cc.fake.control.findContactByEmail(email(1)) as any).email_address.permission_to_send).toBe('explicit');
			expect(cc.fake.control.permissionChanges()).toEqual([
				{ contactId: seeded.contact_id, email: email(1), from: 'unsubscribed', to: 'explicit', route: 'sign_up_form' },
			]);
			expect(cc.fake.control.consentViolations()).toEqual([expect.objectContaining({ kind: 'resubscribed', email: email(1) })]);
			cc.fake.control.clearConsentViolations(); // caused on purpose: this test shows what the nodes must never do
		});

		it('requires at least one list membership', async () => {
			const { status, body } = await cc.api('POST', '/contacts/sign_up_form', { email_address: email(1), list_memberships: [] });
			expect(status).toBe(400);
			expect(body[0].error_message).toContain('list_memberships');
		});

		it('refuses an unknown list id without recording a contract violation', async () => {
			const { status } = await cc.api('POST', '/contacts/sign_up_form', { email_address: email(1), list_memberships: ['00000000-0000-4000-8000-000000000000'] });
			expect(status).toBe(400);
			expect(cc.fake.control.contractViolations()).toEqual([]);
		});

		it('refuses to put a contact on more than 50 lists', async () => {
			const listIds = Array.from({ length: 50 }, (_, i) => cc.fake.control.seedList({ name: `List ${i}` }).list_id as string);
			cc.fake.control.seedContact({ email: email(1), listIds });
			const { status, body } = await signUp(email(1));
			expect(status).toBe(400);
			expect(body[0].error_message).toContain('50 lists');
		});

		it('rejects an email address over 50 characters', async () => {
			const { status, body } = await signUp(`${'x'.repeat(45)}@example.test`);
			expect(status).toBe(400);
			expect(body[0].error_message).toContain('email_address');
		});
	});
});
