/** Remove Contact from List: "the shopper bought, stop the reminders". */
import type { IDataObject } from 'n8n-workflow';

import type { FakeConstantContact } from '../../fake-constant-contact';
import { runNode, useStandIn } from './setup';

const standIn = useStandIn(false);
let fakeCc: FakeConstantContact;
let listId: string;
beforeEach(() => ({ fakeCc, listId } = standIn));

function removeParameters(options: IDataObject = {}) {
	return {
		operation: 'removeContact',
		list: { __rl: true, mode: 'id', value: listId },
		email: (item: IDataObject) => item.email,
		options,
	};
}

describe('Remove Contact from List', () => {
	it('removes shoppers on the list and says which were not found or not on it', async () => {
		fakeCc.control.seedContact({ email: 'bought@example.com', listIds: [listId] });
		fakeCc.control.seedContact({ email: 'elsewhere@example.com' });
		const run = await runNode(fakeCc, removeParameters(), [
			{ email: 'bought@example.com', orderId: 'o-1' },
			{ email: 'elsewhere@example.com' },
			{ email: 'stranger@example.com' },
			{ email: 'not-an-email' },
		]);
		expect(run.json.map((json) => [json.status, json.reason])).toEqual([
			['removed', null],
			['skipped', 'not-on-list'],
			['skipped', 'not-found'],
			['skipped', 'invalid-email'],
		]);
		expect(run.json[0]).toMatchObject({ orderId: 'o-1', listId });
		expect(run.output.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }, { item: 3 }]);
		expect(fakeCc.control.findContactByEmail('bought@example.com')!.list_memberships).toEqual([]);
	});

	it('looks up many shoppers by reading the account and removes them in activities of at most 500', async () => {
		const emails = Array.from({ length: 620 }, (_, n) => `buyer${n}@example.com`);
		for (const email of emails) fakeCc.control.seedContact({ email, listIds: [listId] });
		const run = await runNode(fakeCc, removeParameters(), emails.map((email) => ({ email })));
		expect(run.json.every((json) => json.status === 'removed')).toBe(true);
		const removals = fakeCc.control.requestLog().filter((entry) => entry.path === '/v3/activities/remove_list_memberships');
		expect(removals).toHaveLength(2);
		// One count, then the account in two pages of 500: cheaper than 620 look-ups by email.
		expect(fakeCc.control.requestLog().filter((entry) => entry.path === '/v3/contacts')).toHaveLength(3);
	});

	it('looks a few shoppers up by email instead of reading a large account', async () => {
		const emails = Array.from({ length: 1500 }, (_, n) => `member${n}@example.com`);
		for (const email of emails) fakeCc.control.seedContact({ email, listIds: [listId] });
		fakeCc.control.clearRequestLog();
		const run = await runNode(fakeCc, removeParameters(), [{ email: emails[7] }, { email: emails[1200] }]);
		expect(run.json.map((json) => json.status)).toEqual(['removed', 'removed']);
		const contactReads = fakeCc.control.requestLog().filter((entry) => entry.path === '/v3/contacts');
		expect(contactReads.map((entry) => entry.query)).toEqual([
			expect.objectContaining({ include_count: 'true' }),
			expect.objectContaining({ email: emails[7] }),
			expect.objectContaining({ email: emails[1200] }),
		]);
	});
});
