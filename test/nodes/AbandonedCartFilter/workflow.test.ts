import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { IDataObject } from 'n8n-workflow';

import { clearProcessedItems, runWorkflow, type WorkflowJson } from '../../harness';
import { cartRow, HOUR, iso, NOW, NOW_MS } from '../../support/carts';

/**
 * Schedule -> Decide -> (the list add, played by Echo) -> Mark Reminders Sent, as the templates wire it; both filter
 * nodes act at `evaluateAt`. A fresh copy per call: the harness keeps static data per workflow object.
 */
function reminderWorkflow(evaluateAt: string): WorkflowJson {
	const workflow = JSON.parse(readFileSync(join(__dirname, 'workflows/reminder-sequence.json'), 'utf8')) as WorkflowJson & {
		nodes: Array<{ name: string; parameters: IDataObject }>;
	};
	for (const node of workflow.nodes) {
		if (node.name === 'Abandoned Cart Filter') node.parameters.options = { evaluateAt };
		if (node.name === 'Mark Reminders Sent') node.parameters.recordAt = evaluateAt;
	}
	return workflow;
}

describe('Abandoned Cart Filter in n8n\'s own engine', () => {
	afterEach(() => clearProcessedItems());

	it('sends a reminder once across production runs: memory survives in static data', async () => {
		const workflow = reminderWorkflow(NOW);
		const carts: IDataObject[] = [cartRow(), cartRow({ updated_at: iso(NOW_MS - 10 * 60_000) })];
		const first = await runWorkflow(workflow, { items: carts });
		expect(first.status).toBe('success');
		expect(first.outputsOf('Abandoned Cart Filter', 0).map((j) => j.id)).toEqual([carts[0].id]);
		expect(first.outputsOf('Mark Reminders Sent', 0)[0].reminder).toMatchObject({ recorded: true, step: 1 });

		const second = await runWorkflow(workflow, { items: carts });
		expect(second.outputsOf('Abandoned Cart Filter', 0)).toEqual([]);
		expect(second.outputsOf('Abandoned Cart Filter', 1).map((j) => (j.decision as IDataObject).reason)).toEqual([
			'step_not_due',
			'not_abandoned_yet',
		]);
	});

	it('keeps nothing from a manual test run in workflow memory, as n8n does', async () => {
		const workflow = reminderWorkflow(NOW);
		const carts = [cartRow()];
		await runWorkflow(workflow, { items: carts, mode: 'manual' });
		clearProcessedItems();
		const again = await runWorkflow(workflow, { items: carts, mode: 'manual' });
		expect(again.outputsOf('Abandoned Cart Filter', 0).map((j) => j.id)).toEqual([carts[0].id]);
	});

	it('stops a second execution that started from stale memory, through n8n\'s deduplication store', async () => {
		const workflow = reminderWorkflow(NOW);
		const carts = [cartRow()];
		const first = await runWorkflow(workflow, { items: carts });
		expect(first.outputsOf('Abandoned Cart Filter', 0)).toHaveLength(1);
		// an overlapping execution loaded the workflow before the first one saved its static data
		const overlapping = await runWorkflow(workflow, { items: carts, staticData: {} });
		expect(overlapping.outputsOf('Abandoned Cart Filter', 0)).toEqual([]);
		expect((overlapping.outputsOf('Abandoned Cart Filter', 1)[0].decision as IDataObject).reason).toBe('step_already_sent');
	});

	it('routes every item of a mixed batch with its pairing intact', async () => {
		const workflow = reminderWorkflow(iso(NOW_MS + HOUR));
		const carts = [cartRow(), cartRow({ email: 'broken' }), cartRow({ order_id: 'ORD-9' })];
		const run = await runWorkflow(workflow, { items: carts });
		const routed = run.itemsOf('Abandoned Cart Filter').flat();
		expect(routed.map((item) => item.pairedItem)).toEqual(expect.arrayContaining([{ item: 0 }, { item: 1 }, { item: 2 }]));
		expect(routed).toHaveLength(3);
	});
});
