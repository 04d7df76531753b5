/**
 * The shipped templates are what users import: package-form node types this package really has, parameters the
 * nodes know, no credentials or pinned data of ours, connections between nodes that exist, and a note that explains
 * them. Running them is the end-to-end suite's job (test/e2e/scenarios).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { INodeProperties } from 'n8n-workflow';

import { AbandonedCartFilter } from '../../nodes/AbandonedCartFilter/AbandonedCartFilter.node';
import { AddToAutoresponderList } from '../../nodes/AddToAutoresponderList/AddToAutoresponderList.node';
import { VerifyShopWebhook } from '../../nodes/VerifyShopWebhook/VerifyShopWebhook.node';
import { shippedSql, sqlSteps } from '../support/sqlFiles';

const PACKAGE = 'n8n-nodes-constant-contact-abandoned-cart';
const DIR = join(__dirname, '..', '..', 'workflows');
const FILES = readdirSync(DIR).filter((f) => f.endsWith('.json'));
const OUR_NODES: Record<string, INodeProperties[]> = {
	[`${PACKAGE}.abandonedCartFilter`]: new AbandonedCartFilter().description.properties,
	[`${PACKAGE}.addToAutoresponderList`]: new AddToAutoresponderList().description.properties,
	[`${PACKAGE}.verifyShopWebhook`]: new VerifyShopWebhook().description.properties,
};

interface TemplateNode {
	name: string;
	type: string;
	parameters: Record<string, any>;
	credentials?: unknown;
}

interface Template {
	name: string;
	nodes: TemplateNode[];
	connections: Record<string, { main: Array<Array<{ node: string }>> }>;
	pinData?: Record<string, unknown>;
}

const load = (file: string): Template => JSON.parse(readFileSync(join(DIR, file), 'utf8')) as Template;

const WEBHOOK = 'n8n-nodes-base.webhook';
const RESPOND = 'n8n-nodes-base.respondToWebhook';
const VERIFY_SIGNATURE = `${PACKAGE}.verifyShopWebhook`;
/** Nodes that call Constant Contact. */
const CONSTANT_CONTACT_NODES = [`${PACKAGE}.addToAutoresponderList`];
/** The Webhook node's own authentication: the fallback for shops that can only send a fixed header. */
const WEBHOOK_NODE_AUTHENTICATION = ['headerAuth', 'basicAuth', 'jwtAuth'];

/** The nodes each output of a node leads to. */
function outputTargets(workflow: Template, name: string): string[][] {
	return (workflow.connections[name]?.main ?? []).map((links) => (links ?? []).map((link) => link.node));
}

function nodeNamed(workflow: Template, name: string): TemplateNode {
	const node = workflow.nodes.find((n) => n.name === name);
	if (!node) throw new Error(`no node named ${name}`);
	return node;
}

/**
 * Walks every path from a webhook in execution order and says, for each, what it meets first: the answer (a
 * Respond to Webhook node), a Constant Contact call, or the end of the path.
 */
function firstOnEachPath(workflow: Template, webhook: string): Array<{ path: string[]; meets: 'answer' | 'constant-contact' | 'end' }> {
	const found: Array<{ path: string[]; meets: 'answer' | 'constant-contact' | 'end' }> = [];
	const walk = (name: string, path: string[]): void => {
		const node = nodeNamed(workflow, name);
		const next = outputTargets(workflow, name).flat().filter((target) => !path.includes(target));
		if (node.type === RESPOND) found.push({ path, meets: 'answer' });
		else if (CONSTANT_CONTACT_NODES.includes(node.type)) found.push({ path, meets: 'constant-contact' });
		else if (next.length === 0) found.push({ path, meets: 'end' });
		else for (const target of next) walk(target, [...path, target]);
	};
	walk(webhook, [webhook]);
	return found;
}

/** The values an options parameter accepts, collected over every property of that name. */
function optionValues(properties: INodeProperties[], name: string): unknown[] {
	return properties.filter((p) => p.name === name && p.type === 'options').flatMap((p) => (p.options ?? []).map((o) => (o as { value: unknown }).value));
}

/** A template's Abandoned Cart Filter nodes that remember reminders: Decide and Mark Reminders Sent. */
function reminderNodes(file: string) {
	return load(file).nodes.filter((n) => n.type === `${PACKAGE}.abandonedCartFilter` && ['decide', 'markSent'].includes(n.parameters.operation ?? 'decide'));
}

function collectionOptionNames(properties: INodeProperties[], name: string): string[] {
	return properties.filter((p) => p.name === name && p.type === 'collection').flatMap((p) => (p.options ?? []).map((o) => (o as { name: string }).name));
}

