import type { IDataObject } from 'n8n-workflow';

export const NOW = '2026-03-10T12:00:00.000Z';
export const NOW_MS = Date.parse(NOW);
export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

export const iso = (ms: number) => new Date(ms).toISOString();

let counter = 0;

/** A realistic abandoned cart row, idle for two hours at NOW, opted in, one line item. */
export function cartRow(overrides: IDataObject = {}): IDataObject {
	counter++;
	return {
		id: `cart-${counter}`,
		email: `shopper${counter}@example.com`,
		first_name: 'Ada',
		created_at: iso(NOW_MS - 3 * HOUR),
		updated_at: iso(NOW_MS - 2 * HOUR),
		completed_at: null,
		order_id: null,
		status: 'open',
		total: '59.90',
		currency: 'EUR',
		items: [{ sku: 'MUG-1', name: 'Mug', qty: 1, unit_price: 59.9 }],
		marketing_consent: true,
		timezone: 'Europe/Berlin',
		...overrides,
	};
}
