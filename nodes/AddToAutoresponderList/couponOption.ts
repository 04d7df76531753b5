/**
 * The "Coupon" option of Add Contact to List in a run: each item's coupon read with the workflow's time zone, and
 * afterwards what each item says about it plus one warning for the run when the pool ran out. The rules are in coupon.ts.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { couponValues, NO_CODE_LEFT, type CouponOutcome, type CouponSettings, type CouponValues } from './coupon';
import type { ItemStatus } from './results';

/** Statuses whose contact got this run's fields: only there does the item say what its coupon was. */
const WRITTEN: ItemStatus[] = ['created', 'added', 're-added', 'already-on-list'];

/** The item's coupon fields; throws InvalidInputError for the item's code or expiry. */
export function readCoupon(context: IExecuteFunctions, json: unknown, settings: CouponSettings, step: number, locale: string): CouponValues {
	return couponValues(json, settings, { step, locale, timeZone: context.getTimezone() });
}

/** Puts `coupon` on each item whose contact was written, and warns once for the run when shoppers got no code from an empty pool. */
export function reportCoupons(context: IExecuteFunctions, output: INodeExecutionData[], coupons: Array<CouponOutcome | undefined>): void {
	let noCodeLeft = 0;
	for (const [itemIndex, item] of output.entries()) {
		const coupon = coupons[itemIndex];
		if (!coupon || !WRITTEN.includes(item.json.status as ItemStatus)) continue;
		item.json.coupon = coupon as unknown as IDataObject;
		if (!coupon.given && coupon.reason === NO_CODE_LEFT) noCodeLeft++;
	}
	if (noCodeLeft > 0) {
		context.addExecutionHints({
			message: `${noCodeLeft} shopper(s) got their reminder without a coupon: their item had no code (coupon.reason "${NO_CODE_LEFT}"). The coupon pool may be empty; add codes to it.`,
			type: 'warning',
			location: 'outputPane',
		});
	}
}
