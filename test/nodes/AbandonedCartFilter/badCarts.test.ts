import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { NodeOperationError, type IDataObject } from 'n8n-workflow';

import { cartRow, HOUR, iso, NOW, NOW_MS } from '../../support/carts';
import { decideCarts, decisionOf } from './filterRun';

interface Corpus {
	evaluateAt: string;
	carts: Array<{ name: string; cart: IDataObject; expected: { decision: string; reason: string } }>;
}

// JSON.parse keeps "__proto__" as an own key, exactly as a webhook body or a database row would carry it
const corpus = JSON.parse(readFileSync(join(__dirname, '../../fixtures/bad-carts.json'), 'utf8')) as Corpus;

describe('The bad-cart corpus', () => {
	let results: Map<number, IDataObject>;

	beforeAll(async () => {
		const routed = await decideCarts({
			items: corpus.carts.map((entry) => entry.cart),
			parameters: { options: { evaluateAt: corpus.evaluateAt } },
		});
		results = new Map();
		for (const item of routed.all.flat()) {
			results.set((item.pairedItem as { item: number }).item, item.json);
		}
	});

	it('holds at least 40 malformed carts', () => {
		expect(corpus.carts.length).toBeGreaterThanOrEqual(40);
	});

	it('brings every cart out exactly once, without stopping the workflow', () => {
		expect([...results.keys()].sort((a, b) => a - b)).toEqual(corpus.carts.map((_, i) => i));
	});

	it.each(corpus.carts.map((entry, i) => [entry.name, i, entry.expected] as const))(
		'%s -> its documented decision and reason',
		(_name, index, expected) => {
			const decision = decisionOf(results.get(index)!);
			expect({ decision: decision.decision, reason: decision.reason }).toEqual(expected);
			expect(decision.message).toEqual(expect.any(String));
		},
	);

	it('never lets a cart\'s own keys reach the object prototype', () => {
		expect(({} as IDataObject).email).toBeUndefined();
	});
});

describe('a Field Names entry that holds a value instead of a field name', () => {
	it('fails the configuration with a sentence that names the field and the fix', async () => {
		// What dragging updated_at into the box as an expression ({{ $json.updated_at }}) produces: its value
		const row = cartRow();
		const run = decideCarts({ items: [row, cartRow()], parameters: { fields: { updatedAt: String(row.updated_at) }, options: { evaluateAt: NOW } } });
		await expect(run).rejects.toThrow(
			`Field Names → Updated At holds "${String(row.updated_at)}", which is the value of the input field "updated_at", not a field name.`,
		);
		await expect(run).rejects.toMatchObject({ name: NodeOperationError.name, node: 'Abandoned Cart Filter' });
	});

	it('accepts a field name, also one that only some items have', async () => {
		const routed = await decideCarts({
			items: [cartRow({ last_seen: iso(NOW_MS - 2 * HOUR) }), cartRow()],
			parameters: { fields: { updatedAt: 'last_seen, updated_at' }, options: { evaluateAt: NOW } },
		});
		expect(routed.send).toHaveLength(2);
	});
});
