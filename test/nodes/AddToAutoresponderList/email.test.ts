import { emailKey } from '../../../nodes/AbandonedCartFilter/memory';
import { checkEmail } from '../../../nodes/AddToAutoresponderList/shopper';
import { normalizeEmail } from '../../../nodes/ConstantContact/email';

describe('The email check of Add to Autoresponder List', () => {
	it.each([
		['a control character', 'ada\u0007@example.com', /control characters/],
		['HTML', '<b>ada</b>@example.com', /not allowed before the @/],
		['characters outside ASCII', 'josé@exämple.de', /outside ASCII/],
		['no domain ending', 'ada@example', /domain ending/],
	])('refuses an address with %s, as the Abandoned Cart Filter does, so the shopper is skipped and never created', (_what, email, problem) => {
		expect(checkEmail(email)).toEqual({ problem: expect.stringMatching(problem) });
	});

	it('accepts an ordinary address, trimmed and lower-cased: the form Constant Contact stores and finds', () => {
		expect(checkEmail('  Ada.Lovelace+cart@Example.com ')).toEqual({ email: 'ada.lovelace+cart@example.com' });
	});

	it('gives both nodes one key per person, whatever the case and spaces the shop sent', () => {
		expect(normalizeEmail(' Ada.Lovelace@Example.COM\t')).toBe('ada.lovelace@example.com');
		expect(emailKey('Ada.Lovelace@Example.com ')).toBe(emailKey('ada.lovelace@example.com'));
	});
});
