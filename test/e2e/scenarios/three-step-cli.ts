/**
 * The shipped three-step template (1 h / 24 h / 72 h, one list and automation per step), run by `n8n execute`
 * against carts in PostgreSQL. The table tracks the sequence (last_reminded_at, reminders_sent), so the test moves
 * time forward by moving every timestamp of the table back: 24 h, then 48 h more. Each shopper reaches each
 * step's list once, one step per run, and the unsubscribed shopper none.
 */
import { assertReminderListState, customFieldsOf, listMemberships, recoveryUrl, SHOP_CARTS } from '../carts';
import { assertCouponsInConstantContact, assertDailyFigures, SEEN_ON_FIRST_RUN, withCouponsOn } from '../coupons';
import { expect, type Scenario } from '../scenario';
import { template, useCredentials, withManualTrigger } from '../workflows';
import { claimedCoupons, dailyFigures, seedCouponPool, shopWithConnectedN8n } from './postgres-cli';

export const THREE_STEP_TEMPLATE = 'three-step-sequence-postgres.json';
export const STEP_LISTS = ['Abandoned cart - step 1 (1 hour)', 'Abandoned cart - step 2 (24 hours)', 'Abandoned cart - step 3 (72 hours)'];

/** Which steps each shopper has reached after each run (runs at +0 h, +24 h, +72 h). */
const EXPECTED_STEPS: Record<string, number[]> = {
	'cart-1001': [1, 2, 3], // Alice, idle 2 h at the start
	'cart-1002': [0, 1, 2], // Bob, active 10 minutes ago at the start: step 1 one day later
	'cart-1008': [1, 2, 3], // Grace, Tokyo
	'cart-1005': [1, 2, 3], // Erin, unsubscribed in Constant Contact: each step handled without a reminder, on no list
};

/** Carts whose steps are recorded although their shopper never joins a list. */
const HANDLED_WITHOUT_REMINDER = new Set(['cart-1005']);

export const threeStepCli: Scenario = {
	name: 'three-step-template-cli',
	timeoutSeconds: 360,
	async run(context) {
		const shop = await shopWithConnectedN8n(context);
		const { standIn, db, n8n } = shop;
		const lists = STEP_LISTS.map((name) => String(standIn.control.seedList({ name, automation: { name: `${name} email` } }).list_id));
		const id = 'e2eThreeStep0001';
		await seedCouponPool(db);
		// Coupons on: the template gives codes from step 3 (the discount email) on
		await n8n.importWorkflow({ ...withManualTrigger(withCouponsOn(useCredentials(template(THREE_STEP_TEMPLATE), shop.credentials)), 'Every 15 Minutes'), id });
		const reachedBy = (run: number, step: number) =>
			Object.entries(EXPECTED_STEPS).filter(([cartId, steps]) => !HANDLED_WITHOUT_REMINDER.has(cartId) && steps[run] >= step).length;

		const shiftHours = async (hours: number) =>
			db.query(
				`UPDATE abandoned_carts SET created_at = created_at - make_interval(hours => $1), updated_at = updated_at - make_interval(hours => $1),
				   completed_at = completed_at - make_interval(hours => $1), last_reminded_at = last_reminded_at - make_interval(hours => $1)`,
				[hours],
			);
		const shifts = [0, 24, 48];
		for (let run = 0; run < shifts.length; run++) {
			if (shifts[run]) await shiftHours(shifts[run]);
			await n8n.execute(id);
			const claimed = await db.query('SELECT id FROM abandoned_carts WHERE reminder_claimed_at IS NOT NULL');
			expect(claimed.length === 0, `after run ${run + 1} carts are still claimed (Record Reminder releases every claim): ${claimed.map((r) => r.id).join(', ')}`);
			const table = await db.query('SELECT id, reminders_sent, cc_contact_id FROM abandoned_carts');
			const rows = new Map(table.map((r) => [r.id, r.reminders_sent]));
			const contactIds = new Map(table.map((r) => [r.id, r.cc_contact_id]));
			for (const [cartId, steps] of Object.entries(EXPECTED_STEPS)) {
				const cart = SHOP_CARTS.find((c) => c.id === cartId)!;
				expect(rows.get(cartId) === steps[run], `after run ${run + 1} cart ${cartId} records step ${rows.get(cartId)}, expected ${steps[run]}`);
				const reached = HANDLED_WITHOUT_REMINDER.has(cartId) ? 0 : steps[run];
				if (reached > 0) {
					const contactId = standIn.control.findContactByEmail(cart.email)?.contact_id;
					expect(contactIds.get(cartId) === contactId, `after run ${run + 1} cart ${cartId} keeps contact ID ${contactIds.get(cartId)}, Constant Contact has ${String(contactId)}`);
				}
				if (run < 2) expect((await claimedCoupons(db)).size === 0, `after run ${run + 1} codes were claimed before step 3`);
				lists.forEach((listId, index) => {
					const onList = listMemberships(standIn, cart.email).includes(listId);
					expect(onList === index < reached, `after run ${run + 1} ${cart.email} is ${onList ? '' : 'not '}on "${STEP_LISTS[index]}"`);
					const entries = standIn.control.automationEntries({ listId, email: cart.email }).length;
					expect(entries === (index < reached ? 1 : 0), `after run ${run + 1} ${cart.email} entered "${STEP_LISTS[index]}"'s automation ${entries} times`);
				});
			}
			const seen = SEEN_ON_FIRST_RUN.length + (run > 0 ? 1 : 0); // Bob's cart is abandoned from the second run on
			assertDailyFigures(await dailyFigures(db), { carts_seen: seen, reminded: [reachedBy(run, 1), reachedBy(run, 2), reachedBy(run, 3)], recovered: [0, 0, 0], recovered_revenue: '0.00' }, `after run ${run + 1}`);
		}
		const stepThree = ['cart-1001', 'cart-1008'].map((cartId) => SHOP_CARTS.find((c) => c.id === cartId)!.email);
		const codes = assertCouponsInConstantContact(standIn, stepThree, await claimedCoupons(db));
		for (const cartId of ['cart-1001', 'cart-1002', 'cart-1008']) {
			const cart = SHOP_CARTS.find((c) => c.id === cartId)!;
			expect(customFieldsOf(standIn, cart.email).ac_recovery_url === recoveryUrl(cartId), `${cart.email} lacks the cart's recovery link`);
		}
		const others = SHOP_CARTS.filter((c) => !(c.id in EXPECTED_STEPS));
		const untouched = await db.query('SELECT id FROM abandoned_carts WHERE id = ANY($1) AND reminders_sent > 0', [others.map((c) => c.id)]);
		expect(untouched.length === 0, `carts that must never be reminded record reminders: ${untouched.map((r) => r.id).join(', ')}`);
		// The single-list checks (unsubscribed untouched, existing customer keeps list and permission, no contract violations).
		assertReminderListState(standIn, shop.account, SHOP_CARTS.map((c) => ({ ...c, reachesList: false })));
		return `3 runs (+0 h, +24 h, +72 h): coupons at step 3 ${JSON.stringify([...codes])}; recovery_daily as counted per run; Alice and Grace reached steps 1-3, Bob 1-2, one automation entry per list, Erin (unsubscribed) none, her steps recorded as handled; table tracks the steps, every claim released`;
	},
};
