/**
 * The option "Coupon" of Add Contact to List: from a reminder step on and above a cart total, the coupon code the item
 * carries (claimed from the shop's pool before this node, or sent by the shop) goes to ac_coupon_code with its expiry
 * date; otherwise both fields are emptied, so an earlier cart's code never shows. Plain TypeScript apart from the
 * description.
 */
import { DateTime } from 'luxon';
import type { INodeProperties } from 'n8n-workflow';

import { MAX_CUSTOM_FIELD_VALUE_LENGTH } from '../ConstantContact/limits';
import { compilePath, readPath, type CompiledPath } from '../shared/fieldPaths';
import { intlLocale } from '../shared/locale';
import { plainNumber } from '../shared/numbers';
import { DEFAULT_TOTAL_FIELD, type CartItemValues } from './cartItems';
import { InvalidInputError, InvalidParameterError } from './results';
import { valueToText } from './shopper';

/** The custom fields the reminder email reads; its coupon block shows only when ac_coupon_code has a value. */
export const COUPON_CODE_FIELD = 'ac_coupon_code';
export const COUPON_EXPIRES_FIELD = 'ac_coupon_expires';
export const COUPON_FIELD_LABELS = [COUPON_CODE_FIELD, COUPON_EXPIRES_FIELD];

export const DEFAULT_COUPON_CODE_FIELD = 'coupon_code';
export const DEFAULT_COUPON_EXPIRES_FIELD = 'coupon_expires';
export const DEFAULT_COUPON_FROM_STEP = 1;
export const DEFAULT_COUPON_MINIMUM_CART_TOTAL = 0;

/** Why a shopper got no coupon: a reminder before From Step, a cart below the minimum (or without a total), an empty pool. */
export type NoCouponReason = 'before-step' | 'below-minimum-total' | 'no-cart-total' | 'no-code-left';
export const NO_CODE_LEFT: NoCouponReason = 'no-code-left';

/** What the item says about its coupon. */
export type CouponOutcome = { given: true; code: string; expires: string | null } | { given: false; reason: NoCouponReason };

/** The option as the editor stores it: `options.coupon.settings`. */
export interface CouponParameters {
	codeField?: string;
	expiresField?: string;
	fromStep?: number;
	minimumCartTotal?: number;
	totalField?: string;
}

const FIELD_PATH: INodeProperties['typeOptions'] = { requiresDataPath: 'multiple' };

export const couponOption: INodeProperties = {
	displayName: 'Coupon',
	name: 'coupon',
	type: 'fixedCollection',
	placeholder: 'Add Coupon',
	default: {},
	description: `Writes the item's coupon code and its expiry date to ${COUPON_CODE_FIELD} and ${COUPON_EXPIRES_FIELD} from a reminder step on and above a cart total; otherwise both are emptied, so an old code never shows`,
	options: [
		{
			displayName: 'Settings',
			name: 'settings',
			values: [
				{
					displayName: 'Code Field',
					name: 'codeField',
					type: 'string',
					typeOptions: FIELD_PATH,
					default: DEFAULT_COUPON_CODE_FIELD,
					description: 'Field name of the code your workflow claimed for this shopper from the shop\'s pool (or the shop sent). Empty on an item: no code left, the reminder goes out without one.',
				},
				{
					displayName: 'Expires Field',
					name: 'expiresField',
					type: 'string',
					typeOptions: FIELD_PATH,
					default: DEFAULT_COUPON_EXPIRES_FIELD,
					description: 'Field name of when the code stops working (ISO 8601 or YYYY-MM-DD HH:MM:SS); written as a date in the shopper\'s locale (Cart Items → Locale) and the workflow\'s time zone',
				},
				{
					displayName: 'From Step',
					name: 'fromStep',
					type: 'number',
					typeOptions: { minValue: 1 },
					default: DEFAULT_COUPON_FROM_STEP,
					description: 'The first reminder step that offers the coupon (Options → Reminder Step)',
				},
				{
					displayName: 'Minimum Cart Total',
					name: 'minimumCartTotal',
					type: 'number',
					typeOptions: { minValue: 0 },
					default: DEFAULT_COUPON_MINIMUM_CART_TOTAL,
					description: 'Carts below this total get no coupon; 0 offers it whatever the total',
				},
				{
					displayName: 'Total Field',
					name: 'totalField',
					type: 'string',
					typeOptions: FIELD_PATH,
					default: DEFAULT_TOTAL_FIELD,
					description: 'Field name of the cart\'s total, compared with Minimum Cart Total',
				},
			],
		},
	],
};

export interface CouponSettings {
	code: CompiledPath;
	expires: CompiledPath;
	total: CompiledPath;
	fromStep: number;
	minimumCartTotal: number;
}

