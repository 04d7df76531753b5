/**
 * One valid and one invalid body per operation. With CC_OPENAPI_SPEC naming the official swagger (as .ci/run does),
 * the bodies are judged by the official definitions; without it, by the stand-in's own schemas.
 */
import { contractChecker, officialResponseProblems } from './contract';
import { StandIn, email, settled, startStandIn } from './helpers';

const officialSpec = process.env.CC_OPENAPI_SPEC || undefined;
const judge = officialSpec ? 'the official spec' : "the stand-in's own schemas";
const UNKNOWN = '00000000-0000-4000-8000-000000000000';

describe(`request bodies judged by ${judge}`, () => {
	let cc: StandIn;
	let listId: string;
	let contactId: string;
	let fieldId: string;
	beforeAll(async () => {
		cc = await startStandIn();
	});
	afterAll(() => cc.fake.stop());
	beforeEach(() => {
		cc.reset();
		listId = cc.fake.control.seedList({ name: 'Abandoned carts' }).list_id as string;
		contactId = cc.fake.control.seedContact({ email: email('seeded') }).contact_id as string;
		fieldId = cc.fake.control.seedCustomField({ label: 'Cart URL' }).custom_field_id as string;
	});

	it('uses the contract source chosen by CC_OPENAPI_SPEC', () => {
		expect(cc.fake.contractSource).toBe(officialSpec ? 'official-spec' : 'stand-in-schemas');
	});

	const cases: Array<{ name: string; method: string; path: () => string; valid: () => unknown; invalid: () => unknown; field: string }> = [
		{
			name: 'POST /contact_lists',
			method: 'POST',
			path: () => '/contact_lists',
			valid: () => ({ name: 'Cart reminders', description: 'Shoppers who left a cart', favorite: false }),
			invalid: () => ({ description: 'no name' }),
			field: 'name',
		},
		{
			name: 'POST /contacts',
			method: 'POST',
			path: () => '/contacts',
			valid: () => ({ email_address: { address: email(1), permission_to_send: 'implicit' }, first_name: 'Jo', create_source: 'Account', custom_fields: [{ custom_field_id: fieldId, value: 'https://shop.test/c/1' }], list_memberships: [listId] }),
			invalid: () => ({ email_address: { address: `${'x'.repeat(75)}@shop.test` }, create_source: 'Account' }),
			field: 'email_address.address',
		},
		{
			name: 'PUT /contacts/{contact_id}',
			method: 'PUT',
			path: () => `/contacts/${contactId}`,
			valid: () => ({ email_address: { address: email('seeded') }, first_name: 'Jo', update_source: 'Account' }),
			invalid: () => ({ email_address: { address: email('seeded') }, first_name: 'Jo' }),
			field: 'update_source',
		},
		{
			name: 'POST /contacts/sign_up_form',
			method: 'POST',
			path: () => '/contacts/sign_up_form',
			valid: () => ({ email_address: email(2), first_name: 'Jo', list_memberships: [listId], custom_fields: [{ custom_field_id: fieldId, value: 'https://shop.test/c/2' }] }),
			invalid: () => ({ email_address: email(2), first_name: 'Jo' }),
			field: 'list_memberships',
		},
		{
			name: 'POST /contact_custom_fields',
			method: 'POST',
			path: () => '/contact_custom_fields',
			valid: () => ({ label: 'Cart total', type: 'string' }),
			invalid: () => ({ label: 'L'.repeat(51), type: 'string' }),
			field: 'label',
		},
		{
			name: 'POST /activities/add_list_memberships',
			method: 'POST',
			path: () => '/activities/add_list_memberships',
			valid: () => ({ source: { contact_ids: [contactId] }, list_ids: [listId] }),
			invalid: () => ({ list_ids: [listId] }),
			field: 'source',
		},
		{
			name: 'POST /activities/remove_list_memberships',
			method: 'POST',
			path: () => '/activities/remove_list_memberships',
			valid: () => ({ source: { contact_ids: [contactId] }, list_ids: [listId] }),
			invalid: () => ({ source: { contact_ids: [contactId] } }),
			field: 'list_ids',
		},
		{
			name: 'POST /activities/contacts_json_import',
			method: 'POST',
			path: () => '/activities/contacts_json_import',
			valid: () => ({ import_data: [{ email: email(3), first_name: 'Jo', 'cf:Cart_URL': 'https://shop.test/c/3' }], list_ids: [listId] }),
			invalid: () => ({ import_data: [{ email: email(3), first_name: 'F'.repeat(51) }], list_ids: [listId] }),
			field: 'first_name',
		},
	];

	describe.each(cases)('$name', ({ method, path, valid, invalid, field }) => {
		it('accepts a valid body and records no contract violation', async () => {
			const templatePath = path();
			expect(contractChecker(officialSpec).check(method, templatePath, valid())).toEqual([]);
			const { status } = await cc.api(method, templatePath, valid());
			expect(status).toBeGreaterThanOrEqual(200);
			expect(status).toBeLessThan(300);
			expect(cc.fake.control.contractViolations()).toEqual([]);
		});

		it('rejects an invalid body with 400 naming the field, recorded as a contract violation', async () => {
			const templatePath = path();
			expect(contractChecker(officialSpec).check(method, templatePath, invalid()).join(' ')).toContain(field);
			const { status, body } = await cc.api(method, templatePath, invalid());
			expect(status).toBe(400);
			expect(body[0]).toMatchObject({ error_key: 'contacts.api.validation.error', error_message: expect.stringContaining(field) });
			expect(cc.fake.control.contractViolations()).toEqual([{ method, path: `/v3${templatePath}`, errors: expect.arrayContaining([expect.stringContaining(field)]) }]);
		});
	});

	it('accepts 500 contact ids despite the spec declaring maxItems 0 on that array', async () => {
		const ids = Array.from({ length: 500 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`);
		const { status } = await cc.api('POST', '/activities/add_list_memberships', { source: { contact_ids: ids }, list_ids: [listId] });
		expect(status).toBe(201);
		expect(cc.fake.control.contractViolations()).toEqual([]);
	});

	it('rejects a list id that is not a UUID', async () => {
		const { status } = await cc.api('POST', '/contacts/sign_up_form', { email_address: email(4), list_memberships: ['cart-list'] });
		expect(status).toBe(400);
		expect(cc.fake.control.contractViolations()[0].errors.join(' ')).toContain('list_memberships');
	});

	it('does not count a request about unknown state as a contract violation', async () => {
		expect((await cc.api('POST', '/contacts/sign_up_form', { email_address: email(5), list_memberships: [UNKNOWN] })).status).toBe(400);
		expect(cc.fake.control.contractViolations()).toEqual([]);
	});
});

describe(`responses checked against ${officialSpec ? 'the official response schemas' : 'their identifying fields'}`, () => {
	let cc: StandIn;
	beforeAll(async () => {
		cc = await startStandIn();
		cc.token = cc.fake.control.issueTokens({ scope: 'contact_data account_read offline_access' }).access_token;
	});
	afterAll(() => cc.fake.stop());

	it('answers every operation with the shape its schema declares', async () => {
		const list = cc.fake.control.seedList({ name: 'Abandoned carts', automation: true });
		const field = cc.fake.control.seedCustomField({ label: 'Cart URL' });
		const seeded = cc.fake.control.seedContact({ email: email('seeded'), firstName: 'Jo', listIds: [list.list_id as string], customFields: { 'Cart URL': 'https://shop.test/c/0' } });
		const calls: Array<[string, string, unknown, string]> = [
			['GET', '/contact_lists?include_membership_count=all&include_count=true&limit=1', undefined, 'lists'],
			['POST', '/contact_lists', { name: 'Newsletter' }, 'list_id'],
			['GET', `/contact_lists/${list.list_id}`, undefined, 'list_id'],
			['GET', '/contacts?include=custom_fields,list_memberships,phone_numbers,street_addresses,taggings,notes&include_count=true', undefined, 'contacts'],
			['POST', '/contacts', { email_address: { address: email(1), permission_to_send: 'implicit' }, first_name: 'Jo', create_source: 'Account', phone_numbers: [{ phone_number: '555-1212', kind: 'mobile' }] }, 'contact_id'],
			['GET', `/contacts/${seeded.contact_id}?include=custom_fields,list_memberships`, undefined, 'contact_id'],
			['PUT', `/contacts/${seeded.contact_id}`, { email_address: { address: email('seeded') }, last_name: 'Smith', update_source: 'Account' }, 'contact_id'],
			['POST', '/contacts/sign_up_form', { email_address: email(2), list_memberships: [list.list_id], custom_fields: [{ custom_field_id: field.custom_field_id, value: 'x' }] }, 'contact_id'],
			['GET', '/contact_custom_fields', undefined, 'custom_fields'],
			['POST', '/contact_custom_fields', { label: 'Cart total', type: 'string' }, 'custom_field_id'],
			['GET', `/contact_custom_fields/${field.custom_field_id}`, undefined, 'custom_field_id'],
			['POST', '/activities/add_list_memberships', { source: { contact_ids: [seeded.contact_id] }, list_ids: [list.list_id] }, 'activity_id'],
			['POST', '/activities/remove_list_memberships', { source: { contact_ids: [seeded.contact_id] }, list_ids: [list.list_id] }, 'activity_id'],
			['POST', '/activities/contacts_json_import', { import_data: [{ email: email(3) }], list_ids: [list.list_id] }, 'activity_id'],
			['GET', '/activities', undefined, 'activities'],
			['GET', '/account/summary', undefined, 'encoded_account_id'],
		];
		const problems: string[] = [];
		for (const [method, path, body, key] of calls) {
			const answer = await cc.api(method, path, body);
			expect(answer.body).toHaveProperty(key);
			if (officialSpec) {
				const found = officialResponseProblems(officialSpec, method, path.split('?')[0], answer.status, answer.body);
				problems.push(...found.map((p) => `${method} ${path} ${answer.status}: ${p}`));
			}
		}
		const activity = cc.fake.control.snapshot().activities[0];
		const polled = await settled(cc, activity.activity_id as string);
		expect(polled).toHaveProperty('state', 'completed');
		if (officialSpec) problems.push(...officialResponseProblems(officialSpec, 'GET', `/activities/${activity.activity_id}`, 200, polled));
		expect(problems).toEqual([]);
		expect(cc.fake.control.contractViolations()).toEqual([]);
	});
});
