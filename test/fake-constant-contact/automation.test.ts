import { StandIn, email, settled, startStandIn } from './helpers';

describe('list-join automations on the stand-in', () => {
	let cc: StandIn;
	let cartList: string;
	beforeAll(async () => {
		cc = await startStandIn();
	});
	afterAll(() => cc.fake.stop());
	beforeEach(() => {
		cc.reset();
		cartList = cc.fake.control.seedList({ name: 'Abandoned carts', automation: { name: 'Cart reminder' } }).list_id as string;
	});

	const signUp = (address: string) => cc.api('POST', '/contacts/sign_up_form', { email_address: address, list_memberships: [cartList] });
	const membership = async (kind: 'add' | 'remove', contactId: string) => {
		const queued = await cc.api('POST', `/activities/${kind}_list_memberships`, { source: { contact_ids: [contactId] }, list_ids: [cartList] });
		return settled(cc, queued.body.activity_id);
	};

	it('records one entry when a shopper joins through the sign-up form', async () => {
		const { body } = await signUp(email(1));
		expect(cc.fake.control.automationEntries()).toEqual([
			{ listId: cartList, contactId: body.contact_id, email: email(1), route: 'sign_up_form', at: expect.any(String) },
		]);
	});

	it('records nothing when a shopper who is already a member signs up again', async () => {
		await signUp(email(1));
		await signUp(email(1));
		expect(cc.fake.control.automationEntries({ email: email(1) })).toHaveLength(1);
	});

	it('records entries for joins by add_list_memberships, import and POST /contacts', async () => {
		const added = cc.fake.control.seedContact({ email: email('added') });
		await membership('add', added.contact_id as string);
		await settled(cc, (await cc.api('POST', '/activities/contacts_json_import', { import_data: [{ email: email('imported') }], list_ids: [cartList] })).body.activity_id);
		await cc.api('POST', '/contacts', { email_address: { address: email('created') }, create_source: 'Account', list_memberships: [cartList] });
		expect(cc.fake.control.automationEntries().map((e) => e.route)).toEqual(['add_list_memberships', 'contacts_json_import', 'contacts']);
	});

	it('records nothing for contacts seeded onto the list', async () => {
		cc.fake.control.seedContact({ email: email(1), listIds: [cartList] });
		expect(cc.fake.control.automationEntries()).toEqual([]);
	});

	it('records nothing for lists without an automation', async () => {
		const plain = cc.fake.control.seedList({ name: 'Newsletter' }).list_id as string;
		await cc.api('POST', '/contacts/sign_up_form', { email_address: email(1), list_memberships: [plain] });
		expect(cc.fake.control.automationEntries()).toEqual([]);
	});

	it('under after-removal, a shopper removed and re-added enters again', async () => {
		cc.fake.control.setReentryPolicy('after-removal');
		const { body } = await signUp(email(1));
		await membership('remove', body.contact_id);
		await signUp(email(1));
		await membership('remove', body.contact_id);
		await membership('add', body.contact_id);
		expect(cc.fake.control.automationEntries({ listId: cartList, email: email(1) }).map((e) => e.route)).toEqual([
			'sign_up_form',
			'sign_up_form',
			'add_list_memberships',
		]);
	});

	it('under once-per-contact, a shopper removed and re-added never enters again', async () => {
		cc.fake.control.setReentryPolicy('once-per-contact');
		const { body } = await signUp(email(1));
		await membership('remove', body.contact_id);
		await signUp(email(1));
		await membership('remove', body.contact_id);
		await membership('add', body.contact_id);
		expect(cc.fake.control.automationEntries({ email: email(1) })).toHaveLength(1);
		expect((cc.fake.control.findContactByEmail(email(1)) as any).list_memberships).toEqual([cartList]);
	});

	it('counts a seeded member as already entered, and takes the re-entry policy from the start options', async () => {
		const once = await startStandIn({ reentryPolicy: 'once-per-contact' });
		try {
			const list = once.fake.control.seedList({ name: 'Carts', automation: true }).list_id as string;
			const contact = once.fake.control.seedContact({ email: email(1), listIds: [list] });
			const removal = await once.api('POST', '/activities/remove_list_memberships', { source: { contact_ids: [contact.contact_id] }, list_ids: [list] });
			await settled(once, removal.body.activity_id);
			await once.api('POST', '/contacts/sign_up_form', { email_address: email(1), list_memberships: [list] });
			expect(once.fake.control.automationEntries()).toEqual([]);
		} finally {
			await once.fake.stop();
		}
	});

	it('shows entries in the snapshot with the automation on the list', async () => {
		await signUp(email(1));
		const snapshot = cc.fake.control.snapshot();
		expect(snapshot.automationEntries).toHaveLength(1);
		expect(snapshot.lists[0]).toMatchObject({ list_id: cartList, automation: { name: 'Cart reminder' }, membership_count: 1 });
	});
});
