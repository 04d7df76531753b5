/**
 * What the editor gets, read from the BUILT package the way n8n loads it (package.json's n8n.nodes and n8n.credentials,
 * compiled JavaScript): hints and placeholders show expressions that work ($json, never $JSON); every Field Names entry
 * takes a field's name from drag-and-drop (requiresDataPath), so dragging a field from the input panel maps it instead
 * of its value; and every listSearch failure reaches the editor as an n8n error (NodeApiError for Constant Contact's
 * answers and failed connections), never as a raw error.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import type { INodeProperties, INodeType } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import type { Fault } from '../fake-constant-contact';
import { createStandInCredential, PACKAGE_NAME, searchList } from '../harness';
import { useStandIn } from '../support/standIn';

const ROOT = path.resolve(__dirname, '..', '..');
const manifest = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { n8n: { nodes: string[]; credentials: string[] } };

function files(dir: string, extension: string): string[] {
	if (!existsSync(dir)) return [];
	return (readdirSync(dir, { recursive: true }) as string[]).filter((file) => file.endsWith(extension)).map((file) => path.join(dir, file));
}

/** dist/ when it holds every entry of package.json and is newer than every source; else a build of its own. */
function builtPackageDir(): { dir: string; ownBuild: boolean } {
	const dist = path.join(ROOT, 'dist');
	const entries = [...manifest.n8n.nodes, ...manifest.n8n.credentials].map((entry) => path.join(ROOT, entry));
	const sources = ['nodes', 'credentials'].flatMap((dir) => files(path.join(ROOT, dir), '.ts'));
	const built = ['nodes', 'credentials'].flatMap((dir) => files(path.join(dist, dir), '.js'));
	const newestSource = Math.max(...sources.map((file) => statSync(file).mtimeMs));
	const oldestBuilt = Math.min(...built.map((file) => statSync(file).mtimeMs));
	if (entries.every((entry) => existsSync(entry)) && oldestBuilt >= newestSource) return { dir: ROOT, ownBuild: false };
	// No dist/ (`npx jest` without `npm run build`) or an old one: compile the sources with the package's own
	// tsconfig into .cache, inside the project so the build finds n8n-workflow, and leave dist/ to `npm run build`.
	mkdirSync(path.join(ROOT, '.cache'), { recursive: true });
	const dir = mkdtempSync(path.join(ROOT, '.cache', 'built-descriptions-'));
	try {
		execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', path.join(ROOT, 'tsconfig.json'), '--outDir', path.join(dir, 'dist')], {
			cwd: ROOT,
			stdio: 'pipe',
		});
	} catch (error) {
		rmSync(dir, { recursive: true, force: true });
		const output = String((error as { stdout?: Buffer }).stdout ?? '') + String((error as { stderr?: Buffer }).stderr ?? '');
		throw new Error(`dist/ is missing or older than the sources, and building the package failed; run \`npm run build\`:\n${output}`);
	}
	return { dir, ownBuild: true };
}

interface Built {
	nodes: INodeType[];
	credentials: Array<{ name: string; properties: INodeProperties[] }>;
}

function load(dir: string, entry: string): object {
	// The built JavaScript, loaded as n8n loads it.
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const exported = require(path.join(dir, entry)) as Record<string, new () => object>;
	const className = path.basename(entry).split('.')[0];
	if (typeof exported[className] !== 'function') throw new Error(`${entry} does not export the class ${className}`);
	return new exported[className]();
}

let build: { dir: string; ownBuild: boolean };
let built: Built;

beforeAll(() => {
	build = builtPackageDir();
	built = {
		nodes: manifest.n8n.nodes.map((entry) => load(build.dir, entry) as INodeType),
		credentials: manifest.n8n.credentials.map((entry) => load(build.dir, entry) as Built['credentials'][number]),
	};
}, 300_000);

afterAll(() => {
	if (build?.ownBuild) rmSync(build.dir, { recursive: true, force: true });
});

/** Every text anywhere in a description, with where it sits (displayName chain). */
function* everyText(value: unknown, at: string): Generator<[string, string]> {
	if (typeof value === 'string') yield [at, value];
	else if (Array.isArray(value)) for (const element of value) yield* everyText(element, at);
	else if (value && typeof value === 'object') {
		const name = (value as { displayName?: unknown }).displayName;
		const here = typeof name === 'string' ? (at ? `${at} → ${name}` : name) : at;
		for (const child of Object.values(value)) yield* everyText(child, here);
	}
}

