import type { IDataObject } from 'n8n-workflow';

import { clearProcessedItems, runWorkflow, type WorkflowJson } from '../../harness';
import { cartRow, HOUR, iso, NOW, NOW_MS } from '../../support/carts';

const FILTER = 'n8n-nodes-constant-contact-abandoned-cart.abandonedCartFilter';

/** Schedule -> Decide -> (the list add, played by Echo) -> Mark Reminders Sent, as the templates wire it. */
function reminderWorkflow(evaluateAt: string): WorkflowJson {
	return {
		name: 'Abandoned cart reminders',
		nodes: [
			{ parameters: {}, id: 'a1', name: 'Every 15 Minutes', type: 'harness.testItemsTrigger', typeVersion: 1, position: [0, 0] },
			{
				parameters: { operation: 'decide', steps: '1h, 24h', options: { evaluateAt } },
				id: 'a2',
				name: 'Abandoned Cart Filter',
				type: FILTER,
				typeVersion: 1,
				position: [220, 0],
			},
			{ parameters: {}, id: 'a3', name: 'Add to Autoresponder List', type: 'harness.echo', typeVersion: 1, position: [440, 0] },
			{
				parameters: { operation: 'markSent', recordAt: evaluateAt },
				id: 'a4',
				name: 'Mark Reminders Sent',
				type: FILTER,
				typeVersion: 1,
				position: [660, 0],
			},
		],
		connections: {
			'Every 15 Minutes': { main: [[{ node: 'Abandoned Cart Filter', type: 'main', index: 0 }]] },
			'Abandoned Cart Filter': { main: [[{ node: 'Add to Autoresponder List', type: 'main', index: 0 }], [], []] },
			'Add to Autoresponder List': { main: [[{ node: 'Mark Reminders Sent', type: 'main', index: 0 }]] },
		},
		settings: { executionOrder: 'v1' },
	};
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
