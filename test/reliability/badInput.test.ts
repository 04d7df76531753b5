/**
 * The bad-cart corpus (test/fixtures/bad-carts.json) through both nodes in n8n's engine: the whole workflow
 * (Decide -> Add -> Mark), and Add to Autoresponder List alone on every cart (as if a user wired it without the
 * filter). Every cart comes out once with a precise reason; nothing is a raw exception; nothing stops the workflow.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { IDataObject } from 'n8n-workflow';

import { runWorkflow, type WorkflowJson, type WorkflowRun } from '../harness';
import type { CartRow } from '../support/carts';
import { useStandIn } from '../support/standIn';
import { syncTable, TableRecorder } from './report';
import { ADD, checkRun, checkShop, FILTER, MARK, openShop, reminderWorkflow, type Shop } from './shop';

interface CorpusEntry {
	name: string;
	cart: IDataObject;
	expected: { decision: string; reason: string };
}

// JSON.parse keeps "__proto__" as an own key, as a webhook body or a database row would carry it.
const corpus = JSON.parse(readFileSync(join(__dirname, '../fixtures/bad-carts.json'), 'utf8')) as { evaluateAt: string; carts: CorpusEntry[] };
const TEST = 'test/reliability/badInput.test.ts';
const EXTRA_FIELDS = { ac_notes: '={{ $json.notes }}', ac_cart_total: '={{ $json.total }}' };
const recorder = new TableRecorder('bad-input', corpus.carts.map((entry) => entry.name));
const standIn = useStandIn({ requestsPerSecond: null, activityProcessingMs: 20 });

function corpusShop(): Shop {
	const shop = openShop(standIn.fakeCc, { newShoppers: 0, awkward: false });
	standIn.fakeCc.control.seedCustomField({ label: 'ac_notes' });
	standIn.fakeCc.control.seedCustomField({ label: 'ac_cart_total' });
	const carts = corpus.carts.map((entry) => entry.cart as CartRow);
	standIn.fakeCc.control.declareConsent(
		carts.filter((cart) => typeof cart.email === 'string' && cart.email.trim() !== '').map((cart) => ({ email: cart.email, explicit: cart.marketing_consent === true })),
	);
	return { ...shop, carts };
}

/** Add to Autoresponder List straight after the trigger, every cart in. */
function addOnly(workflow: WorkflowJson): WorkflowJson {
	const copy = structuredClone(workflow);
	copy.nodes = (copy.nodes as Array<{ name: string }>).filter((node) => node.name !== FILTER && node.name !== MARK);
	copy.connections = { 'Shop Carts': { main: [[{ node: ADD, type: 'main', index: 0 }]] } };
	return copy;
}

/** "skipped invalid-email", "created", "error constant-contact-api" for each input index of the Add node. */
function addOutcomes(run: WorkflowRun): Map<number, string> {
	const outcomes = new Map<number, string>();
	const [ok, failed] = run.itemsOf(ADD);
	for (const item of ok ?? []) outcomes.set((item.pairedItem as { item: number }).item, [item.json.status, item.json.reason].filter(Boolean).join(' '));
	for (const item of failed ?? []) outcomes.set((item.pairedItem as { item: number }).item, `error ${(item.json.details as IDataObject).reason}`);
	return outcomes;
}

describe('The bad-cart corpus through both nodes', () => {
	const decided = new Map<number, string>();
	const addedAfterFilter = new Map<number, string>();
	const addedAlone = new Map<number, string>();
	const totals = { lost: 0, duplicates: 0, resubscriptions: 0, secretsLeaked: 0 };

	it('runs the whole workflow over the corpus: every cart once out of Decide, Add and Mark, nothing recorded off the list', async () => {
		const shop = corpusShop();
		const workflow = reminderWorkflow({ bulkThreshold: 1, filterOptions: { evaluateAt: corpus.evaluateAt }, extraCartFields: EXTRA_FIELDS });
		const run = await runWorkflow(workflow, { items: shop.carts, credentials: shop.credentials });
		expect(run.status).toBe('success');
		const checks = checkRun(standIn.fakeCc, shop, run);
		expect(checks).toMatchObject({ lost: 0, recordedNotOnList: 0, secretsLeaked: 0 });
		totals.lost += checks.lost;
		totals.secretsLeaked += checks.secretsLeaked;
		run.itemsOf(FILTER).forEach((output) =>
			output.forEach((item) => {
				const decision = item.json.decision as IDataObject;
				decided.set((item.pairedItem as { item: number }).item, `${decision.decision} ${decision.reason}`);
			}),
		);
		// Add's item i is Decide's Send Reminder item i, whose pairedItem is the corpus index.
		const sent = run.itemsOf(FILTER)[0];
		for (const [index, outcome] of addOutcomes(run)) addedAfterFilter.set((sent[index].pairedItem as { item: number }).item, outcome);
		const after = checkShop(standIn.fakeCc, { ...shop, due: [], never: [] });
		totals.resubscriptions += after.resubscriptions;
		expect(standIn.fakeCc.control.contractViolations()).toEqual([]);
	});

	it('runs Add to Autoresponder List alone over every cart: a precise reason per cart, no failure that would stop the workflow', async () => {
		const shop = corpusShop();
		const run = await runWorkflow(addOnly(reminderWorkflow({ bulkThreshold: 1, extraCartFields: EXTRA_FIELDS })), { items: shop.carts, credentials: shop.credentials });
		expect(run.status).toBe('success');
		const checks = checkRun(standIn.fakeCc, { ...shop, carts: [] }, run);
		totals.secretsLeaked += checks.secretsLeaked;
		for (const [index, outcome] of addOutcomes(run)) addedAlone.set(index, outcome);
		const out = [...addedAlone.keys()].sort((a, b) => a - b);
		expect(out).toEqual(corpus.carts.map((_, index) => index));
		expect([...addedAlone.values()].filter((outcome) => outcome.startsWith('error'))).toEqual([]);
		// Every shopper on the list entered the automation once; the unsubscribed and non-consenting never.
		const entries = standIn.fakeCc.control.automationEntries({ listId: shop.listId });
		totals.duplicates += entries.length - new Set(entries.map((e) => e.email.toLowerCase())).size;
		totals.resubscriptions += checkShop(standIn.fakeCc, { ...shop, due: [], never: [] }).resubscriptions;
		expect(totals).toEqual({ lost: 0, duplicates: 0, resubscriptions: 0, secretsLeaked: 0 });
		expect(standIn.fakeCc.control.contractViolations()).toEqual([]);
	});

	it('test/RELIABILITY.md shows exactly these observations', () => {
		corpus.carts.forEach((entry, index) => {
			const afterFilter = addedAfterFilter.get(index);
			recorder.record({
				kind: entry.name,
				test: TEST,
				items: 1,
				lost: decided.has(index) && addedAlone.has(index) ? 0 : 1,
				duplicates: 0,
				resubscriptions: 0,
				secretsLeaked: 0,
				observed: `Decide: ${decided.get(index)}${afterFilter ? `, then Add: ${afterFilter}` : ''}; Add alone: ${addedAlone.get(index)}`,
			});
		});
		const { expected, inFile } = syncTable('bad-input', recorder.sorted());
		expect(inFile).toEqual(expected);
	});
});
