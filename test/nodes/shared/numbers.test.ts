/** Numbers as shops and databases hand them over (nodes/shared/numbers.ts), read one way by both nodes. */
import { plainNumber, wholeNumber } from '../../../nodes/shared/numbers';

describe('plainNumber', () => {
	it('reads JSON numbers and plain decimal text, as PostgreSQL sends numeric and bigint columns', () => {
		expect(plainNumber(49.9)).toBe(49.9);
		expect(plainNumber('49.90')).toBe(49.9);
		expect(plainNumber(' 3 ')).toBe(3);
		expect(plainNumber('-2.5')).toBe(-2.5);
	});

	it('refuses everything else rather than guessing', () => {
		for (const value of ['', ' ', '1e3', '12 €', '1,5', '0x10', 'Infinity', Infinity, NaN, null, undefined, true, [], {}]) {
			expect(plainNumber(value)).toBeNull();
		}
	});
});

describe('wholeNumber', () => {
	it('reads counts from 0 on, as numbers or text', () => {
		expect(wholeNumber(0)).toBe(0);
		expect(wholeNumber('12')).toBe(12);
		expect(wholeNumber(3.0)).toBe(3);
	});

	it('refuses fractions, negative numbers and text that is no count', () => {
		for (const value of [1.5, '2.5', -1, '-1', 'two', '', null]) expect(wholeNumber(value)).toBeNull();
	});
});
