/**
 * Coupons on, as a shop turns them on in the reminder templates (enable Claim Coupons, add the Coupon option to
 * the Add nodes), a pool seeded in the shop's database, and the checks the template scenarios share: every shopper
 * who reached a list holds their own code in Constant Contact, no code twice; recovery_daily holds exact figures.
 */
import type { FakeConstantContact } from '../fake-constant-contact';
import { customFieldsOf, SHOP_CARTS } from './carts';
import { NODE_TYPES, type WorkflowJson } from './n8n';
import { expect } from './scenario';

export const COUPON_CODES = Array.from({ length: 6 }, (_, i) => `E2E-SAVE-${i + 1}`);

/** The Coupon option of Add to Autoresponder List as the templates' sticky note says to set it. */
const COUPON_OPTION = { settings: { codeField: 'coupon_code', expiresField: 'coupon_expires', fromStep: 1, minimumCartTotal: 0 } };

export function withCouponsOn(workflow: WorkflowJson): WorkflowJson {
	const copy = structuredClone(workflow);
	const claim = copy.nodes.find((n) => n.name === 'Claim Coupons');
	if (!claim) throw new Error(`workflow "${workflow.name}" has no Claim Coupons node`);
	delete claim.disabled;
	for (const node of copy.nodes.filter((n) => n.type === NODE_TYPES.addToAutoresponderList && n.parameters?.operation === 'addContact')) {
		node.parameters.options = { ...(node.parameters.options ?? {}), coupon: COUPON_OPTION };
	}
	return copy;
}

/** Shoppers' codes as Constant Contact has them (ac_coupon_code), checked: each shopper their own, none twice. */
export function assertCouponsInConstantContact(standIn: FakeConstantContact, emails: string[], claimedBy: Map<string, string>): Map<string, string> {
	const codes = new Map(emails.map((email) => [email, customFieldsOf(standIn, email).ac_coupon_code]));
	for (const [email, code] of codes) {
		expect(typeof code === 'string' && COUPON_CODES.includes(code), `${email} has ac_coupon_code ${JSON.stringify(code)}, expected a code of the pool`);
		expect(claimedBy.get(code) === email.toLowerCase(), `${email} got ${code}, which the pool records as given to ${claimedBy.get(code)}`);
	}
	const given = [...codes.values()];
	expect(new Set(given).size === given.length, `a code reached two shoppers: ${JSON.stringify([...codes])}`);
	return codes;
}

/** Abandoned carts the first run sees: idle past Abandoned After (all but Bob's) and not bought. */
export const SEEN_ON_FIRST_RUN = SHOP_CARTS.filter((c) => c.expected === 'send' || (c.expected === 'skip' && c.status === 'open'));

export interface DailyFigures {
	carts_seen: number;
	reminded: [number, number, number];
	recovered: [number, number, number];
	recovered_revenue: string;
}

/** recovery_daily's rows summed over the days (a run near midnight may count on two days). */
export function sumDailyFigures(rows: Array<Record<string, unknown>>): DailyFigures {
	const sum = (key: string) => rows.reduce((total, row) => total + Number(row[key] ?? 0), 0);
	return {
		carts_seen: sum('carts_seen'),
		reminded: [sum('reminded_step_1'), sum('reminded_step_2'), sum('reminded_step_3')],
		recovered: [sum('recovered_step_1'), sum('recovered_step_2'), sum('recovered_step_3')],
		recovered_revenue: sum('recovered_revenue').toFixed(2),
	};
}

export function assertDailyFigures(got: DailyFigures, expected: DailyFigures, when: string): void {
	expect(JSON.stringify(got) === JSON.stringify(expected), `${when} recovery_daily holds ${JSON.stringify(got)}, expected ${JSON.stringify(expected)}`);
}
