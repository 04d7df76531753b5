/**
 * The package's shape, held on the real tree (README "Architecture"): the committed picture is current, the floors
 * import only downwards, no operation imports another, nothing imports in a circle, no block of code is written
 * twice, the rules are pure, no file mixes reading parameters, calling n8n's services and deciding, and no function
 * takes the n8n context only to throw. Every finding names its file(s). The facts come from
 * scripts/architecture.ts, the same reader that draws docs/architecture.svg.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import {
	againstTheFloors,
	analyse,
	CREDENTIALS_FOLDER,
	folderOf,
	layerOf,
	readSources,
	renderArchitecture,
	ROOT,
	SVG_FILE,
	type Layer,
	type Source,
} from '../../scripts/architecture';

interface Finding {
	files: string[];
	detail: string;
}

const sources = readSources();
const byPath = new Map(sources.map((source) => [source.path, source]));
const N8N_PACKAGES = ['n8n-workflow', 'n8n-core'];

/** Every check holds on the whole tree: each finding names the file(s) to mend. */
function describeCheck(title: string, find: () => Finding[]) {
	describe(title, () => {
		it('has no offender', () => {
			expect(find().map((finding) => finding.detail)).toEqual([]);
		});
	});
}

describe('docs/architecture.svg', () => {
	it('is the picture of the imports as they are now', () => {
		const committed = readFileSync(join(ROOT, SVG_FILE), 'utf8');
		const current = renderArchitecture(sources);
		expect(committed === current ? 'current' : `${SVG_FILE} differs from the imports in nodes/ and credentials/: run npm run architecture`).toBe(
			'current',
		);
	});

	it('comes out byte for byte the same on every run', () => {
		expect(renderArchitecture(readSources())).toBe(renderArchitecture(sources));
	});
});

describe('the reader of the tree', () => {
	it('finds the client, the shared helpers, the credentials and at least one node folder', () => {
		const layers = new Set(sources.map((source) => layerOf(source.folder)));
		expect([...layers].sort()).toEqual(['client', 'credentials', 'node', 'shared']);
	});

	it('resolves every import inside the repository to a file that exists', () => {
		const missing = sources.flatMap((source) =>
			source.imports
				.filter((imported) => !imported.external && !imported.target.endsWith('.json') && !byPath.has(imported.target))
				.map((imported) => `${source.path}:${imported.line} imports ${imported.target}, which the reader cannot find`),
		);
		expect(missing).toEqual([]);
	});
});

describe('the reader, on fixtures', () => {
	const read = (text: string) => analyse(ROOT, join(ROOT, 'nodes/Fixture/operation.ts'), text);

	it('tells type-only imports from imports that run, and names what runs', () => {
		const source = read(
			[
				"import type { IExecuteFunctions } from 'n8n-workflow';",
				"import { NodeOperationError, type INodeExecutionData } from 'n8n-workflow';",
				"import { type Policy } from '../Fixture/decide';",
			].join('\n'),
		);
		expect(source.imports.map(({ target, typeOnly, runtimeNames }) => ({ target, typeOnly, runtimeNames }))).toEqual([
			{ target: 'n8n-workflow', typeOnly: true, runtimeNames: [] },
			{ target: 'n8n-workflow', typeOnly: false, runtimeNames: ['NodeOperationError'] },
			{ target: 'nodes/Fixture/decide', typeOnly: true, runtimeNames: [] },
		]);
	});

	it('sees the three jobs in a file that does all of them', () => {
		const source = read(
			[
				'export function decideCart(total: number, minimum: number) { return total >= minimum; }',
				'export async function execute(this: IExecuteFunctions) {',
				"\tconst minimum = this.getNodeParameter('minimum', 0) as number;",
				"\tconst memory = this.getWorkflowStaticData('global');",
				'\treturn decideCart(Number(memory.total), minimum);',
				'}',
			].join('\n'),
		);
		expect([source.readsParameters, source.callsN8nServices, source.declaredRules, source.exportedRules]).toEqual([true, true, ['decideCart'], ['decideCart']]);
	});

	it('counts an operation that only calls decide() as not declaring rules', () => {
		const source = read(["import { decide } from './decide';", 'export function execute() { return decide(); }'].join('\n'));
		expect(source.declaredRules).toEqual([]);
	});

	it('finds the functions that take the n8n context only to throw, also through one another', () => {
		const source = read(
			[
				'function fail(ctx: IExecuteFunctions, message: string): never {',
				'\tthrow new NodeOperationError(ctx.getNode(), message);',
				'}',
				'function durationParam(ctx: IExecuteFunctions, text: string): number {',
				"\tif (text === '') fail(ctx, 'empty');",
				'\treturn Number(text);',
				'}',
				'function stepsParam(ctx: IExecuteFunctions): string {',
				"\treturn String(ctx.getNodeParameter('steps', 0));",
				'}',
			].join('\n'),
		);
		expect(source.contextOnlyToThrow).toEqual([
			{ name: 'fail', line: 1 },
			{ name: 'durationParam', line: 4 },
		]);
	});
});

