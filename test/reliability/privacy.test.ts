/**
 * A shopper's erasure request, handled inside the reminder workflow (its reminder memory is that workflow's static
 * data, so Forget Shopper must run in the same workflow): a second trigger -> Forget Shopper -> Remove Contact from
 * List with Clear Cart Fields. Afterwards nothing about the cart is remembered and its details are gone from Constant Contact.
 */
import type { IDataObject } from 'n8n-workflow';

import { runWorkflow, TEST_TRIGGER_TYPE, type WorkflowJson } from '../harness';
import { useStandIn } from '../support/standIn';
import { syncTable, TableRecorder } from './report';
import { ADD, CREDENTIAL, FILTER, leakedSecrets, LIST_NAME, openShop, reminderWorkflow } from './shop';

const KIND = 'erasure request: Forget Shopper + Remove Contact from List with Clear Cart Fields, in the reminder workflow';
const recorder = new TableRecorder('privacy', [KIND]);
const standIn = useStandIn({ requestsPerSecond: null, activityProcessingMs: 20 });

/** The reminder workflow plus its erasure branch, started by a second trigger. */
function withErasure(workflow: WorkflowJson): WorkflowJson {
	const copy = structuredClone(workflow) as WorkflowJson & { nodes: IDataObject[]; connections: Record<string, unknown> };
	copy.nodes.push(
		{ id: 'a1000000-0000-4000-8000-000000000010', name: 'Erasure Request', type: TEST_TRIGGER_TYPE, typeVersion: 1, position: [0, 300], parameters: {} },
		{
			id: 'a1000000-0000-4000-8000-000000000011',
			name: 'Forget Shopper',
			type: 'n8n-nodes-constant-contact-abandoned-cart.abandonedCartFilter',
			typeVersion: 1,
			position: [220, 300],
			parameters: { operation: 'forget', forgetEmail: '={{ $json.email }}' },
		},
		{
			id: 'a1000000-0000-4000-8000-000000000012',
			name: 'Take Off the List',
			type: 'n8n-nodes-constant-contact-abandoned-cart.addToAutoresponderList',
			typeVersion: 1,
			position: [440, 300],
			parameters: {
				operation: 'removeContact',
				list: { __rl: true, mode: 'name', value: LIST_NAME },
				email: '={{ $json.email }}',
				options: { clearCartFields: 'ac_cart_id' },
			},
			credentials: { [CREDENTIAL]: { id: 'cc-reliability', name: 'Constant Contact (stand-in)' } },
		},
	);
	copy.connections['Erasure Request'] = { main: [[{ node: 'Forget Shopper', type: 'main', index: 0 }]] };
	copy.connections['Forget Shopper'] = { main: [[{ node: 'Take Off the List', type: 'main', index: 0 }]] };
	return copy;
}

describe('Erasing a shopper', () => {
	it('forgets the remembered cart and clears the cart fields in Constant Contact, so the next Decide sees the cart as new', async () => {
		const shop = openShop(standIn.fakeCc, { newShoppers: 2, awkward: false, prefix: 'erase' });
		const workflow = withErasure(reminderWorkflow());
		const reminded = await runWorkflow(workflow, { items: shop.carts, credentials: shop.credentials });
		expect(reminded.outputsOf(ADD, 0).map((json) => json.status)).toEqual(['created', 'created']);

		const [shopper] = shop.due;
		const erased = await runWorkflow(workflow, { startNode: 'Erasure Request', items: [{ email: shopper.toUpperCase() }], credentials: shop.credentials });
		expect(erased.outputsOf('Forget Shopper', 0)[0].forgotten).toMatchObject({ carts: 1, reason: 'forgotten' });
		expect(erased.outputsOf('Take Off the List', 0)[0]).toMatchObject({ status: 'removed', customFields: { ac_cart_id: '' } });
		const contact = standIn.fakeCc.control.findContactByEmail(shopper) as { list_memberships: string[]; custom_fields: Array<{ value: string }> };
		expect(contact.list_memberships).toEqual([]);
		expect(contact.custom_fields.map((field) => field.value)).toEqual(['']);

		// The memory no longer knows the erased shopper's cart (it is due again if the shop still sends it); the other stays remembered.
		const after = await runWorkflow(workflow, { items: shop.carts, credentials: shop.credentials });
		const decisions = [...after.outputsOf(FILTER, 0), ...after.outputsOf(FILTER, 2)].map((json) => [json.email, (json.decision as IDataObject).reason]);
		expect(decisions).toEqual(expect.arrayContaining([[shopper, 'step_due'], [shop.due[1], 'sequence_complete']]));
		const leaked = [reminded, erased, after].reduce((sum, run) => sum + leakedSecrets(run, shop.secrets()), 0);
		expect(leaked).toBe(0);
		expect(standIn.fakeCc.control.permissionChanges()).toEqual([]);
		recorder.record({
			kind: KIND,
			test: 'test/reliability/privacy.test.ts',
			items: 1,
			lost: 0,
			duplicates: 0,
			resubscriptions: standIn.fakeCc.control.permissionChanges().length,
			secretsLeaked: leaked,
			observed: 'Forget Shopper: 1 cart erased; contact taken off the list, cart field emptied; the next Decide treats the cart as new, the other shopper stays remembered',
		});
	});

	it('test/RELIABILITY.md shows exactly these observations', () => {
		const { expected, inFile } = syncTable('privacy', recorder.sorted());
		expect(inFile).toEqual(expected);
	});
});
