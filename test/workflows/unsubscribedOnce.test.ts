/**
 * A shopper Constant Contact has as unsubscribed is looked up at most once per cart and step: Add to Autoresponder
 * List skips them, Mark Reminders Sent records the step as handled without a reminder, and the runs after that send
 * Constant Contact nothing about them. In n8n's engine (test/harness), one by one and in bulk.
 */
import { FILTER, MARK, openShop, reminderWorkflow, runShop } from '../reliability/shop';
import { useStandIn } from '../support/standIn';

const standIn = useStandIn({ activityProcessingMs: 30 });

/** Add to Autoresponder List one by one (below its Bulk Threshold) and in bulk. */
const MODES: Array<[string, number]> = [
	['one by one', 50],
	['in bulk', 1],
];

const lookUpsOf = (email: string) => standIn.fakeCc.control.requestLog().filter((entry) => entry.query.email === email).length;

describe.each(MODES)('an unsubscribed shopper over ten runs (%s)', (_mode, bulkThreshold) => {
	it('is looked up at most once, then recorded as handled and never asked about again', async () => {
		const shop = openShop(standIn.fakeCc);
		const gone = shop.never.find((email) => email.includes('gone'))!;
		const workflow = reminderWorkflow({ bulkThreshold });

		const first = await runShop(shop, workflow);
		const handled = first.outputsOf(MARK).find((json) => json.email === gone);
		expect(handled).toMatchObject({ status: 'skipped', reason: 'unsubscribed', reminder: { recorded: true, reminderSent: false, reason: 'handled_without_reminder' } });
		expect(lookUpsOf(gone)).toBeLessThanOrEqual(1);
		const lookUpsInRunOne = lookUpsOf(gone);

		for (let run = 2; run <= 10; run++) {
			const again = await runShop(shop, workflow);
			expect(again.status).toBe('success');
			// The filter no longer hands the cart on, so neither a look-up nor an import row can name the shopper.
			expect(again.outputsOf(FILTER, 0).map((json) => json.email)).not.toContain(gone);
			// It skips the cart with a reason of its own, naming why Constant Contact could not take the shopper
			const skipped = again.outputsOf(FILTER, 2).find((json) => json.email === gone);
			expect(skipped).toMatchObject({ decision: { decision: 'skip', reason: 'not_reachable', step: null } });
			expect(String((skipped!.decision as { message: string }).message)).toContain('(unsubscribed)');
		}
		expect(lookUpsOf(gone)).toBe(lookUpsInRunOne);
		expect(standIn.fakeCc.control.findContactByEmail(gone)!.email_address).toMatchObject({ permission_to_send: 'unsubscribed' });
		expect(standIn.fakeCc.control.automationEntries({ email: gone })).toEqual([]);
		expect(standIn.fakeCc.control.consentViolations()).toEqual([]);
	});
});

describe.each(MODES)('a shopper whose address Constant Contact refuses, over ten runs (%s)', (_mode, bulkThreshold) => {
	it('is tried once, skipped with reason rejected-email, recorded as final, and never sent to Constant Contact again', async () => {
		const shop = openShop(standIn.fakeCc);
		const refused = shop.due[0];
		standIn.fakeCc.control.refuseAddresses({ emails: [refused] });
		const workflow = reminderWorkflow({ bulkThreshold });
		const writesOf = () =>
			standIn.fakeCc.control.requestLog().filter((entry) => entry.method === 'POST' && /sign_up_form|\/contacts$|contacts_json_import/.test(entry.path)).length;

		const first = await runShop(shop, workflow);
		expect(first.status).toBe('success');
		const handled = first.outputsOf(MARK).find((json) => json.email === refused);
		expect(handled).toMatchObject({ status: 'skipped', reason: 'rejected-email', reminder: { recorded: true, reminderSent: false, reason: 'handled_without_reminder' } });
		expect(String(handled!.warning)).toContain(`Constant Contact refused to store ${refused}`);
		// The other shoppers of the run are not held back by it
		expect(first.outputsOf(MARK).filter((json) => json.email !== refused && shop.due.includes(String(json.email))).map((json) => json.status)).not.toContain('failed');
		const lookUpsInRunOne = lookUpsOf(refused);
		expect(lookUpsInRunOne).toBeLessThanOrEqual(1);
		const writesAfterRunOne = writesOf();

		for (let run = 2; run <= 10; run++) {
			const again = await runShop(shop, workflow);
			expect(again.status).toBe('success');
			expect(again.outputsOf(FILTER, 0).map((json) => json.email)).not.toContain(refused);
			expect(again.outputsOf(FILTER, 2).find((json) => json.email === refused)).toMatchObject({ decision: { reason: 'not_reachable' } });
		}
		expect(lookUpsOf(refused)).toBe(lookUpsInRunOne);
		// Nothing in runs 2-10 wrote anything: the other shoppers were reminded in run 1, the refused one is final
		expect(writesOf()).toBe(writesAfterRunOne);
		expect(standIn.fakeCc.control.findContactByEmail(refused)).toBeUndefined();
	});
});
