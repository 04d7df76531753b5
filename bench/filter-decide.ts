/**
 * Micro-benchmark of the Abandoned Cart Filter's decision logic (not a test): carts per second for 100,000
 * generated carts, read and decided in-process, then the node's own Decide run, then one Decide run with
 * 1,000,000 remembered carts. Run: npx tsx bench/filter-decide.ts
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { decide, type Policy } from '../nodes/AbandonedCartFilter/decide';
import { dataSourceMemory, RememberedReminders } from '../nodes/AbandonedCartFilter/memory';
import { compilePaths, isCart, readCart } from '../nodes/AbandonedCartFilter/readCart';
import { execute as runDecide } from '../nodes/AbandonedCartFilter/operations/decideCarts';
import { resolveZone } from '../nodes/AbandonedCartFilter/time';

const CARTS = 100_000;
const NOW_MS = Date.parse('2026-03-10T12:00:00Z');
const HOUR = 3_600_000;
const zones = ['Europe/Berlin', 'America/New_York', 'Asia/Tokyo', null];

function generate(n: number, prefix = 'cart'): IDataObject[] {
	const rows: IDataObject[] = [];
	for (let i = 0; i < n; i++) {
		const kind = i % 20;
		rows.push({
			id: `${prefix}-${i}`,
			email: kind === 19 ? 'not an email' : `shopper${i % 90_000}@example.com`,
			created_at: new Date(NOW_MS - ((i % 96) + 2) * HOUR).toISOString(),
			updated_at: i % 3 === 0 ? new Date(NOW_MS - ((i % 72) + 0.2) * HOUR).toISOString().replace('T', ' ').slice(0, 19) : NOW_MS - (i % 72) * HOUR,
			completed_at: kind === 17 ? new Date(NOW_MS - HOUR).toISOString() : null,
			order_id: kind === 16 ? `ORD-${i}` : null,
			status: kind === 15 ? 'paid' : 'open',
			total: (i % 500) + 0.99,
			currency: 'EUR',
			items: [{ sku: `SKU-${i % 50}`, qty: 1 + (i % 3) }],
			marketing_consent: kind !== 18,
			timezone: zones[i % zones.length],
		});
	}
	return rows;
}

const policy: Policy = {
	inactivityMs: HOUR,
	stepDelaysMs: [HOUR, 24 * HOUR, 72 * HOUR],
	giveUpMs: 7 * 24 * HOUR,
	minCartValue: 0,
	requireItems: true,
	purchaseStatuses: new Set(['completed', 'paid']),
	consentMode: 'optedIn',
	cooldownMs: 24 * HOUR,
	quietHours: { startMinute: 21 * 60, endMinute: 8 * 60 },
	defaultZone: resolveZone('UTC')!,
	restartOnUpdate: false,
	labels: { items: 'items', total: 'total', updatedAt: 'updated_at' },
};

function median(values: number[]): number {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.floor(sorted.length / 2)];
}

function fakeContext(rows: IDataObject[], staticData: IDataObject, options: IDataObject = {}): IExecuteFunctions {
	const items: INodeExecutionData[] = rows.map((json) => ({ json }));
	const parameters: IDataObject = {
		operation: 'decide',
		memoryMode: 'n8n',
		steps: '1h, 24h, 72h',
		giveUpAfter: '7d',
		options: { evaluateAt: new Date(NOW_MS).toISOString(), quietHoursStart: '21:00', quietHoursEnd: '08:00', ...options },
	};
	return {
		getInputData: () => items,
		getNodeParameter: (name: string, _i: number, fallback?: unknown) => parameters[name] ?? fallback,
		getWorkflowStaticData: () => staticData,
		getNode: () => ({ name: 'Abandoned Cart Filter' }),
		continueOnFail: () => false,
		helpers: {},
	} as unknown as IExecuteFunctions;
}

async function main(): Promise<void> {
	const rows = generate(CARTS);
	const paths = compilePaths({});
	const utc = resolveZone('UTC')!;
	const rates: number[] = [];
	const counts = { send: 0, wait: 0, skip: 0 };
	for (let run = 0; run < 5; run++) {
		const started = process.hrtime.bigint();
		const carts = [];
		for (const row of rows) {
			const cart = readCart(row, paths, utc);
			if (isCart(cart)) carts.push(cart);
			else counts.skip += run === 0 ? 1 : 0;
		}
		const memory = dataSourceMemory(carts);
		for (const cart of carts) {
			const decision = decide(cart, policy, NOW_MS, memory);
			if (run === 0) counts[decision.decision]++;
		}
		const seconds = Number(process.hrtime.bigint() - started) / 1e9;
		rates.push(CARTS / seconds);
	}
	console.log(`decision logic (readCart + decide), ${CARTS.toLocaleString('en')} carts: ${Math.round(median(rates)).toLocaleString('en')} carts/s (median of 5; send ${counts.send}, wait ${counts.wait}, skip ${counts.skip})`);

	const nodeRates: number[] = [];
	for (let run = 0; run < 3; run++) {
		const started = process.hrtime.bigint();
		await runDecide.call(fakeContext(rows, {}));
		nodeRates.push(CARTS / (Number(process.hrtime.bigint() - started) / 1e9));
	}
	console.log(`node Decide run (execute path, n8n memory), ${CARTS.toLocaleString('en')} carts: ${Math.round(median(nodeRates)).toLocaleString('en')} carts/s (median of 3)`);

	const staticData: IDataObject = {};
	const memory = new RememberedReminders(staticData, 'abandoned-cart-reminders', { maxCarts: 1_000_000 });
	for (let i = 0; i < 1_000_000; i++) memory.recordSent(`remembered-${i}`, `old${i}@example.com`, 1, 0, NOW_MS - 2 * HOUR + i);
	const bytes = Buffer.byteLength(JSON.stringify(staticData));
	for (const batch of [1_000, CARTS]) {
		const batchRows = generate(batch, 'remembered');
		const started = process.hrtime.bigint();
		await runDecide.call(fakeContext(batchRows, staticData, { maxRememberedCarts: 1_000_000 }));
		const ms = Number(process.hrtime.bigint() - started) / 1e6;
		console.log(`node Decide run with 1,000,000 remembered carts, batch of ${batch.toLocaleString('en')}: ${Math.round(ms)} ms`);
	}
	console.log(`reminder memory: ${Math.round(bytes / 1_000_000)} bytes per remembered cart (JSON of static data, including the per-shopper entry)`);
}

void main();
