/** The custom fields the coupon option writes: the shopper's code and when it stops working. */
export const COUPON_CODE_FIELD = 'ac_coupon_code';
export const COUPON_EXPIRES_FIELD = 'ac_coupon_expires';
