/**
 * The one cart factory of the tests and benchmarks. A cart is the shop's row as the templates' SELECT in workflows/
 * returns it (the columns of workflows/sql/abandoned_carts.postgres.sql, times as ISO strings), so a test's cart is
 * what a user's workflow hands the Abandoned Cart Filter; `cartEvent` is the same cart as the shop's webhook sends it.
 */
import type { IDataObject } from 'n8n-workflow';

/** The tests' fixed clock: a Tuesday noon in UTC, outside any daylight-saving change. */
export const NOW = '2026-03-10T12:00:00.000Z';
export const NOW_MS = Date.parse(NOW);
export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

export const iso = (ms: number): string => new Date(ms).toISOString();

export interface CartRow extends IDataObject {
	id: string;
	email: string;
	first_name: string;
	last_name: string | null;
	marketing_consent: boolean;
	/** open, or a purchase status such as paid / completed */
	status: string;
	item_count: number;
	/** numeric(12, 2), which PostgreSQL hands over as a string */
	total: string;
	currency: string;
	recovery_url: string | null;
	timezone: string | null;
	created_at: string;
	/** the shopper's last activity on the cart */
	updated_at: string;
	completed_at: string | null;
	order_id: string | null;
	last_reminded_at: string | null;
	/** the highest reminder step sent */
	reminders_sent: number;
}

export interface CartClock {
	/** The instant the cart's times are relative to, in ms; default NOW_MS (Date.now() for runs on the real clock). */
	now?: number;
	/** Minutes since the shopper's last activity; default 120, so a one-hour first step is due. */
	idleMinutes?: number;
}

export function recoveryUrl(cartId: string): string {
	return `https://shop.example.com/cart/recover/${cartId}`;
}

/**
 * Shopper n's open cart: cart-(1000 + n), shopper<n>@example.com, first name "Shopper <n>", opted in to marketing,
 * one item for 59.90 EUR, last active two hours ago, never reminded. Overrides replace columns (or add fields).
 */
export function shopperCart(n: number, overrides: IDataObject = {}, clock: CartClock = {}): CartRow {
	const updatedAt = (clock.now ?? NOW_MS) - (clock.idleMinutes ?? 120) * MINUTE;
	const id = typeof overrides.id === 'string' ? overrides.id : `cart-${1000 + n}`;
	return {
		id,
		email: `shopper${n}@example.com`,
		first_name: `Shopper ${n}`,
		last_name: null,
		marketing_consent: true,
		status: 'open',
		item_count: 1,
		total: '59.90',
		currency: 'EUR',
		recovery_url: recoveryUrl(id),
		timezone: 'Europe/Berlin',
		created_at: iso(updatedAt - HOUR),
		updated_at: iso(updatedAt),
		completed_at: null,
		order_id: null,
		last_reminded_at: null,
		reminders_sent: 0,
		...overrides,
	} as CartRow;
}

/** Counted from 10,001 so these shoppers never meet the small numbers a test gives shopperCart itself. */
let nextShopper = 10_000;

/** The next shopper's cart (a new cart id and email on every call); see shopperCart for the rest. */
export function cartRow(overrides: IDataObject = {}, clock: CartClock = {}): CartRow {
	nextShopper++;
	return shopperCart(nextShopper, overrides, clock);
}

/** The cart as the shop's `cart_updated` webhook event (the "Cart events by webhook" template's fields). */
export function cartEvent(cart: CartRow, fields: IDataObject = {}): IDataObject {
	return {
		event: 'cart_updated',
		cart_id: cart.id,
		email: cart.email,
		first_name: cart.first_name,
		accepts_marketing: cart.marketing_consent,
		item_count: cart.item_count,
		total: Number(cart.total),
		currency: cart.currency,
		recovery_url: cart.recovery_url,
		timezone: cart.timezone,
		updated_at: cart.updated_at,
		...fields,
	};
}