/** Every property, nested collections and fixed collections included, with where it sits. */
function* everyProperty(properties: INodeProperties[], at: string): Generator<[string, INodeProperties]> {
	for (const property of properties) {
		const here = `${at} → ${property.displayName}`;
		yield [here, property];
		for (const option of (property.options ?? []) as Array<INodeProperties | { values?: INodeProperties[] }>) {
			if ('type' in option && typeof option.type === 'string') yield* everyProperty([option as INodeProperties], here);
			else if ('values' in option && Array.isArray(option.values)) yield* everyProperty(option.values, here);
		}
	}
}

describe('the built descriptions the editor shows', () => {
	it('load every node and credential package.json names', () => {
		expect(built.nodes.map((node) => node.description.name).sort()).toEqual(['abandonedCartFilter', 'addToAutoresponderList', 'verifyShopWebhook']);
		expect(built.credentials.map((credential) => credential.name).sort()).toEqual(['cartLinkSecretApi', 'constantContactOAuth2Api', 'shopWebhookSecretApi']);
	});

	it('show only expressions that work: $json, never $JSON', () => {
		const texts = [
			...built.nodes.flatMap((node) => [...everyText(node.description, '')]),
			...built.credentials.flatMap((credential) => [...everyText(credential.properties, credential.name)]),
		];
		expect(texts.length).toBeGreaterThan(100);
		expect(texts.filter(([, text]) => /\$JSON\b/.test(text)).map(([where, text]) => `${where}: ${text}`)).toEqual([]);
	});

	it('let every Field Names entry take a field name by drag-and-drop', () => {
		const entries = built.nodes.flatMap((node) =>
			[...everyProperty(node.description.properties, node.description.displayName)]
				.filter(([, property]) => property.displayName === 'Field Names')
				.flatMap(([where, property]) => (property.options as INodeProperties[]).map((entry): [string, INodeProperties] => [`${where} → ${entry.displayName}`, entry])),
		);
		expect(entries.length).toBeGreaterThanOrEqual(13);
		expect(entries.filter(([, entry]) => !entry.typeOptions?.requiresDataPath).map(([where]) => where)).toEqual([]);
	});
});

describe('the built list searches, when they cannot list', () => {
	// Reset before each test, which also clears the faults the last one injected.
	const standIn = useStandIn();

	const searches = () =>
		built.nodes.flatMap((node) => Object.keys(node.methods?.listSearch ?? {}).map((method) => ({ node, method })));
	const call = async (node: INodeType, method: string, apiBaseUrl?: string) => {
		const credential = { ...createStandInCredential(standIn.fakeCc), ...(apiBaseUrl ? { apiBaseUrl } : {}) };
		const credentials = Object.fromEntries((node.description.credentials ?? []).map(({ name }) => [name, credential]));
		return await searchList(`${PACKAGE_NAME}.${node.description.name}`, method, { credentials, nodeType: node }).catch((thrown: unknown) => thrown);
	};
	const always = { count: 20 }; // Without a path a fault applies to every /v3 request.

	it.each<[string, Fault]>([
		['refuses the connection (401, also after a refresh)', { ...always, kind: 'status', status: 401 }],
		['refuses the app or user (403)', { ...always, kind: 'status', status: 403 }],
		['drops every connection', { ...always, kind: 'drop' }],
	])('give the editor a NodeApiError when Constant Contact %s', async (_case, fault) => {
		expect(searches().map(({ node, method }) => `${node.description.name}.${method}`)).toEqual(['addToAutoresponderList.searchLists']);
		for (const { node, method } of searches()) {
			standIn.fakeCc.control.injectFaults([fault]);
			const error = await call(node, method);
			expect(error).toBeInstanceOf(NodeApiError);
			expect((error as NodeApiError).message).toMatch(/^Could not read the contact lists: /);
		}
	});

	it('give the editor a NodeOperationError, not a raw error, for a failure before any request', async () => {
		for (const { node, method } of searches()) {
			const error = await call(node, method, 'api.cc.email without a scheme');
			expect(error).toBeInstanceOf(NodeOperationError);
			expect((error as NodeOperationError).message).toMatch(/API base URL .* is not a valid URL/);
		}
	});
});
