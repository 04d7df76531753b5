/**
 * A shopper Constant Contact has as unsubscribed is looked up at most once per cart and step: Add to Autoresponder
 * List skips them, Mark Reminders Sent records the step as handled without a reminder, and the runs after that send
 * Constant Contact nothing about them. In n8n's engine (test/harness), one by one and in bulk.
 */
import { startFakeConstantContact, type FakeConstantContact } from '../fake-constant-contact';
import { FILTER, MARK, openShop, reminderWorkflow, runShop } from '../reliability/shop';

let fakeCc: FakeConstantContact;
beforeAll(async () => {
	fakeCc = await startFakeConstantContact({ activityProcessingMs: 30 });
});
afterAll(async () => await fakeCc.stop());

const lookUpsOf = (email: string) => fakeCc.control.requestLog().filter((entry) => entry.query.email === email).length;

describe.each([
	['one by one', 50],
	['in bulk', 1],
])('an unsubscribed shopper over ten runs (%s)', (_mode, bulkThreshold) => {
	it('is looked up at most once, then recorded as handled and never asked about again', async () => {
		const shop = openShop(fakeCc);
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
		expect(fakeCc.control.findContactByEmail(gone)!.email_address).toMatchObject({ permission_to_send: 'unsubscribed' });
		expect(fakeCc.control.automationEntries({ email: gone })).toEqual([]);
		expect(fakeCc.control.consentViolations()).toEqual([]);
	});
});
