/** Reading a shopper from an item: consent as shops send it, the email check, cutting values to Constant Contact's limits. */
import { checkEmail, hasExplicitConsent, readShopper, truncateText } from '../../../nodes/AddToAutoresponderList/shopper';

describe('shopper rules', () => {
	it('reads consent the way shops send it and treats anything unclear as no consent', () => {
		expect([true, 'yes', 'Opted_In', 1, 'explicit'].map(hasExplicitConsent)).toEqual([true, true, true, true, true]);
		expect([false, 'no', '', null, undefined, 0, 'unknown'].map(hasExplicitConsent)).toEqual(Array(7).fill(false));
	});

	it('accepts real emails and names the problem with bad ones', () => {
		expect(checkEmail('  Jo.Smith+cart@Example.co.uk ')).toEqual({ email: 'jo.smith+cart@example.co.uk' });
		expect(checkEmail('jo@localhost')).toHaveProperty('problem');
		expect(checkEmail(`${'a'.repeat(75)}@x.com`)).toEqual({ problem: "The email address is longer than Constant Contact's 80 characters." });
	});

	it('cuts text without splitting an emoji or an accent from its letter', () => {
		expect(truncateText(`${'a'.repeat(254)}😀`, 255)).toBe('a'.repeat(254));
		expect(truncateText(`${'a'.repeat(254)}e\u0301x`, 255)).toBe('a'.repeat(254));
		expect(truncateText('short', 255)).toBe('short');
	});

	it('reports truncated names and custom fields, and skips empty values', () => {
		const read = readShopper(
			{ index: 3, email: 'jo@example.com', firstName: 'J'.repeat(60), consent: 'yes', cartValues: [{ label: 'ac_items', value: 'x'.repeat(300) }, { label: 'ac_coupon', value: '' }] },
			'truncate',
		);
		expect(read.truncated).toEqual(['ac_items', 'first_name']);
		expect(read.cartValues).toEqual([{ label: 'ac_items', value: 'x'.repeat(255) }]);
	});
});
