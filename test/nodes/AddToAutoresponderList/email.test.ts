import { checkEmail } from '../../../nodes/AddToAutoresponderList/shopper';

describe('The email check of Add to Autoresponder List', () => {
	it.each([
		['a control character', 'ada\u0007@example.com', /control characters/],
		['HTML', '<b>ada</b>@example.com', /not allowed before the @/],
		['characters outside ASCII', 'josé@exämple.de', /outside ASCII/],
		['no domain ending', 'ada@example', /domain ending/],
	])('refuses an address with %s, as the Abandoned Cart Filter does, so the shopper is skipped and never created', (_what, email, problem) => {
		expect(checkEmail(email)).toEqual({ problem: expect.stringMatching(problem) });
	});

	it('accepts an ordinary address, trimmed, and keeps its case', () => {
		expect(checkEmail('  Ada.Lovelace+cart@Example.com ')).toEqual({ email: 'Ada.Lovelace+cart@Example.com' });
	});
});