describe('workflow templates', () => {
	it('ships the six templates the README describes', () => {
		expect(FILES.sort()).toEqual([
			'abandoned-cart-reminders-mysql.json',
			'abandoned-cart-reminders-postgres.json',
			'cart-events-webhook.json',
			'recovery-report-postgres.json',
			'stop-reminders-on-order.json',
			'three-step-sequence-postgres.json',
		]);
	});

	it('remembers reminders in one place per template: Mark Reminders Sent uses the memory Decide reads', () => {
		const memoryModes = Object.fromEntries(FILES.map((file) => [file, [...new Set(reminderNodes(file).map((n) => n.parameters.memoryMode ?? 'n8n'))]]));
		expect(memoryModes).toEqual({
			'abandoned-cart-reminders-mysql.json': ['dataSource'],
			'abandoned-cart-reminders-postgres.json': ['dataSource'],
			'cart-events-webhook.json': ['dataSource'],
			'recovery-report-postgres.json': [],
			'stop-reminders-on-order.json': [],
			'three-step-sequence-postgres.json': ['dataSource'],
		});
	});

	it('gives Mark Reminders Sent the field names Decide reads, so both speak of the same cart', () => {
		const fieldNames = Object.fromEntries(FILES.map((file) => [file, [...new Set(reminderNodes(file).map((n) => JSON.stringify(n.parameters.fields ?? {})))]]));
		for (const [file, variants] of Object.entries(fieldNames)) {
			expect({ file, variants: variants.length }).toEqual({ file, variants: variants.length ? 1 : 0 });
		}
	});

	it('finds the webhooks the security checks below look at', () => {
		const webhookCounts = Object.fromEntries(FILES.map((file) => [file, load(file).nodes.filter((n) => n.type === WEBHOOK).length]));
		expect(webhookCounts).toMatchObject({ 'cart-events-webhook.json': 2, 'recovery-report-postgres.json': 1, 'stop-reminders-on-order.json': 1 });
	});

	describe.each(FILES)('%s', (file) => {
		const workflow = load(file);

		it('carries no credentials and no pinned data of ours', () => {
			expect(workflow.nodes.filter((n) => n.credentials !== undefined).map((n) => n.name)).toEqual([]);
			expect(workflow.pinData ?? {}).toEqual({});
		});

		it("uses this package's nodes by their package-qualified type", () => {
			const ours = workflow.nodes.filter((n) => n.type.includes('abandonedCartFilter') || n.type.includes('addToAutoresponderList'));
			expect(ours.length).toBeGreaterThan(0);
			for (const node of ours) expect(Object.keys(OUR_NODES)).toContain(node.type);
		});

		it("sets only operations and options this package's nodes have", () => {
			for (const node of workflow.nodes.filter((n) => n.type in OUR_NODES)) {
				const properties = OUR_NODES[node.type];
				if (properties.some((p) => p.name === 'operation')) expect(optionValues(properties, 'operation')).toContain(node.parameters.operation);
				for (const [name, value] of Object.entries(node.parameters)) {
					expect(properties.map((p) => p.name)).toContain(name);
					const allowed = optionValues(properties, name);
					if (allowed.length && typeof value === 'string' && !value.startsWith('=')) expect(allowed).toContain(value);
				}
				for (const option of Object.keys(node.parameters.options ?? {})) {
					expect(collectionOptionNames(properties, 'options')).toContain(option);
				}
				for (const field of Object.keys(node.parameters.fields ?? {})) {
					expect(collectionOptionNames(properties, 'fields')).toContain(field);
				}
			}
		});

		it('connects only nodes that exist, and every working node is connected', () => {
			const names = new Set(workflow.nodes.map((n) => n.name));
			const targets = new Set<string>();
			for (const [source, { main }] of Object.entries(workflow.connections)) {
				expect(names).toContain(source);
				for (const link of main.flat()) {
					expect(names).toContain(link.node);
					targets.add(link.node);
				}
			}
			const working = workflow.nodes.filter((n) => n.type !== 'n8n-nodes-base.stickyNote');
			const loose = working.filter((n) => !targets.has(n.name) && !(n.name in workflow.connections));
			expect(loose.map((n) => n.name)).toEqual([]);
		});

		const webhooks = workflow.nodes.filter((n) => n.type === WEBHOOK);

		it('lets only signed requests through every webhook, and answers the others 401', () => {
			for (const webhook of webhooks) {
				const authentication = String(webhook.parameters.authentication ?? 'none');
				if (WEBHOOK_NODE_AUTHENTICATION.includes(authentication)) continue;
				const next = outputTargets(workflow, webhook.name).flat();
				expect({ webhook: webhook.name, next: next.map((name) => nodeNamed(workflow, name).type) }).toEqual({ webhook: webhook.name, next: [VERIFY_SIGNATURE] });
				// The signature covers the raw bytes, which the Webhook node keeps only with this option.
				expect({ webhook: webhook.name, rawBody: webhook.parameters.options?.rawBody }).toEqual({ webhook: webhook.name, rawBody: true });
				const [, rejected] = outputTargets(workflow, next[0]);
				const answers = (rejected ?? []).map((name) => nodeNamed(workflow, name));
				expect(answers.map((n) => [n.type, n.parameters.options?.responseCode])).toEqual([[RESPOND, 401]]);
			}
		});

		it('answers every webhook request before any Constant Contact call', () => {
			for (const webhook of webhooks) {
				const mode = String(webhook.parameters.responseMode ?? 'onReceived');
				// "When last node finishes" makes the shop wait through every Constant Contact call and retry.
				const late = firstOnEachPath(workflow, webhook.name).filter((path) => path.meets !== 'answer');
				const lateAnswers = late.map(({ path, meets }) => `${path.join(' -> ')}: ${meets} before the answer`);
				expect({ responseMode: mode, lateAnswers }).toEqual({ responseMode: 'responseNode', lateAnswers: [] });
			}
		});

		it('explains itself in sticky notes, starting with what it does', () => {
			const notes = workflow.nodes.filter((n) => n.type === 'n8n-nodes-base.stickyNote').map((n) => String(n.parameters.content));
			expect(notes.length).toBeGreaterThanOrEqual(2);
			expect(notes[0]).toMatch(/^## /);
		});
	});
});

describe('coupons and counting in the SQL templates', () => {
	const SQL_TEMPLATES: Array<[string, 'postgres' | 'mysql']> = [
		['abandoned-cart-reminders-postgres.json', 'postgres'],
		['abandoned-cart-reminders-mysql.json', 'mysql'],
		['three-step-sequence-postgres.json', 'postgres'],
	];

	describe.each(SQL_TEMPLATES)('%s', (file, dialect) => {
		const workflow = load(file);
		const claim = nodeNamed(workflow, 'Claim Coupons') as TemplateNode & { disabled?: boolean; executeOnce?: boolean; position: number[] };
		const addCodes = nodeNamed(workflow, 'Add Coupon Codes') as TemplateNode & { position: number[] };

		it('claims coupons with the shipped query, once per run, and ships it off (coupons are opt-in)', () => {
			expect(claim.parameters.query).toBe(shippedSql(`claim_coupons.${dialect}.sql`).trim());
			expect(claim.disabled).toBe(true);
			expect(claim.executeOnce).toBe(true);
		});

		it('sets who gets a code in one place, the claim\'s parameters; the Add nodes write every claimed code', () => {
			expect(String(claim.parameters.options.queryReplacement)).toMatch(/\/\* first step with a coupon \*\/ \d+, \/\* smallest cart total that earns one \*\/ \d+/);
			const couponSettings = workflow.nodes.filter((n) => n.type === `${PACKAGE}.addToAutoresponderList`).map((n) => n.parameters.options?.coupon?.settings);
			for (const settings of couponSettings.filter(Boolean)) expect(settings).toMatchObject({ fromStep: 1, minimumCartTotal: 0 });
		});

		it('adds the codes to the claimed carts after the claim ran (above it on the canvas: n8n runs the upper branch first)', () => {
			const claimedBy = Object.entries(workflow.connections).find(([, c]) => c.main.flat().some((l) => l?.node === 'Claim Coupons'))?.[0];
			expect(outputTargets(workflow, claimedBy as string)[0].sort()).toEqual(['Add Coupon Codes', 'Claim Coupons']);
			expect(claim.position[1]).toBeLessThan(addCodes.position[1]);
			expect(outputTargets(workflow, 'Claim Coupons')).toEqual([]);
			const assigned = addCodes.parameters.assignments.assignments.map((a: { name: string; value: string }) => [a.name, a.value.includes("$('Claim Coupons').all()")]);
			expect(assigned).toEqual([
				['coupon_code', true],
				['coupon_expires', true],
			]);
			expect(addCodes.parameters.includeOtherFields).toBe(true);
		});

		it('counts with the shipped statements: carts seen from every decision, reminders after Record Reminder', () => {
			const steps = sqlSteps(`recovery_counts.${dialect}.sql`);
			for (const name of ['Count Carts Seen', 'Count Reminders']) {
				const node = nodeNamed(workflow, name) as TemplateNode & { executeOnce?: boolean };
				expect({ name, query: node.parameters.query, once: node.executeOnce }).toEqual({ name, query: steps.get(name), once: true });
			}
			expect(outputTargets(workflow, 'Abandoned Cart Filter').map((targets) => targets.includes('Count Carts Seen'))).toEqual([true, true, true]);
			expect(outputTargets(workflow, 'Record Reminder')).toEqual([['Count Reminders']]);
		});
	});

	it("keeps dollar signs and apostrophes out of the MySQL queries' comments (n8n would read them as parameters and quotes)", () => {
		const workflow = load('abandoned-cart-reminders-mysql.json');
		const commentLines = workflow.nodes
			.filter((n) => n.type === 'n8n-nodes-base.mySql')
			.flatMap((n) => String(n.parameters.query).split('\n').filter((line) => line.trim().startsWith('--')).map((line) => `${n.name}: ${line}`));
		expect(commentLines.filter((line) => /\$\d|'/.test(line))).toEqual([]);
	});

	it('counts recovered orders after Record Order in the order flow, with the shipped statement', () => {
		const workflow = load('stop-reminders-on-order.json');
		expect(outputTargets(workflow, 'Find Cart')).toEqual([['Record Order']]);
		expect(outputTargets(workflow, 'Record Order')).toEqual([['Count Recovered Orders']]);
		expect(nodeNamed(workflow, 'Record Order').parameters).toMatchObject({ operation: 'recordOrder', memoryMode: 'dataSource' });
		expect(nodeNamed(workflow, 'Count Recovered Orders').parameters.query).toBe(sqlSteps('recovery_counts.postgres.sql').get('Count Recovered Orders'));
	});
});

describe('cart-events-webhook.json: items, signed link and report page', () => {
	const workflow = load('cart-events-webhook.json');
	const node = (name: string) => nodeNamed(workflow, name) as TemplateNode & { alwaysOutputData?: boolean; disabled?: boolean };

	it('stores the line items as JSON text and has Cart Items read them back; the signed link ships off, ready to turn on', () => {
		expect(node('Save Cart').parameters.columns.value.items_json).toContain('$json.body.items');
		const options = node('Add to Autoresponder List').parameters.options;
		expect(options.cartItems.settings.itemsField).toBe('items_json');
		expect(options.signedRecoveryLink).toBe(false);
		expect(options.signedRecoveryLinkSettings.link.urlTemplate).toContain('{token}');
	});

	it('counts in reminders_sent only reminders that reached the list, so the report never counts an unsubscribed shopper', () => {
		const written = node('Save Reminder').parameters.columns.value;
		expect(written.reminders_sent).toMatch(/^=\{\{ \$json\.reminder\.reminderSent \?/);
		expect(written.last_reminded_at).toMatch(/^=\{\{ \$json\.reminder\.reminderSent \?/);
	});

	it('ships coupons off: the pool nodes disabled, codes handed out one per shopper by position, claimed only for shoppers who reached the list', () => {
		const find = node('Find Free Coupons') as TemplateNode & { disabled?: boolean; executeOnce?: boolean; position: number[] };
		const claim = node('Claim Coupon Codes') as TemplateNode & { disabled?: boolean };
		const addCodes = node('Add Coupon Codes') as TemplateNode & { position: number[] };
		expect([find.disabled, claim.disabled, find.executeOnce]).toEqual([true, true, true]);
		expect([find.parameters.dataTableId.value, claim.parameters.dataTableId.value]).toEqual(['cart_coupons', 'cart_coupons']);
		// n8n runs the upper branch first: the free codes are read before Add Coupon Codes hands them out
		expect(outputTargets(workflow, 'Abandoned Cart Filter')[0].sort()).toEqual(['Add Coupon Codes', 'Find Free Coupons']);
		expect(find.position[1]).toBeLessThan(addCodes.position[1]);
		expect(addCodes.parameters.assignments.assignments[0].value).toContain("$('Find Free Coupons').all()[$itemIndex]");
		expect(outputTargets(workflow, 'Mark Reminders Sent')[0].sort()).toEqual(['Claim Coupon Codes', 'Save Reminder']);
		expect(claim.parameters.filters.conditions[0].keyValue).toContain('$json.reminder.reminderSent');
		expect(node('Add to Autoresponder List').parameters.options.coupon).toBeUndefined();
	});

	it('serves the report page behind Basic Auth from every cart row, with the order totals Save Order keeps', () => {
		expect(node('Report Page').parameters).toMatchObject({ httpMethod: 'GET', path: 'abandoned-cart-report', authentication: 'basicAuth', responseMode: 'responseNode' });
		expect(outputTargets(workflow, 'Report Page')).toEqual([['Get All Carts']]);
		expect(node('Get All Carts').parameters).toMatchObject({ operation: 'get', returnAll: true });
		expect(node('Get All Carts').parameters.filters).toBeUndefined();
		expect(node('Get All Carts').alwaysOutputData).toBe(true);
		expect(node('Build Report Page').parameters).toMatchObject({ operation: 'recoveryReport', reportSource: 'cartRows' });
		expect(outputTargets(workflow, 'Build Report Page')).toEqual([['Send Page']]);
		expect(node('Save Order').parameters.columns.value.order_total).toContain('$json.body.total');
	});
});
