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

const PACKAGE = 'n8n-nodes-constant-contact-abandoned-cart';
const DIR = join(__dirname, '..', '..', 'workflows');
const FILES = readdirSync(DIR).filter((f) => f.endsWith('.json'));
const OUR_NODES: Record<string, INodeProperties[]> = {
	[`${PACKAGE}.abandonedCartFilter`]: new AbandonedCartFilter().description.properties,
	[`${PACKAGE}.addToAutoresponderList`]: new AddToAutoresponderList().description.properties,
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

/** The values an options parameter accepts, collected over every property of that name. */
function optionValues(properties: INodeProperties[], name: string): unknown[] {
	return properties.filter((p) => p.name === name && p.type === 'options').flatMap((p) => (p.options ?? []).map((o) => (o as { value: unknown }).value));
}

function collectionOptionNames(properties: INodeProperties[], name: string): string[] {
	return properties.filter((p) => p.name === name && p.type === 'collection').flatMap((p) => (p.options ?? []).map((o) => (o as { name: string }).name));
}

describe('workflow templates', () => {
	it('ships the five templates the README describes', () => {
		expect(FILES.sort()).toEqual([
			'abandoned-cart-reminders-mysql.json',
			'abandoned-cart-reminders-postgres.json',
			'cart-events-webhook.json',
			'stop-reminders-on-order.json',
			'three-step-sequence-postgres.json',
		]);
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
				expect(optionValues(properties, 'operation')).toContain(node.parameters.operation);
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

		it('explains itself in sticky notes, starting with what it does', () => {
			const notes = workflow.nodes.filter((n) => n.type === 'n8n-nodes-base.stickyNote').map((n) => String(n.parameters.content));
			expect(notes.length).toBeGreaterThanOrEqual(2);
			expect(notes[0]).toMatch(/^## /);
		});
	});
});
