/** Money as the shopper reads it, in their currency and locale. Shared by both nodes; plain TypeScript, no n8n here. */
import { intlLocale } from './locale';

/** A currency that is not an ISO 4217 code: the item is reported with this sentence. */
export class MoneyError extends Error {}

/** The amount as the shopper reads money: `formatMoney(1234.5, 'EUR', 'de-DE')` is "1.234,50 €". */
export function formatMoney(amount: number, currency: string, locale: string): string {
	const code = currency.trim().toUpperCase();
	if (!/^[A-Z]{3}$/.test(code)) throw new MoneyError(`"${currency}" is not a currency code such as EUR or USD.`);
	return new Intl.NumberFormat(intlLocale(locale), { style: 'currency', currency: code }).format(amount);
}