/**
 * The floors, lowest first: nodes/shared (helpers any code may use), nodes/ConstantContact (the client), then each
 * node folder. nodes/shared imports neither the client nor a node; the client imports no node; no node imports
 * another node. Credentials are loaded by n8n on their own: from nodes/ they may import only a constants module of
 * the client or nodes/shared (a file that imports nothing at run time), so loading a credential never loads request
 * code or a node. Nodes and the client may import a credential's exported facts (its name, its base URL).
 */
const FLOOR_RULE: Record<Layer, string> = {
	shared: 'nodes/shared imports neither the client nor a node',
	client: 'the client imports no node',
	node: 'a node imports no other node',
	credentials: 'a credential imports no node',
};

describeCheck('the floors import only downwards', () => {
	const findings: Finding[] = [];
	for (const source of sources) {
		const from = layerOf(source.folder);
		for (const imported of source.imports.filter((i) => !i.external)) {
			const folder = folderOf(imported.target);
			if (folder === source.folder) continue;
			const to = layerOf(folder);
			const where = `${source.path}:${imported.line} imports ${imported.target}`;
			if (againstTheFloors(from, to)) findings.push({ files: [source.path], detail: `${where}: ${FLOOR_RULE[from]}` });
			else if (from === 'credentials' && folder !== CREDENTIALS_FOLDER) {
				const target = byPath.get(imported.target);
				const constantsOnly = (to === 'client' || to === 'shared') && target !== undefined && target.imports.every((i) => i.typeOnly);
				if (!constantsOnly) {
					findings.push({ files: [source.path], detail: `${where}: a credential imports from nodes/ only constants modules of the client or nodes/shared` });
				}
			}
		}
	}
	return findings;
});

/** An operation's helpers live beside the operations, not inside one of them: operations/ files import no operations/ file. */
describeCheck('no operation imports another file of operations/', () =>
	sources.flatMap((source) =>
		source.path.includes('/operations/')
			? source.imports
					.filter((imported) => !imported.external && imported.target.includes('/operations/'))
					.map((imported) => ({
						files: [source.path],
						detail: `${source.path}:${imported.line} imports ${imported.target}: move what both need out of operations/`,
					}))
			: [],
	),
);

/** Type-only imports count too: a circle of types is still a circle a reader has to untangle. */
function importCycles(files: Source[]): string[][] {
	const graph = new Map(files.map((source) => [source.path, [...new Set(source.imports.filter((i) => !i.external).map((i) => i.target))].sort()]));
	const index = new Map<string, number>();
	const low = new Map<string, number>();
	const stack: string[] = [];
	const onStack = new Set<string>();
	const cycles: string[][] = [];
	let next = 0;
	// Tarjan's strongly connected components: every component of two files or more, or a file importing itself, is a cycle
	const connect = (file: string) => {
		index.set(file, next);
		low.set(file, next++);
		stack.push(file);
		onStack.add(file);
		for (const target of graph.get(file) ?? []) {
			if (!graph.has(target)) continue;
			if (!index.has(target)) {
				connect(target);
				low.set(file, Math.min(low.get(file)!, low.get(target)!));
			} else if (onStack.has(target)) {
				low.set(file, Math.min(low.get(file)!, index.get(target)!));
			}
		}
		if (low.get(file) !== index.get(file)) return;
		const component: string[] = [];
		let member: string;
		do {
			member = stack.pop()!;
			onStack.delete(member);
			component.push(member);
		} while (member !== file);
		if (component.length > 1 || graph.get(file)!.includes(file)) cycles.push(component.sort());
	};
	for (const file of graph.keys()) if (!index.has(file)) connect(file);
	return cycles;
}

describeCheck('no file imports itself through other files', () =>
	importCycles(sources).map((cycle) => ({ files: cycle, detail: `these files import each other in a circle: ${cycle.join(', ')}` })),
);

/**
 * The duplicate rule. Each file is reduced to its significant lines: trimmed, runs of white space made one space,
 * and without blank lines, comment lines, the lines of import and re-export declarations, lines of nothing but
 * brackets and punctuation (`},` `]);`), and the declaration boilerplate of n8n descriptions: a line that starts
 * with one of DESCRIPTION_KEYS, keys of n8n's INodeProperties, and a colon (every parameter states its displayName,
 * name, type, default, description and often the same typeOptions or displayOptions: that is the format, not a
 * copy; `options:` and `value:` are not in the list, an operation's choices are content). Six significant lines in a row that stand again, the same to the
 * letter, in another file or elsewhere in the same file (not overlapping) are a repeated block.
 */