/** Throws InvalidParameterError naming the setting when a field name or a threshold is not usable. */
export function couponSettingsOf(parameters: CouponParameters): CouponSettings {
	const path = (text: string | undefined, fallback: string, what: string) => compilePath(text?.trim() || fallback, what);
	const fromStep = Number(parameters.fromStep ?? DEFAULT_COUPON_FROM_STEP);
	const minimumCartTotal = Number(parameters.minimumCartTotal ?? DEFAULT_COUPON_MINIMUM_CART_TOTAL);
	if (!Number.isInteger(fromStep) || fromStep < 1) throw new InvalidParameterError(`Coupon → From Step is ${parameters.fromStep}; give a whole number from 1 on.`);
	if (!Number.isFinite(minimumCartTotal) || minimumCartTotal < 0) {
		throw new InvalidParameterError(`Coupon → Minimum Cart Total is ${parameters.minimumCartTotal}; give 0 or more.`);
	}
	let problem: Error;
	try {
		return {
			code: path(parameters.codeField, DEFAULT_COUPON_CODE_FIELD, 'Coupon → Code Field'),
			expires: path(parameters.expiresField, DEFAULT_COUPON_EXPIRES_FIELD, 'Coupon → Expires Field'),
			total: path(parameters.totalField, DEFAULT_TOTAL_FIELD, 'Coupon → Total Field'),
			fromStep,
			minimumCartTotal,
		};
	} catch (error) {
		problem = error as Error;
	}
	throw new InvalidParameterError(problem.message);
}

/** Where and when the shopper reads the expiry date. */
export interface CouponReader {
	step: number;
	/** The shopper's locale (Cart Items → Locale); empty or unknown: en-US. */
	locale: string;
	/** The workflow's time zone (IANA name). */
	timeZone: string;
}

export interface CouponValues extends CartItemValues {
	coupon: CouponOutcome;
}

/** The item's coupon fields: written when it gets one, emptied otherwise; throws InvalidInputError for an unusable code or expiry. */
export function couponValues(json: unknown, settings: CouponSettings, reader: CouponReader): CouponValues {
	const none = (reason: NoCouponReason): CouponValues => ({ values: [], emptied: [...COUPON_FIELD_LABELS], coupon: { given: false, reason } });
	if (reader.step < settings.fromStep) return none('before-step');
	if (settings.minimumCartTotal > 0) {
		const total = plainNumber(readPath(json, settings.total));
		if (total === null) return none('no-cart-total');
		if (total < settings.minimumCartTotal) return none('below-minimum-total');
	}
	const code = (valueToText(readPath(json, settings.code)) ?? '').trim();
	if (code === '') return none(NO_CODE_LEFT);
	if (code.length > MAX_CUSTOM_FIELD_VALUE_LENGTH) {
		// A cut code would not work at the checkout, so it is never truncated.
		throw new InvalidInputError(
			`The coupon code at "${settings.code.label}" has ${code.length} characters; Constant Contact keeps at most ${MAX_CUSTOM_FIELD_VALUE_LENGTH}.`,
			'invalid-coupon',
		);
	}
	const expires = expiryDate(readPath(json, settings.expires), settings.expires, reader);
	return {
		values: [{ label: COUPON_CODE_FIELD, value: code }, ...(expires === null ? [] : [{ label: COUPON_EXPIRES_FIELD, value: expires }])],
		emptied: expires === null ? [COUPON_EXPIRES_FIELD] : [],
		coupon: { given: true, code, expires },
	};
}

/** The expiry as a date the shopper reads ("31. Dezember 2026"); null when the item has none. */
export function expiryDate(value: unknown, path: CompiledPath, { locale, timeZone }: CouponReader): string | null {
	if (value === undefined || value === null || value === '') return null;
	const text = typeof value === 'string' ? value.trim() : '';
	// A database row brings a Date, an n8n expression such as {{ $now.plus(7, 'days') }} a luxon DateTime, a webhook text.
	const parsed = DateTime.isDateTime(value)
		? value
		: value instanceof Date
			? DateTime.fromJSDate(value, { zone: timeZone })
			: [DateTime.fromISO(text, { zone: timeZone }), DateTime.fromSQL(text, { zone: timeZone })].find((time) => time.isValid);
	if (text.length > 64 || !parsed?.isValid) {
		throw new InvalidInputError(
			`The coupon's expiry ${JSON.stringify(value).slice(0, 80)} at "${path.label}" is not a date the node reads; give ISO 8601 (2026-12-31T23:59:59Z) or YYYY-MM-DD HH:MM:SS.`,
			'invalid-coupon-expiry',
		);
	}
	return longDate(parsed.toMillis(), locale, timeZone);
}

function longDate(ms: number, locale: string, timeZone: string): string {
	return new Intl.DateTimeFormat(intlLocale(locale), { dateStyle: 'long', timeZone }).format(ms);
}
