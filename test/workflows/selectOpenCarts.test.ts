/**
 * The PostgreSQL templates' Select Open Carts queries, run as shipped against the shipped schema with a table that
 * remembers many more reminded carts than it has open ones (a shop after months of reminders): the query must find
 * the open carts through an index, never by reading every remembered cart, or each scheduled run gets slower as the
 * memory grows (bench part 3b).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { TestDatabase } from '../e2e/postgres';

const TEMPLATES = ['abandoned-cart-reminders-postgres.json', 'three-step-sequence-postgres.json'];
const REMEMBERED = 50_000;
const OPEN = 200;

function selectOpenCarts(file: string): string {
	const template = JSON.parse(readFileSync(join(__dirname, '../../workflows', file), 'utf8')) as { nodes: Array<{ name: string; parameters: { query?: string } }> };
	const query = template.nodes.find((n) => n.name === 'Select Open Carts')?.parameters.query;
	if (!query) throw new Error(`${file} has no Select Open Carts query`);
	return query;
}

let db: TestDatabase;

beforeAll(async () => {
	db = await TestDatabase.create('jest_select_open');
	// Carts reminded (reminders_sent 1 to 3) over the last 8 days, as the template leaves them, and a few open ones
	await db.query(
		`INSERT INTO abandoned_carts (id, email, marketing_consent, updated_at, last_reminded_at, reminders_sent)
		 SELECT 'remembered-' || i, 'old' || i || '@example.com', true, now() - make_interval(secs => i % 691200), now() - make_interval(secs => i % 86400), 1 + i % 3
		 FROM generate_series(1, $1::int) AS i`,
		[REMEMBERED],
	);
	await db.query(
		`INSERT INTO abandoned_carts (id, email, marketing_consent, updated_at)
		 SELECT 'open-' || i, 'open' || i || '@example.com', true, now() - interval '2 hours' FROM generate_series(1, $1::int) AS i`,
		[OPEN],
	);
	await db.query('ANALYZE abandoned_carts');
}, 60_000);

afterAll(async () => {
	await db?.drop();
});

describe.each(TEMPLATES)('Select Open Carts of %s', (file) => {
	const query = selectOpenCarts(file);

	it('returns the open carts not yet reminded', async () => {
		const rows = await db.query<{ id: string }>(query);
		const open = rows.filter((r) => r.id.startsWith('open-'));
		expect(open).toHaveLength(OPEN);
	});

	it('finds them through an index, without reading the remembered carts', async () => {
		const plan = await db.query<{ 'QUERY PLAN': Array<{ Plan: PlanNode }> }>(`EXPLAIN (FORMAT JSON) ${query}`);
		// The scan that picks the carts not yet reminded (its condition on reminders_sent); the per-shopper cooldown
		// part of the one-step template may read the table by other means, the planner choosing by its size
		const openCartScans = scansOf(plan[0]['QUERY PLAN'][0].Plan).filter((scan) => scan.relation === 'abandoned_carts' && /reminders_sent </.test(scan.condition));
		expect(openCartScans.map((scan) => scan.type)).toEqual([expect.stringMatching(/Index Scan|Index Only Scan|Bitmap Heap Scan/)]);
	});
});

interface PlanNode {
	'Node Type': string;
	'Relation Name'?: string;
	Filter?: string;
	'Recheck Cond'?: string;
	'Index Cond'?: string;
	Plans?: PlanNode[];
}

/** Every scan of a table in the plan, with the conditions it applies (filter, recheck or index condition). */
function scansOf(node: PlanNode): Array<{ type: string; relation?: string; condition: string }> {
	const own = { type: node['Node Type'], relation: node['Relation Name'], condition: [node.Filter, node['Recheck Cond'], node['Index Cond']].filter(Boolean).join(' AND ') };
	return [own, ...(node.Plans ?? []).flatMap(scansOf)].filter((scan) => scan.relation);
}
