/**
 * Generated cart rows as a shop's cart table returns them, in a fixed mix (deterministic for a seed):
 * 60 % idle 1 h to 7 d (a reminder is due), 12 % active in the last hour, 10 % completed or ordered,
 * 6 % without an email, 6 % without marketing consent, 6 % idle for longer than the 7-day give-up window.
 * Times are relative to `nowMs`, so the workflows decide at the real clock.
 */
import type { IDataObject } from 'n8n-workflow';

import { DAY, HOUR, iso, MINUTE, shopperCart } from '../test/support/carts';

/** mulberry32: a tiny seeded PRNG, so every run (and both variants) gets the same carts. */
function random(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

const ZONES = ['Europe/Berlin', 'America/New_York', 'Europe/London', 'Asia/Tokyo', 'America/Los_Angeles'];
const PRODUCTS = [
	{ sku: 'MUG-1', name: 'Mug', unit_price: 12.5 },
	{ sku: 'TEE-2', name: 'T-shirt', unit_price: 24.9 },
	{ sku: 'BAG-3', name: 'Tote bag', unit_price: 19 },
	{ sku: 'CAP-4', name: 'Cap', unit_price: 17.5 },
];

export function generateCarts(count: number, nowMs: number, seed = 42): IDataObject[] {
	const next = random(seed);
	const carts: IDataObject[] = new Array(count);
	for (let i = 0; i < count; i++) {
		const kind = next();
		let idleMs = HOUR + next() * (6 * DAY);
		if (kind >= 0.6 && kind < 0.72) idleMs = next() * 59 * MINUTE;
		if (kind >= 0.94) idleMs = 8 * DAY + next() * 20 * DAY;
		const completed = kind >= 0.72 && kind < 0.82;
		const lines = 1 + Math.floor(next() * 3);
		const items = Array.from({ length: lines }, () => {
			const product = PRODUCTS[Math.floor(next() * PRODUCTS.length)];
			return { ...product, qty: 1 + Math.floor(next() * 2) };
		});
		const total = items.reduce((sum, line) => sum + line.unit_price * line.qty, 0);
		const updatedAt = nowMs - idleMs;
		// The shop's row with its line items too: the filter reads `items` before `item_count`
		carts[i] = shopperCart(
			i + 1,
			{
				id: `cart-${seed}-${i + 1}`,
				email: kind >= 0.82 && kind < 0.88 ? '' : `shopper${seed}-${i + 1}@example.com`,
				first_name: 'Ada',
				created_at: iso(updatedAt - 20 * MINUTE),
				completed_at: completed ? iso(updatedAt + 5 * MINUTE) : null,
				order_id: completed ? `ORD-${i + 1}` : null,
				status: completed ? 'paid' : 'open',
				total: total.toFixed(2),
				item_count: items.length,
				items,
				marketing_consent: !(kind >= 0.88 && kind < 0.94),
				timezone: ZONES[i % ZONES.length],
			},
			{ now: updatedAt, idleMinutes: 0 },
		);
	}
	return carts;
}

/** Whether a generated cart is due for a reminder under the default rules (idle 1 h to 7 d, email, consent, open). */
export function isDue(cart: IDataObject, nowMs: number): boolean {
	const idleMs = nowMs - Date.parse(String(cart.updated_at));
	return Boolean(cart.email) && cart.marketing_consent === true && !cart.completed_at && idleMs >= HOUR && idleMs <= 7 * DAY;
}

/** `count` carts that are due for a reminder. */
export function abandonedCarts(count: number, nowMs: number, seed = 42): IDataObject[] {
	const due: IDataObject[] = [];
	for (let batch = 0; due.length < count; batch++) {
		for (const cart of generateCarts(Math.ceil(count * 1.8), nowMs, seed + batch)) {
			if (isDue(cart, nowMs)) due.push(cart);
			if (due.length === count) break;
		}
	}
	return due;
}
