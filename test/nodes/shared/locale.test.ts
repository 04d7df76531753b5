/** One rule for the shopper's locale, used for money (money.ts) and dates (the coupon's expiry). */
import { DEFAULT_LOCALE, intlLocale } from '../../../nodes/shared/locale';
import { formatMoney } from '../../../nodes/shared/money';

describe('the locale money and dates are written in', () => {
	it("is the shopper's tag, canonical", () => {
		expect(intlLocale(' de-de ')).toBe('de-DE');
		expect(formatMoney(1234.5, 'EUR', 'de-de').replace(/\u00a0/g, ' ')).toBe('1.234,50 €');
	});

	it('is en-US for an empty tag or one Intl refuses, instead of failing the shopper', () => {
		expect(intlLocale('')).toBe(DEFAULT_LOCALE);
		expect(intlLocale('en_US')).toBe(DEFAULT_LOCALE);
		expect(intlLocale('not a locale!')).toBe(DEFAULT_LOCALE);
		expect(formatMoney(1234.5, 'EUR', 'en_US')).toBe('€1,234.50');
	});
});