const MIN_REPEATED_LINES = 6;
const DESCRIPTION_KEYS = ['displayName', 'name', 'type', 'default', 'description', 'typeOptions', 'displayOptions', 'placeholder', 'hint', 'required', 'noDataExpression'];
const BOILERPLATE = new RegExp(`^(?:${DESCRIPTION_KEYS.join('|')})\\s*:`);
const PUNCTUATION_ONLY = /^[{}()[\];,.]*$/;
const COMMENT = /^(?:\/\/|\/\*|\*)/;

interface SignificantLine {
	line: number;
	text: string;
}

function significantLines(source: Pick<Source, 'text' | 'importLines'>): SignificantLine[] {
	return source.text
		.split('\n')
		.map((text, i) => ({ line: i + 1, text: text.trim().replace(/\s+/g, ' ') }))
		.filter(({ line, text }) => text !== '' && !source.importLines.has(line) && !COMMENT.test(text) && !PUNCTUATION_ONLY.test(text) && !BOILERPLATE.test(text));
}

function repeatedBlocks(files: Array<Pick<Source, 'path' | 'text' | 'importLines'>>, minLines = MIN_REPEATED_LINES): Finding[] {
	const windows = new Map<string, Array<{ path: string; at: number }>>();
	const lines = new Map(files.map((file) => [file.path, significantLines(file)]));
	for (const [path, significant] of lines) {
		for (let at = 0; at + minLines <= significant.length; at++) {
			const key = significant
				.slice(at, at + minLines)
				.map((line) => line.text)
				.join('\n');
			if (!windows.has(key)) windows.set(key, []);
			windows.get(key)!.push({ path, at });
		}
	}
	// Every pair of places a window stands in; a run of pairs moving on together is one block
	const pairs = new Set<string>();
	for (const places of windows.values()) {
		for (let i = 0; i < places.length; i++) {
			for (let j = i + 1; j < places.length; j++) {
				const [a, b] = [places[i], places[j]];
				if (a.path === b.path && Math.abs(a.at - b.at) < minLines) continue;
				pairs.add(`${a.path}\n${a.at}\n${b.path}\n${b.at}`);
			}
		}
	}
	const findings: Finding[] = [];
	for (const pair of [...pairs].sort()) {
		const [pathA, atA, pathB, atB] = pair.split('\n');
		const [a, b] = [Number(atA), Number(atB)];
		if (pairs.has(`${pathA}\n${a - 1}\n${pathB}\n${b - 1}`)) continue; // inside a block already reported
		let length = minLines;
		while (pairs.has(`${pathA}\n${a + length - minLines + 1}\n${pathB}\n${b + length - minLines + 1}`)) length++;
		const linesA = lines.get(pathA)!;
		const linesB = lines.get(pathB)!;
		findings.push({
			files: [...new Set([pathA, pathB])],
			detail: `${pathA}:${linesA[a].line}-${linesA[a + length - 1].line} is repeated at ${pathB}:${linesB[b].line}-${linesB[b + length - 1].line} (${length} significant lines): say it once`,
		});
	}
	return findings;
}

describe('the duplicate rule itself, on fixtures', () => {
	const fixture = (path: string, text: string) => analyse(ROOT, join(ROOT, path), text);
	const copied = [
		'const total = items.reduce((sum, item) => sum + item.price * item.quantity, 0);',
		'if (total < policy.minCartValue) return skip("cart_too_small");',
		'const due = abandonedAt + policy.stepDelaysMs[step];',
		'if (now < due) return wait(due);',
		'const sent = memory.lastSentAt(cart.id);',
		'if (sent !== undefined && now - sent < policy.cooldownMs) return wait(sent + policy.cooldownMs);',
	];

	it('finds six copied lines even when indentation, blank lines, comments and imports differ', () => {
		const first = fixture('nodes/Fixture/first.ts', ["import { a } from './a';", 'export function first() {', ...copied.map((l) => `\t${l}`), '}'].join('\n'));
		const second = fixture(
			'nodes/Fixture/second.ts',
			['import {', '\tb,', "} from './b';", 'export function second() {', '', `    ${copied[0]}`, '// why', ...copied.slice(1).map((l) => `        ${l}`), '}'].join('\n'),
		);
		expect(repeatedBlocks([first, second]).map((finding) => finding.detail)).toEqual([
			'nodes/Fixture/first.ts:3-8 is repeated at nodes/Fixture/second.ts:6-12 (6 significant lines): say it once',
		]);
	});

	it('finds a block copied within one file', () => {
		const file = fixture('nodes/Fixture/twice.ts', ['function a() {', ...copied, '}', 'function b() {', ...copied, '}'].join('\n'));
		expect(repeatedBlocks([file])).toHaveLength(1);
	});

	it('lets five shared lines pass', () => {
		const first = fixture('nodes/Fixture/first.ts', copied.slice(0, 5).join('\n'));
		const second = fixture('nodes/Fixture/second.ts', copied.slice(0, 5).join('\n'));
		expect(repeatedBlocks([first, second])).toEqual([]);
	});

	it('lets description boilerplate and import lists pass', () => {
		const property = ['{', "\tdisplayName: 'Cart ID',", "\tname: 'cartId',", "\ttype: 'string',", "\tdefault: '',", "\tdescription: 'The cart',", '},'];
		const imports = ['import {', '\tone,', '\ttwo,', '\tthree,', '\tfour,', '\tfive,', '\tsix,', "} from './numbers';"];
		const first = fixture('nodes/Fixture/first.ts', [...imports, ...property, ...property].join('\n'));
		const second = fixture('nodes/Fixture/second.ts', [...imports, ...property, ...property].join('\n'));
		expect(repeatedBlocks([first, second])).toEqual([]);
	});
});

