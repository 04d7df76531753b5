import { readdirSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import type { INodeType, INodeTypes, IVersionedNodeType } from 'n8n-workflow';
import { NodeHelpers } from 'n8n-workflow';

/** The package name n8n prefixes community node types with when the package is installed. */
export const PACKAGE_NAME = 'n8n-nodes-constant-contact-abandoned-cart';
/** Prefix of the harness's own test-only node types. */
export const HARNESS_PREFIX = 'harness';

const REPO_ROOT = resolve(__dirname, '..', '..');

type LoadedNodeType = INodeType | IVersionedNodeType;

function findNodeFiles(dir: string): string[] {
	return (readdirSync(dir, { recursive: true }) as string[])
		.filter((file) => file.endsWith('.node.ts'))
		.sort()
		.map((file) => join(dir, file));
}

function instantiate(file: string): LoadedNodeType {
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const exported = require(file) as Record<string, unknown>;
	const className = basename(file, '.node.ts');
	const candidates = [exported[className], ...Object.values(exported)];
	for (const candidate of candidates) {
		if (typeof candidate !== 'function') continue;
		const instance = new (candidate as new () => LoadedNodeType)();
		if (instance.description?.name) return instance;
	}
	throw new Error(`${file} exports no node class`);
}

/**
 * The node types a harness workflow can use, under the names an exported workflow carries:
 * `n8n-nodes-constant-contact-abandoned-cart.<name>` (installed package), `CUSTOM.<name>`
 * (custom extensions folder) and `harness.<name>` for the test-only nodes. Package nodes load
 * from their TypeScript sources on first use; a file that fails to load only breaks the
 * workflows that use it.
 */
export class HarnessNodeTypes implements INodeTypes {
	private readonly types = new Map<string, LoadedNodeType>();
	private readonly loadErrors = new Map<string, Error>();
	private loaded = false;

	constructor(private readonly extraTypes: Record<string, LoadedNodeType> = {}) {}

	private load(): void {
		if (this.loaded) return;
		this.loaded = true;
		const sources: Array<{ dir: string; prefixes: string[] }> = [
			{ dir: join(REPO_ROOT, 'nodes'), prefixes: [PACKAGE_NAME, 'CUSTOM'] },
			{ dir: join(__dirname, 'test-nodes'), prefixes: [HARNESS_PREFIX] },
		];
		for (const { dir, prefixes } of sources) {
			for (const file of findNodeFiles(dir)) {
				const fallbackName = basename(file, '.node.ts').replace(/^./, (c) => c.toLowerCase());
				try {
					const nodeType = instantiate(file);
					for (const prefix of prefixes) this.types.set(`${prefix}.${nodeType.description.name}`, nodeType);
				} catch (error) {
					for (const prefix of prefixes) this.loadErrors.set(`${prefix}.${fallbackName}`, error as Error);
				}
			}
		}
		for (const [name, nodeType] of Object.entries(this.extraTypes)) this.types.set(name, nodeType);
	}

	has(nodeType: string): boolean {
		this.load();
		return this.types.has(nodeType);
	}

	getByName(nodeType: string): LoadedNodeType {
		this.load();
		const found = this.types.get(nodeType);
		if (found) return found;
		const loadError = this.loadErrors.get(nodeType);
		if (loadError) throw new Error(`Node type "${nodeType}" failed to load: ${loadError.message}`);
		throw new Error(
			`Node type "${nodeType}" is not known to the harness (known: ${[...this.types.keys()].join(', ')})`,
		);
	}

	getByNameAndVersion(nodeType: string, version?: number): INodeType {
		return NodeHelpers.getVersionedNodeType(this.getByName(nodeType), version);
	}

	getKnownTypes() {
		this.load();
		return Object.fromEntries([...this.types.keys()].map((name) => [name, {}]));
	}
}
