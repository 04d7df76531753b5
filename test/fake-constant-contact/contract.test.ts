/**
 * One valid and one invalid body per operation. With CC_OPENAPI_SPEC naming the official swagger (as .ci/run does),
 * the bodies are judged by the official definitions; without it, by the stand-in's own schemas.
 */
import { contractChecker } from './contract';
import { StandIn, email, startStandIn } from './helpers';

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
