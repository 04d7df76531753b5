/** Money as the shopper reads it. */
import { formatMoney, MoneyError } from '../../../nodes/shared/money';

/** Intl separates amount and symbol with a no-break space; the tests read it as a space. */
const plain = (text: string) => text.replace(/[\u00a0\u202f]/g, ' ');

describe('formatMoney', () => {
	it.each([
		[1234.5, 'EUR', 'de-DE', '1.234,50 €'],
		[1234.5, 'usd', 'en-US', '$1,234.50'],
		[1234.5, 'GBP', 'en-GB', '£1,234.50'],
		[1234.5, 'JPY', 'ja-JP', '￥1,235'],
	])('%d %s in %s is "%s"', (amount, currency, locale, expected) => {
		expect(plain(formatMoney(amount, currency, locale))).toBe(expected);
	});

	it("writes an unknown locale's total in English, and an empty one too", () => {
		expect(formatMoney(5, 'EUR', 'not a locale!')).toBe('€5.00');
		expect(formatMoney(5, 'EUR', '')).toBe('€5.00');
	});

	it('refuses something that is not a currency code', () => {
		expect(() => formatMoney(5, 'euro', 'de-DE')).toThrow(MoneyError);
	});
});