describeCheck(`no block of ${MIN_REPEATED_LINES} or more lines stands twice under nodes/ and credentials/`, () => repeatedBlocks(sources));

/**
 * The three jobs, read from each file's own code:
 *   parameters  it calls getNodeParameter;
 *   n8n         it reaches n8n's services on the execution context: .helpers, getWorkflowStaticData, .logger,
 *               getCredentials;
 *   rules       it declares a decision function: named decide or decide<Something>, the house's name for a rule
 *               (the filter's policy from its parameters, decideSettings..., counts: it is the Decide policy's rules).
 * A rules module is a file that exports such a function. Rules are pure: a rules module and every file it reaches
 * through run-time imports neither read parameters nor call n8n's services nor import a run-time value from n8n,
 * and a rules module imports nothing from n8n at all, not even types. An operation reads parameters, may call n8n's
 * services and calls the rules; it does not declare them. So no file does all three: that is the file #19 splits.
 */
describeCheck('decision rules are pure: nothing they reach talks to n8n', () => {
	const findings: Finding[] = [];
	for (const rules of sources.filter((source) => source.exportedRules.length > 0)) {
		for (const imported of rules.imports.filter((i) => N8N_PACKAGES.includes(i.target))) {
			findings.push({ files: [rules.path], detail: `${rules.path}:${imported.line} exports ${rules.exportedRules.join(', ')} and imports from ${imported.target}` });
		}
		const reached = new Set<string>();
		const reach = (path: string) => {
			if (reached.has(path)) return;
			reached.add(path);
			const source = byPath.get(path);
			if (!source) return;
			const why = [
				source.readsParameters ? 'reads parameters' : '',
				source.callsN8nServices ? "calls n8n's services" : '',
				...source.imports.filter((i) => N8N_PACKAGES.includes(i.target) && !i.typeOnly).map((i) => `imports ${i.runtimeNames.join(', ')} from ${i.target}`),
			].filter(Boolean);
			if (why.length > 0) {
				const via = path === rules.path ? '' : `, which reaches ${path}`;
				findings.push({ files: [rules.path], detail: `${rules.path} exports ${rules.exportedRules.join(', ')}${via}; ${path} ${why.join(' and ')}` });
			}
			for (const imported of source.imports.filter((i) => !i.external && !i.typeOnly)) reach(imported.target);
		};
		reach(rules.path);
	}
	return findings;
});

describeCheck('no file reads parameters, calls n8n services and declares decision rules at once', () =>
	sources
		.filter((source) => source.readsParameters && source.callsN8nServices && source.declaredRules.length > 0)
		.map((source) => ({
			files: [source.path],
			detail: `${source.path} reads parameters, calls n8n's services and declares ${source.declaredRules.join(', ')}: move the rules into a pure module`,
		})),
);

/**
 * Turning parameter values into a policy throws plain errors (settings); the operation that catches one adds the node
 * and the item. A function that takes the n8n context only to throw with it (`fail(ctx, message)`: every use of the
 * context is `ctx.getNode()` inside `new ...Error(...)`, or hands it to another such function) mixes the two jobs.
 */
describeCheck('no function takes the n8n context only to throw with it', () =>
	sources.flatMap((source) =>
		source.contextOnlyToThrow.map(({ name, line }) => ({
			files: [source.path],
			detail: `${source.path}:${line} ${name}() takes the n8n context only to throw: throw a plain Error, the operation adds the node`,
		})),
	),
);
