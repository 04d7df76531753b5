/**
 * Never lose a merchant's data (issue 13), in real n8n: customers carry the merchant's own custom field values,
 * lists, phone numbers, an address, a note and a tag, on a stand-in whose PUT replaces included sub-resources and
 * whose email look-up is exact (its defaults). Workflows run every write path by `n8n execute`: create and join
 * (one by one, a customer's address typed in mixed case), stay with new cart values, bulk re-trigger, re-trigger one
 * by one, remove, remove with Clear Cart Fields and Forget Shopper. Afterwards everything the merchant had is
 * deep-equal to before, except the package's own fields and the reminder list membership.
 */
import { randomUUID } from 'node:crypto';

import { merchantDataLost, packageFieldValues, seedMerchantAccount } from '../../support/merchantData';
import { NODE_TYPES, nodeOutputs, type WorkflowJson } from '../n8n';
import { expect, type Scenario } from '../scenario';
import type { CredentialRef } from '../workflows';
import { connectedN8n } from './credential';

const REMINDER_LIST = 'Abandoned cart reminders (data preservation)';

interface Shopper {
	email: string;
	cartId: string;
}

/** Manual Trigger -> Code (the shoppers) -> the given nodes in a row. */
function workflow(id: string, shoppers: Shopper[], nodes: Array<{ name: string; type: string; parameters: Record<string, unknown> }>, credential: CredentialRef): WorkflowJson {
	const items = shoppers.map((shopper) => ({ json: { ...shopper, consent: true, recoveryUrl: `https://shop.example.com/cart/recover/${shopper.cartId}` } }));
	const all = [
		{ name: 'Manual Trigger', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, parameters: {} },
		{ name: 'Shoppers', type: 'n8n-nodes-base.code', typeVersion: 2, parameters: { jsCode: `return ${JSON.stringify(items)};` } },
		...nodes.map((node) => ({ ...node, typeVersion: 1 })),
	].map((node, index) => {
		const ours = node.type === NODE_TYPES.addToAutoresponderList;
		return { ...node, id: randomUUID(), position: [index * 220, 0], ...(ours ? { credentials: { constantContactOAuth2Api: credential } } : {}) };
	});
	const connections: WorkflowJson['connections'] = {};
	for (let index = 0; index < all.length - 1; index++) connections[all[index].name] = { main: [[{ node: all[index + 1].name, type: 'main', index: 0 }]] };
	return { id, name: `E2E data preservation ${id}`, nodes: all, connections, settings: { executionOrder: 'v1' }, pinData: {} } as WorkflowJson;
}

function addNode(listId: string, options: { repeat?: 'leave' | 'retrigger'; bulkThreshold?: number } = {}) {
	return {
		name: 'Add to Autoresponder List',
		type: NODE_TYPES.addToAutoresponderList,
		parameters: {
			operation: 'addContact',
			list: { __rl: true, mode: 'id', value: listId },
			email: '={{ $json.email }}',
			consent: '={{ $json.consent }}',
			consentPolicy: 'consented',
			repeatAbandoners: options.repeat ?? 'leave',
			...(options.repeat === 'retrigger' ? { cooldownDays: 0 } : {}),
			cartFields: { field: [{ label: 'ac_cart_id', value: '={{ $json.cartId }}' }, { label: 'ac_recovery_url', value: '={{ $json.recoveryUrl }}' }] },
			options: { createMissingFields: true, bulkThreshold: options.bulkThreshold ?? 50 },
		},
	};
}

function removeParameters(listId: string, clearCartFields: string) {
	return { operation: 'removeContact', list: { __rl: true, mode: 'id', value: listId }, email: '={{ $json.email }}', options: clearCartFields ? { clearCartFields } : {} };
}

export const dataPreservation: Scenario = {
	name: 'data-preservation',
	timeoutSeconds: 600,
	async run(context) {
		const { n8n, standIn, credential } = await connectedN8n(context);
		const listId = String(standIn.control.seedList({ name: REMINDER_LIST, automation: true }).list_id);
		standIn.control.seedCustomField({ label: 'ac_cart_id' });
		const account = seedMerchantAccount(standIn.control, listId);
		const [onList1, onList2] = account.onTheList;
		const [offList] = account.offTheList;
		const cart = (email: string, n: number): Shopper => ({ email, cartId: `cart-${3000 + n}` });
		const typedMixedCase = offList.replace(/^c/, 'C').replace('@example', '@Example');
		const phases: Array<[string, WorkflowJson, string[]]> = [
			['create, join (address in mixed case), stay with new cart values', workflow('e2eDataKeep01', [cart('new.shopper@example.com', 1), cart(typedMixedCase, 2), cart(onList1, 3)], [addNode(listId)], credential), ['created', 'added', 'already-on-list']],
			['bulk re-trigger', workflow('e2eDataKeep02', [cart(onList1, 4), cart(onList2, 5), cart(offList, 6)], [addNode(listId, { repeat: 'retrigger', bulkThreshold: 1 })], credential), ['re-added', 're-added', 're-added']],
			['re-trigger one by one', workflow('e2eDataKeep03', [cart(onList2, 7)], [addNode(listId, { repeat: 'retrigger' })], credential), ['re-added']],
			[
				'remove',
				workflow('e2eDataKeep04', [cart(onList1, 8)], [{ name: 'Remove', type: NODE_TYPES.addToAutoresponderList, parameters: removeParameters(listId, '') }], credential),
				['removed'],
			],
			[
				'remove with Clear Cart Fields, then Forget Shopper',
				workflow(
					'e2eDataKeep05',
					[cart(onList2, 9)],
					[
						{ name: 'Remove', type: NODE_TYPES.addToAutoresponderList, parameters: removeParameters(listId, 'ac_cart_id, ac_recovery_url') },
						{ name: 'Forget Shopper', type: NODE_TYPES.abandonedCartFilter, parameters: { operation: 'forget', forgetEmail: '={{ $json.email }}' } },
					],
					credential,
				),
				['removed'],
			],
		];
		const done: string[] = [];
		for (const [name, flow, statuses] of phases) {
			await n8n.importWorkflow(flow);
			const run = await n8n.execute(String(flow.id));
			const outputName = flow.nodes.some((node) => node.name === 'Remove') ? 'Remove' : 'Add to Autoresponder List';
			const [items] = nodeOutputs(run, outputName);
			const got = (items ?? []).map((item) => item.status);
			expect(JSON.stringify(got) === JSON.stringify(statuses), `${name}: statuses ${JSON.stringify(got)}, expected ${JSON.stringify(statuses)}`);
			const lost = merchantDataLost(standIn.control, account, listId);
			expect(lost.length === 0, `after ${name} the merchant's data changed: ${lost.join(' | ')}`);
			done.push(name);
		}
		const cleared = packageFieldValues(standIn.control, onList2);
		expect(cleared.ac_cart_id === '' && cleared.ac_recovery_url === '', `Clear Cart Fields left ${JSON.stringify(cleared)}`);
		expect(standIn.control.consentViolations().length === 0, `consent violations: ${JSON.stringify(standIn.control.consentViolations())}`);
		expect(standIn.control.permissionChanges().length === 0, `permission changes: ${JSON.stringify(standIn.control.permissionChanges())}`);
		return `${done.length} workflows (${done.join('; ')}): 3 customers' 5 custom field values, 3 other lists, 2 phones, address, note and tag unchanged after each`;
	},
};
