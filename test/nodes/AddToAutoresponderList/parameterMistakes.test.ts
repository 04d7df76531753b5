/**
 * A mistake in the node's own settings (no list, a malformed list ID, a list name Constant Contact cannot hold, a custom
 * field label that is not in the account) is the user's to fix: every such item fails with reason invalid-parameter
 * and an n8n NodeOperationError naming the item, never as a failure of Constant Contact.
 */
import type { NodeOperationError } from 'n8n-workflow';

import type { FakeConstantContact } from '../../fake-constant-contact';
import { shopperCart } from '../../support/carts';
import { addParameters, removeParameters, runNode, useAutoresponderStandIn } from './setup';

const standIn = useAutoresponderStandIn();
let fakeCc: FakeConstantContact;
let listId: string;
beforeEach(() => ({ fakeCc, listId } = standIn));

// n8n will not start a workflow whose typed list setting is empty or malformed: such values arrive from an expression.
const list = (mode: string, value: string) => ({ __rl: true, mode, value: value.startsWith('=') ? value : `={{ ${JSON.stringify(value)} }}` });
const TOO_LONG_NAME = `Abandoned cart reminders ${'x'.repeat(240)}`;

describe('Mistakes in the list setting', () => {
	it.each([
		['no list is selected', list('list', ''), /^No list is selected\. Pick the autoresponder list in "List"\./],
		['the list ID is not a UUID', list('id', '3f1c2a9e'), /^"3f1c2a9e" in "List" is not a Constant Contact list ID/],
		['the list name is empty', list('name', '   '), /^No list name is entered/],
		['the list name is longer than 255 characters', list('name', TOO_LONG_NAME), /has 265 characters; a Constant Contact list name has at most 255/],
	])('fails every item with reason invalid-parameter when %s, without asking Constant Contact', async (_case, reference, sentence) => {
		const run = await runNode(fakeCc, addParameters(listId, { list: reference, options: { createListIfMissing: true } }), [shopperCart(1), shopperCart(2)], {
			continueOnFail: true,
		});
		expect(run.json.map((json) => [json.status, json.reason])).toEqual([
			['failed', 'invalid-parameter'],
			['failed', 'invalid-parameter'],
		]);
		expect(String(run.json[0].error)).toMatch(sentence);
		expect(fakeCc.control.requestLog().filter((entry) => entry.path.includes('contact_lists'))).toEqual([]);
		expect(fakeCc.control.snapshot().lists).toHaveLength(1);
	});

	it('fails with invalid-parameter when no list has the name and the node may not create one', async () => {
		const run = await runNode(fakeCc, addParameters(listId, { list: list('name', 'Cart reminders (typo)') }), [shopperCart(3)], { continueOnFail: true });
		expect(run.json[0]).toMatchObject({ status: 'failed', reason: 'invalid-parameter' });
		expect(String(run.json[0].error)).toMatch(/no list named "Cart reminders \(typo\)".*"Create List If Missing"/);
	});

	it('fails with invalid-parameter when the list ID names no list (deleted in Constant Contact)', async () => {
		const run = await runNode(fakeCc, addParameters(listId, { list: list('id', '00000000-0000-4000-8000-000000000000') }), [shopperCart(4)], {
			continueOnFail: true,
		});
		expect(run.json[0]).toMatchObject({ status: 'failed', reason: 'invalid-parameter' });
		expect(String(run.json[0].error)).toMatch(/no list with ID 00000000-0000-4000-8000-000000000000.*Pick the list again/);
	});

	it('without Continue On Fail, stops with a NodeOperationError naming the item whose list is wrong, before changing anything', async () => {
		// An expression picks the list per item; the second item's is empty.
		const perItem = list('id', '={{ $json.list }}');
		const error = await runNode(fakeCc, addParameters(listId, { list: perItem }), [shopperCart(5, { list: listId }), shopperCart(6, { list: '' })]).catch(
			(thrown: unknown) => thrown,
		);
		expect(error).toMatchObject({ name: 'NodeOperationError' });
		expect(error).not.toMatchObject({ name: 'NodeApiError' });
		expect((error as NodeOperationError).context.itemIndex).toBe(1);
		expect((error as NodeOperationError).message).toMatch(/^No list is selected/);
		expect(fakeCc.control.findContactByEmail('shopper5@example.com')).toBeUndefined();
		expect(fakeCc.control.requestLog()).toEqual([]);
	});

	it('reports a malformed list ID in Remove Contact From List the same way', async () => {
		const parameters = removeParameters(listId, {}, { list: list('id', 'not-a-list-id') });
		const run = await runNode(fakeCc, parameters, [shopperCart(7)], { continueOnFail: true });
		expect(run.json[0]).toMatchObject({ status: 'failed', reason: 'invalid-parameter' });
		expect(fakeCc.control.requestLog()).toEqual([]);
	});

	it('without Continue On Fail, Remove Contact From List stops before taking anyone off the list', async () => {
		fakeCc.control.seedContact({ email: 'buyer@example.com', listIds: [listId] });
		const parameters = removeParameters(listId, {}, { list: list('id', '={{ $json.list }}') });
		const error = await runNode(fakeCc, parameters, [{ email: 'buyer@example.com', list: listId }, { email: 'other@example.com', list: 'list-7' }]).catch(
			(thrown: unknown) => thrown,
		);
		expect(error).toMatchObject({ name: 'NodeOperationError' });
		expect((error as NodeOperationError).context.itemIndex).toBe(1);
		expect(fakeCc.control.findContactByEmail('buyer@example.com')!.list_memberships).toEqual([listId]);
	});
});

describe('Mistakes in the cart fields', () => {
	it('fails only the shoppers mapped to a custom field the account lacks, with invalid-parameter, and creates nothing', async () => {
		const parameters = addParameters(listId, {
			cartFields: { field: [{ label: 'ac_recovery_url', value: '={{ $json.recovery_url }}' }] },
		});
		const run = await runNode(fakeCc, parameters, [shopperCart(8, { recovery_url: 'https://shop.example.com/r/8' }), shopperCart(9, { recovery_url: null })], { continueOnFail: true });
		expect(run.json.map((json) => [json.status, json.reason])).toEqual([
			['failed', 'invalid-parameter'],
			['created', null],
		]);
		expect(String(run.json[0].error)).toMatch(/no custom field "ac_recovery_url".*"Cart Details \(Custom Fields\)".*"Create Missing Custom Fields"/);
		expect(fakeCc.control.snapshot().customFields.map((field) => field.label)).not.toContain('ac_recovery_url');
	});
});
