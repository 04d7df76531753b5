/**
 * Which answers mean "Constant Contact refuses this address" (a final skip, rejected-email) and which are some
 * other problem that must stay a failure. Constant Contact explains a refusal only in free text (reference §9).
 */
import { ConstantContactError, refusedAddress, translateApiError } from '../../../nodes/ConstantContact/errors';

const answer400 = (message: string) =>
	translateApiError('sign the shopper up', 400, [{ error_key: 'contacts.api.validation.error', error_message: message }]);

describe('refusedAddress', () => {
	it.each([
		'email_address.address: invalid email address jo@blocked.example.',
		'The email address is not valid.',
		'Invalid email: jo@@example.com',
		'Email address jo@example.com was rejected.',
	])('reads a refusal of the address in a 400: %s', (message) => {
		expect(refusedAddress(answer400(message))).toBe(message);
	});

	it.each([
		'email_address.permission_to_send must be one of explicit, implicit.',
		'list_memberships must contain at least one list_id.',
		'custom_fields[0].value must be at most 255 characters.',
	])('leaves any other 400 a failure: %s', (message) => {
		expect(refusedAddress(answer400(message))).toBeUndefined();
	});

	it('reads only 400 answers, and import row errors as text', () => {
		expect(refusedAddress(translateApiError('sign the shopper up', 500, [{ error_key: 'server_error', error_message: 'invalid email service' }]))).toBeUndefined();
		expect(refusedAddress(new ConstantContactError('invalid email address', 'network'))).toBeUndefined();
		expect(refusedAddress('invalid email address jo@blocked.example')).toBe('invalid email address jo@blocked.example');
		expect(refusedAddress('rejected by an injected fault')).toBeUndefined();
		expect(refusedAddress(undefined)).toBeUndefined();
	});
});
