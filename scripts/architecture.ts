/**
 * `npm run architecture`: reads the import graph of nodes/ and credentials/ with TypeScript's own parser and writes
 * docs/architecture.svg, the README's picture of the layers. Same tree, same bytes: everything is sorted, nothing
 * depends on the clock or the machine. test/tooling/architecture.test.ts checks the committed picture against a fresh
 * one and holds the layer, cycle, duplicate and three-jobs rules on the same facts read here.
 *
 * Nothing here names a source file: folders are found on disk, files grouped by the folder under nodes/ they sit in.
 */
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, posix, resolve } from 'node:path';

import ts from 'typescript';

export const ROOT = resolve(__dirname, '..');
export const SVG_FILE = 'docs/architecture.svg';
/** The source trees that ship: the picture and the rules cover these and nothing else. */
export const SOURCE_ROOTS = ['nodes', 'credentials'];

/** The two folders under nodes/ that are not nodes; every other folder under nodes/ is one node. */
export const CLIENT_FOLDER = 'nodes/ConstantContact';
export const SHARED_FOLDER = 'nodes/shared';
export const CREDENTIALS_FOLDER = 'credentials';

export type Layer = 'node' | 'client' | 'shared' | 'credentials';

/** n8n context calls that reach n8n's services rather than the node's own parameters or items. */
export const N8N_SERVICE_CALLS = ['helpers', 'getWorkflowStaticData', 'logger', 'getCredentials'];
export const PARAMETER_CALLS = ['getNodeParameter', 'getCurrentNodeParameter'];
/** `decide` or `decideSomething`: the house's name for a pure decision function. */
export const RULE_NAME = /^decide(?:[A-Z]\w*)?$/;

export interface Import {
	/** Repository-relative path of the imported file, or the package name for anything outside the repository. */
	target: string;
	external: boolean;
	/** `import type`, or every imported name marked `type`: gone at run time. */
	typeOnly: boolean;
	/** Names imported at run time (empty for type-only imports). */
	runtimeNames: string[];
	line: number;
}

export interface Source {
	/** Repository-relative, forward slashes. */
	path: string;
	/** `nodes/<Folder>` or `credentials`. */
	folder: string;
	text: string;
	imports: Import[];
	/** 1-based line numbers covered by import and re-export declarations. */
	importLines: Set<number>;
	/** Calls `getNodeParameter`. */
	readsParameters: boolean;
	/** Reaches n8n's services on the execution context (N8N_SERVICE_CALLS). */
	callsN8nServices: boolean;
	/** Functions named like RULE_NAME that this file declares. */
	declaredRules: string[];
	/** The declared rules it exports: such a file is a rules module. */
	exportedRules: string[];
	/** Functions that take the n8n context only to throw with it (`fail(ctx, message)`), with their lines. */
	contextOnlyToThrow: Array<{ name: string; line: number }>;
}

export function layerOf(folder: string): Layer {
	if (folder === CLIENT_FOLDER) return 'client';
	if (folder === SHARED_FOLDER) return 'shared';
	if (folder === CREDENTIALS_FOLDER) return 'credentials';
	return 'node';
}

function listTypeScript(dir: string): string[] {
	const found: string[] = [];
	for (const name of readdirSync(dir).sort()) {
		const full = join(dir, name);
		if (statSync(full).isDirectory()) found.push(...listTypeScript(full));
		else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) found.push(full);
	}
	return found;
}

function toRepoPath(root: string, file: string): string {
	return posix.normalize(file.slice(root.length + 1).split('\\').join('/'));
}

export function folderOf(path: string): string {
	const [top, second] = path.split('/');
	return top === 'nodes' && second !== undefined && path.split('/').length > 2 ? `nodes/${second}` : top;
}

function resolveImport(root: string, fromFile: string, specifier: string): { target: string; external: boolean } {
	if (!specifier.startsWith('.')) {
		const bare = specifier.replace(/^node:/, '');
		const parts = bare.split('/');
		return { target: bare.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0], external: true };
	}
	const base = join(dirname(fromFile), specifier);
	for (const candidate of [base, `${base}.ts`, join(base, 'index.ts')]) {
		try {
			if (statSync(candidate).isFile()) return { target: toRepoPath(root, candidate), external: false };
		} catch {
			// not this candidate
		}
	}
	return { target: toRepoPath(root, base), external: false };
}

function lineOf(sourceFile: ts.SourceFile, position: number): number {
	return sourceFile.getLineAndCharacterOfPosition(position).line + 1;
}

function isExported(node: ts.Node): boolean {
	return (ts.getCombinedModifierFlags(node as ts.Declaration) & ts.ModifierFlags.Export) !== 0;
}

/** Reads one file: its imports, and which of the three jobs (parameters, n8n services, rules) it does. */
export function readSource(root: string, file: string): Source {
	return analyse(root, file, readFileSync(file, 'utf8'));
}

/** The facts of one file's text; `file` only places it (folder, relative imports). */
export function analyse(root: string, file: string, text: string): Source {
	const sourceFile = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
	const path = toRepoPath(root, file);
	const source: Source = {
		path,
		folder: folderOf(path),
		text,
		imports: [],
		importLines: new Set(),
		readsParameters: false,
		callsN8nServices: false,
		declaredRules: [],
		exportedRules: [],
		contextOnlyToThrow: [],
	};

	const addImport = (node: ts.Node, specifier: string, typeOnly: boolean, runtimeNames: string[]) => {
		const { target, external } = resolveImport(root, file, specifier);
		source.imports.push({ target, external, typeOnly, runtimeNames: typeOnly ? [] : runtimeNames, line: lineOf(sourceFile, node.getStart()) });
		for (let line = lineOf(sourceFile, node.getStart()); line <= lineOf(sourceFile, node.getEnd()); line++) source.importLines.add(line);
	};

	const visit = (node: ts.Node): void => {
		if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
			const clause = node.importClause;
			const named = clause?.namedBindings && ts.isNamedImports(clause.namedBindings) ? clause.namedBindings.elements : undefined;
			const runtimeNames = [
				...(clause?.name && !clause.isTypeOnly ? ['default'] : []),
				...(clause?.namedBindings && ts.isNamespaceImport(clause.namedBindings) && !clause.isTypeOnly ? ['*'] : []),
				...(named ?? []).filter((element) => !element.isTypeOnly && !clause?.isTypeOnly).map((element) => (element.propertyName ?? element.name).text),
			];
			// `import './x'` has no clause and runs the module; `import { type A }` alone runs nothing
			const typeOnly = clause !== undefined && (clause.isTypeOnly || runtimeNames.length === 0);
			addImport(node, node.moduleSpecifier.text, typeOnly, runtimeNames);
		} else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
			const named = node.exportClause && ts.isNamedExports(node.exportClause) ? node.exportClause.elements : undefined;
			const runtimeNames = named
				? named.filter((element) => !element.isTypeOnly && !node.isTypeOnly).map((element) => (element.propertyName ?? element.name).text)
				: node.isTypeOnly
					? []
					: ['*'];
			addImport(node, node.moduleSpecifier.text, node.isTypeOnly || runtimeNames.length === 0, runtimeNames);
		} else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
			const [argument] = node.arguments;
			if (argument && ts.isStringLiteral(argument)) addImport(node, argument.text, false, ['*']);
		} else if (ts.isPropertyAccessExpression(node)) {
			const name = node.name.text;
			if (PARAMETER_CALLS.includes(name)) source.readsParameters = true;
			if (N8N_SERVICE_CALLS.includes(name)) source.callsN8nServices = true;
		} else if (ts.isFunctionDeclaration(node) && node.name && RULE_NAME.test(node.name.text)) {
			source.declaredRules.push(node.name.text);
			if (isExported(node)) source.exportedRules.push(node.name.text);
		} else if (ts.isVariableStatement(node)) {
			for (const declaration of node.declarationList.declarations) {
				const initializer = declaration.initializer;
				const isFunction = initializer !== undefined && (ts.isArrowFunction(initializer) || ts.isFunctionExpression(initializer));
				if (isFunction && ts.isIdentifier(declaration.name) && RULE_NAME.test(declaration.name.text)) {
					source.declaredRules.push(declaration.name.text);
					if (isExported(node)) source.exportedRules.push(declaration.name.text);
				}
			}
		}
		ts.forEachChild(node, visit);
	};
	visit(sourceFile);
	source.declaredRules.sort();
	source.exportedRules.sort();
	source.contextOnlyToThrow = contextOnlyToThrow(sourceFile);
	return source;
}

/** n8n's context types: IExecuteFunctions, ILoadOptionsFunctions, IWebhookFunctions... */
const CONTEXT_TYPE = /^I\w*Functions$/;

/**
 * Named functions with an n8n context parameter whose every use of it builds an error: `ctx.getNode()` inside
 * `new ...Error(...)`, or the context handed on to another such function. A check that throws plain errors needs no
 * context; the operation adds the node and the item when it catches.
 */
function contextOnlyToThrow(sourceFile: ts.SourceFile): Array<{ name: string; line: number }> {
	const candidates = new Map<string, { node: ts.FunctionLikeDeclaration; index: number; param: string }>();
	const visit = (node: ts.Node) => {
		if ((ts.isFunctionDeclaration(node) || ts.isFunctionExpression(node) || ts.isArrowFunction(node)) && node.body) {
			const name = ts.isFunctionDeclaration(node)
				? node.name?.text
				: ts.isVariableDeclaration(node.parent) && ts.isIdentifier(node.parent.name)
					? node.parent.name.text
					: undefined;
			const index = node.parameters.findIndex((p) => p.type !== undefined && ts.isTypeReferenceNode(p.type) && CONTEXT_TYPE.test(p.type.typeName.getText(sourceFile)));
			if (name && index >= 0 && ts.isIdentifier(node.parameters[index].name)) {
				candidates.set(name, { node, index, param: node.parameters[index].name.text });
			}
		}
		ts.forEachChild(node, visit);
	};
	visit(sourceFile);
	const insideError = (node: ts.Node): boolean => {
		for (let at: ts.Node | undefined = node.parent; at; at = at.parent) {
			if (ts.isNewExpression(at) && /Error$/.test(at.expression.getText(sourceFile))) return true;
			if (ts.isFunctionLike(at)) return false;
		}
		return false;
	};
	// Uses that only throw, given which functions already count as throwing-only; repeated until nothing changes
	let throwing = new Set(candidates.keys());
	for (;;) {
		const next = new Set<string>();
		for (const [name, { node, param }] of candidates) {
			let uses = 0;
			let onlyToThrow = true;
			const look = (child: ts.Node) => {
				if (ts.isIdentifier(child) && child.text === param) {
					uses++;
					const parent = child.parent;
					const getsNodeForError =
						ts.isPropertyAccessExpression(parent) && parent.name.text === 'getNode' && ts.isCallExpression(parent.parent) && insideError(parent.parent);
					const handedToThrower =
						ts.isCallExpression(parent) &&
						ts.isIdentifier(parent.expression) &&
						throwing.has(parent.expression.text) &&
						parent.arguments.indexOf(child) === candidates.get(parent.expression.text)!.index;
					if (!getsNodeForError && !handedToThrower) onlyToThrow = false;
				}
				ts.forEachChild(child, look);
			};
			if (node.body) look(node.body);
			if (uses > 0 && onlyToThrow) next.add(name);
		}
		if (next.size === throwing.size) break;
		throwing = next;
	}
	return [...throwing]
		.map((name) => ({ name, line: lineOf(sourceFile, candidates.get(name)!.node.getStart()) }))
		.sort((a, b) => a.line - b.line);
}

/** Every TypeScript file under nodes/ and credentials/, sorted by path. */
export function readSources(root = ROOT): Source[] {
	return SOURCE_ROOTS.flatMap((dir) => listTypeScript(join(root, dir)))
		.map((file) => readSource(root, file))
		.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

export interface FolderEdge {
	from: string;
	to: string;
	/** Distinct (importing file, imported file) pairs. */
	count: number;
}

/** Imports between folders, counted as distinct file-to-file pairs; a folder's imports of itself are left out. */
export function folderEdges(sources: Source[]): FolderEdge[] {
	const pairs = new Map<string, Set<string>>();
	for (const source of sources) {
		for (const imported of source.imports) {
			if (imported.external) continue;
			const to = folderOf(imported.target);
			if (to === source.folder) continue;
			const key = `${source.folder}\n${to}`;
			if (!pairs.has(key)) pairs.set(key, new Set());
			pairs.get(key)!.add(`${source.path}\n${imported.target}`);
		}
	}
	return [...pairs.entries()]
		.map(([key, files]) => {
			const [from, to] = key.split('\n');
			return { from, to, count: files.size };
		})
		.sort((a, b) => (a.from + a.to < b.from + b.to ? -1 : 1));
}

/**
 * Whether an import from one layer into another goes against the floors: nodes/shared imports neither the client nor
 * a node, the client imports no node, no node imports another node, and a credential imports no node.
 */
export function againstTheFloors(from: Layer, to: Layer): boolean {
	if (to === 'node') return true;
	return from === 'shared' && to === 'client';
}

// ---------------------------------------------------------------------------------------------------------------
// The picture

const WIDTH = 900;
const MARGIN = 20;
const BOX_GAP = 18;
const FLOOR_GAP = 96;
const HEADER_HEIGHT = 46;
const LINE_HEIGHT = 17;
const SUBFOLDER_HEIGHT = 20;
const BOX_PADDING = 12;
/** Monospace advance at 11.5px in the fonts a browser falls back to; only used to size boxes, never to place text. */
const MONO_CHAR = 7;
/** Distance between two job marks beside a file name. */
const MARK_STEP = 15;
const SANS = "system-ui, -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif";
const MONO = "ui-monospace, SFMono-Regular, Menlo, Consolas, 'Liberation Mono', monospace";

const LAYER_STYLE: Record<Layer, { fill: string; stroke: string; ink: string; title: string }> = {
	node: { fill: '#eef4ff', stroke: '#3b6fd8', ink: '#1d3f8a', title: 'node' },
	client: { fill: '#ecf8f1', stroke: '#2e9461', ink: '#1c5e3d', title: 'Constant Contact client' },
	shared: { fill: '#fdf6e7', stroke: '#c4891c', ink: '#7a5210', title: 'shared helpers' },
	credentials: { fill: '#f5f0fb', stroke: '#8a5cc7', ink: '#553383', title: 'credentials' },
};

/** The three jobs a file can do, as the marks beside its name. */
const JOBS = [
	{ key: 'P', colour: '#0e7c86', legend: 'reads node parameters (getNodeParameter)', has: (s: Source) => s.readsParameters },
	{ key: 'N', colour: '#d0621b', legend: "calls n8n's services on the execution context: helpers, workflow static data, logger, credentials", has: (s: Source) => s.callsN8nServices },
	{ key: 'R', colour: '#7b3fb8', legend: 'decision rules: exports a function named decide or decide… (a rules module, kept pure)', has: (s: Source) => s.exportedRules.length > 0 },
] as const;

function escapeXml(text: string): string {
	return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Two decimals at most, no trailing zeros: stable across machines. */
function n(value: number): string {
	return String(Math.round(value * 100) / 100);
}

interface Box {
	folder: string;
	layer: Layer;
	lines: Array<{ kind: 'file'; name: string; source: Source } | { kind: 'subfolder'; name: string }>;
	x: number;
	y: number;
	width: number;
	height: number;
}

function boxLines(folder: string, sources: Source[]): Box['lines'] {
	const mine = sources.filter((source) => source.folder === folder);
	const relative = (source: Source) => source.path.slice(folder.length + 1);
	const atRoot = mine.filter((source) => !relative(source).includes('/'));
	const bySubfolder = new Map<string, Source[]>();
	for (const source of mine.filter((s) => relative(s).includes('/'))) {
		const sub = posix.dirname(relative(source));
		if (!bySubfolder.has(sub)) bySubfolder.set(sub, []);
		bySubfolder.get(sub)!.push(source);
	}
	const lines: Box['lines'] = atRoot.map((source) => ({ kind: 'file', name: relative(source), source }));
	for (const sub of [...bySubfolder.keys()].sort()) {
		lines.push({ kind: 'subfolder', name: `${sub}/` });
		for (const source of bySubfolder.get(sub)!) lines.push({ kind: 'file', name: posix.basename(source.path), source });
	}
	return lines;
}

function boxHeight(lines: Box['lines']): number {
	return HEADER_HEIGHT + lines.reduce((sum, line) => sum + (line.kind === 'file' ? LINE_HEIGHT : SUBFOLDER_HEIGHT), 0) + BOX_PADDING;
}

function boxWidth(folder: string, lines: Box['lines']): number {
	const header = (folder.length + 1) * 8.4;
	const widest = lines.map((line) =>
		line.kind === 'subfolder'
			? line.name.length * MONO_CHAR
			: (line.name.length + 2) * MONO_CHAR + JOBS.filter((job) => job.has(line.source)).length * MARK_STEP + 8,
	);
	return Math.ceil(Math.max(header, ...widest) + 2 * BOX_PADDING);
}

const LAYER_ORDER: Layer[] = ['node', 'client', 'shared', 'credentials'];

function compareFolders(a: string, b: string): number {
	const byLayer = LAYER_ORDER.indexOf(layerOf(a)) - LAYER_ORDER.indexOf(layerOf(b));
	return byLayer !== 0 ? byLayer : a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Two floors: the node folders on top, the client, nodes/shared and the credentials below. A floor too wide for the
 * picture wraps onto a second row. The lower floor is ordered under its importers, so few arrows cross.
 */
function layout(sources: Source[], edges: FolderEdge[], top: number): Box[][] {
	const folders = [...new Set(sources.map((source) => source.folder))].sort(compareFolders);
	const makeBox = (folder: string): Box => {
		const lines = boxLines(folder, sources);
		return { folder, layer: layerOf(folder), lines, x: 0, y: 0, width: boxWidth(folder, lines), height: boxHeight(lines) };
	};
	const upper = placeFloor(folders.filter((folder) => layerOf(folder) === 'node').map(makeBox), top);
	const upperBottom = upper.length > 0 ? Math.max(...upper.flat().map((box) => box.y + box.height)) + FLOOR_GAP : top;
	const centres = new Map(upper.flat().map((box) => [box.folder, box.x + box.width / 2]));
	const under = (folder: string, seen: string[] = []): number => {
		const from = edges.filter((edge) => edge.to === folder && centres.has(edge.from));
		if (from.length > 0) return from.reduce((sum, edge) => sum + centres.get(edge.from)! * edge.count, 0) / from.reduce((sum, edge) => sum + edge.count, 0);
		// Not imported from above: just after the box of its floor that imports it, else at the end
		const sideways = edges.find((edge) => edge.to === folder && !centres.has(edge.from) && !seen.includes(edge.from));
		return sideways ? under(sideways.from, [...seen, folder]) + 0.5 : Number.MAX_SAFE_INTEGER;
	};
	const lower = folders
		.filter((folder) => layerOf(folder) !== 'node')
		.map((folder) => ({ folder, at: under(folder) }))
		.sort((a, b) => a.at - b.at || compareFolders(a.folder, b.folder))
		.map(({ folder }) => makeBox(folder));
	return [...upper, ...placeFloor(lower, upperBottom)];
}

/** Lays boxes out left to right from `top`, wrapping when the picture is full; the spare width goes into the boxes. */
function placeFloor(boxes: Box[], top: number): Box[][] {
	const rows: Box[][] = [];
	let row: Box[] = [];
	let used = 0;
	for (const box of boxes) {
		if (row.length > 0 && used + BOX_GAP + box.width > WIDTH - 2 * MARGIN) {
			rows.push(row);
			row = [];
			used = 0;
		}
		used += (row.length > 0 ? BOX_GAP : 0) + box.width;
		row.push(box);
	}
	if (row.length > 0) rows.push(row);
	let y = top;
	for (const placed of rows) {
		const available = WIDTH - 2 * MARGIN - BOX_GAP * (placed.length - 1);
		const extra = Math.max(0, available - placed.reduce((sum, box) => sum + box.width, 0)) / placed.length;
		let x = MARGIN;
		for (const box of placed) {
			box.width = Math.floor(box.width + extra);
			box.x = x;
			box.y = y;
			x += box.width + BOX_GAP;
		}
		y += Math.max(...placed.map((box) => box.height)) + FLOOR_GAP;
	}
	return rows;
}

function renderBox(box: Box): string[] {
	const style = LAYER_STYLE[box.layer];
	const files = box.lines.filter((line) => line.kind === 'file').length;
	const out = [
		`<g>`,
		`<rect x="${n(box.x)}" y="${n(box.y)}" width="${n(box.width)}" height="${n(box.height)}" rx="8" fill="${style.fill}" stroke="${style.stroke}" stroke-width="1.5"/>`,
		`<rect x="${n(box.x)}" y="${n(box.y)}" width="${n(box.width)}" height="5" rx="2" fill="${style.stroke}"/>`,
		`<text x="${n(box.x + BOX_PADDING)}" y="${n(box.y + 24)}" font-family="${SANS}" font-size="14" font-weight="600" fill="${style.ink}">${escapeXml(box.folder)}/</text>`,
		`<text x="${n(box.x + BOX_PADDING)}" y="${n(box.y + 39)}" font-family="${SANS}" font-size="11" fill="#5b6472">${escapeXml(style.title)} · ${files} file${files === 1 ? '' : 's'}</text>`,
	];
	let y = box.y + HEADER_HEIGHT;
	for (const line of box.lines) {
		if (line.kind === 'subfolder') {
			out.push(`<text x="${n(box.x + BOX_PADDING)}" y="${n(y + 14)}" font-family="${MONO}" font-size="11.5" font-weight="600" fill="${style.ink}">${escapeXml(line.name)}</text>`);
			y += SUBFOLDER_HEIGHT;
			continue;
		}
		const indent = line.name === posix.basename(line.source.path) && line.source.path.slice(box.folder.length + 1).includes('/') ? 14 : 0;
		out.push(`<text x="${n(box.x + BOX_PADDING + indent)}" y="${n(y + 12)}" font-family="${MONO}" font-size="11.5" fill="#1f2933">${escapeXml(line.name)}</text>`);
		const marks = JOBS.filter((job) => job.has(line.source));
		marks.forEach((job, i) => {
			const cx = box.x + box.width - BOX_PADDING - 6 - (marks.length - 1 - i) * MARK_STEP;
			out.push(
				`<circle cx="${n(cx)}" cy="${n(y + 8)}" r="6" fill="${job.colour}"/>`,
				`<text x="${n(cx)}" y="${n(y + 11)}" text-anchor="middle" font-family="${SANS}" font-size="8.5" font-weight="700" fill="#ffffff">${job.key}</text>`,
			);
		});
		y += LINE_HEIGHT;
	}
	out.push(`</g>`);
	return out;
}

interface Anchor {
	x: number;
	y: number;
}

/** Spreads the ends of a box's arrows along one side, in the order of the boxes at their other ends. */
function spread(box: Box, count: number, index: number): number {
	const usable = Math.min(box.width - 40, count * 60);
	return box.x + box.width / 2 - usable / 2 + (count === 1 ? usable / 2 : (usable * index) / (count - 1));
}

/** How far below its row an arrow between two boxes of one row dips. */
const SIDEWAYS_DIP = 34;

/** Arrows go under the boxes, their numbers over them, so no box hides a number. */
function renderEdges(rows: Box[][], edges: FolderEdge[]): { lines: string[]; labels: string[]; below: number } {
	const boxes = new Map(rows.flat().map((box) => [box.folder, box]));
	const rowOf = new Map(rows.flatMap((row, i) => row.map((box) => [box.folder, i] as const)));
	const rowBottom = rows.map((row) => Math.max(...row.map((box) => box.y + box.height)));
	const centre = (folder: string) => boxes.get(folder)!.x + boxes.get(folder)!.width / 2;
	const byCentre = (a: string, b: string) => centre(a) - centre(b) || (a < b ? -1 : 1);
	const kind = (edge: FolderEdge) => {
		const [from, to] = [rowOf.get(edge.from)!, rowOf.get(edge.to)!];
		return to > from ? 'down' : to === from ? 'sideways' : 'up';
	};
	// Each box's arrows leave and arrive spread along one side, ordered by the box at the other end
	const starts = new Map<FolderEdge, Anchor>();
	const ends = new Map<FolderEdge, Anchor>();
	for (const box of boxes.values()) {
		const bottomSide = [
			...edges.filter((edge) => edge.from === box.folder && kind(edge) !== 'up').map((edge) => ({ edge, end: 'start' as const, other: edge.to })),
			...edges.filter((edge) => edge.to === box.folder && kind(edge) !== 'down').map((edge) => ({ edge, end: 'end' as const, other: edge.from })),
		].sort((a, b) => byCentre(a.other, b.other) || (a.end < b.end ? -1 : 1));
		bottomSide.forEach(({ edge, end }, i) => (end === 'start' ? starts : ends).set(edge, { x: spread(box, bottomSide.length, i), y: box.y + box.height }));
		const topSide = [
			...edges.filter((edge) => edge.to === box.folder && kind(edge) === 'down').map((edge) => ({ edge, end: 'end' as const, other: edge.from })),
			...edges.filter((edge) => edge.from === box.folder && kind(edge) === 'up').map((edge) => ({ edge, end: 'start' as const, other: edge.to })),
		].sort((a, b) => byCentre(a.other, b.other) || (a.end < b.end ? -1 : 1));
		topSide.forEach(({ edge, end }, i) => (end === 'start' ? starts : ends).set(edge, { x: spread(box, topSide.length, i), y: box.y }));
	}
	const lines: string[] = [];
	const labels: string[] = [];
	let below = 0;
	for (const edge of edges) {
		const from = boxes.get(edge.from)!;
		const wrong = againstTheFloors(from.layer, layerOf(edge.to));
		const start = starts.get(edge)!;
		const end = ends.get(edge)!;
		let path: string;
		let label: Anchor;
		if (kind(edge) === 'down') {
			// Straight down below the tallest box of the row, then one curve into the box below
			const bend = rowBottom[rowOf.get(edge.from)!] + 30;
			const arrival = end.y - 6;
			const middle = (bend + arrival) / 2;
			path = `M${n(start.x)} ${n(start.y)} L${n(start.x)} ${n(bend)} C${n(start.x)} ${n(middle)} ${n(end.x)} ${n(middle)} ${n(end.x)} ${n(arrival)}`;
			// On the straight part, where the arrows of one box are still apart: crossing curves never share a number
			label = { x: start.x, y: bend - 14 };
		} else if (kind(edge) === 'sideways') {
			// Between two boxes of one row: a dip under the row, from one bottom side to the other
			const dip = rowBottom[rowOf.get(edge.from)!] + SIDEWAYS_DIP;
			below = Math.max(below, dip + 10);
			path = `M${n(start.x)} ${n(start.y)} C${n(start.x)} ${n(dip)} ${n(end.x)} ${n(dip)} ${n(end.x)} ${n(end.y + 6)}`;
			label = { x: (start.x + end.x) / 2, y: (start.y + end.y) / 8 + (dip * 3) / 4 };
		} else {
			const arrival = end.y + 6;
			path = `M${n(start.x)} ${n(start.y)} C${n(start.x)} ${n(start.y - 60)} ${n(end.x)} ${n(arrival + 60)} ${n(end.x)} ${n(arrival)}`;
			label = { x: (start.x + end.x) / 2, y: (start.y + arrival) / 2 };
		}
		// Against the floors: red and dashed, so it cannot be missed
		const colour = wrong ? '#d62828' : LAYER_STYLE[from.layer].stroke;
		const marker = wrong ? 'arrow-wrong' : `arrow-${from.layer}`;
		lines.push(`<path d="${path}" fill="none" stroke="${colour}" stroke-width="1.6"${wrong ? ' stroke-dasharray="5 4"' : ''} marker-end="url(#${marker})"/>`);
		const text = String(edge.count);
		const pill = 12 + text.length * 7;
		labels.push(
			`<rect x="${n(label.x - pill / 2)}" y="${n(label.y - 9)}" width="${n(pill)}" height="18" rx="9" fill="#ffffff" stroke="${colour}" stroke-width="1.2"/>`,
			`<text x="${n(label.x)}" y="${n(label.y + 4)}" text-anchor="middle" font-family="${SANS}" font-size="11" font-weight="600" fill="${colour}">${text}</text>`,
		);
	}
	return { lines, labels, below };
}

function markers(): string[] {
	const marker = (id: string, colour: string) =>
		`<marker id="${id}" viewBox="0 0 10 10" refX="8" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0 0 L10 5 L0 10 z" fill="${colour}"/></marker>`;
	return [
		'<defs>',
		...LAYER_ORDER.map((layer) => marker(`arrow-${layer}`, LAYER_STYLE[layer].stroke)),
		marker('arrow-wrong', '#d62828'),
		'</defs>',
	];
}

/** The packages the source imports from outside the repository, with how many files import each. */
function outsideLine(sources: Source[]): string {
	const users = new Map<string, Set<string>>();
	for (const source of sources) {
		for (const imported of source.imports.filter((i) => i.external)) {
			if (!users.has(imported.target)) users.set(imported.target, new Set());
			users.get(imported.target)!.add(source.path);
		}
	}
	const parts = [...users.entries()]
		.sort(([a, x], [b, y]) => y.size - x.size || (a < b ? -1 : 1))
		.map(([name, files]) => `${name} (${files.size})`);
	return `From outside the package, files importing each: ${parts.join(', ')}.`;
}

export function renderArchitecture(sources: Source[]): string {
	const edges = folderEdges(sources);
	const rows = layout(sources, edges, 92);
	const edgeDrawing = renderEdges(rows, edges);
	const bottom = Math.max(edgeDrawing.below, ...rows.flat().map((box) => box.y + box.height));
	const legendY = bottom + 34;
	const height = legendY + JOBS.length * 18 + 24;
	const out = [
		`<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${n(height)}" viewBox="0 0 ${WIDTH} ${n(height)}" role="img" aria-labelledby="architecture-title">`,
		`<title id="architecture-title">Layers of the package: which folders of nodes/ and credentials/ import which</title>`,
		...markers(),
		`<rect width="${WIDTH}" height="${n(height)}" fill="#ffffff"/>`,
		`<text x="${MARGIN}" y="38" font-family="${SANS}" font-size="19" font-weight="700" fill="#1f2933">How the package is built</text>`,
		`<text x="${MARGIN}" y="60" font-family="${SANS}" font-size="12" fill="#5b6472">An arrow points from a folder to one it imports; its number counts file-to-file imports. Upper floors import lower ones, never the reverse.</text>`,
		`<text x="${MARGIN}" y="76" font-family="${SANS}" font-size="12" fill="#5b6472">Generated from the import statements by npm run architecture.</text>`,
		...edgeDrawing.lines,
		...rows.flat().flatMap(renderBox),
		...edgeDrawing.labels,
	];
	JOBS.forEach((job, i) => {
		const y = legendY + i * 18;
		out.push(
			`<circle cx="${n(MARGIN + 6)}" cy="${n(y - 4)}" r="6" fill="${job.colour}"/>`,
			`<text x="${n(MARGIN + 6)}" y="${n(y - 1)}" text-anchor="middle" font-family="${SANS}" font-size="8.5" font-weight="700" fill="#ffffff">${job.key}</text>`,
			`<text x="${n(MARGIN + 18)}" y="${n(y)}" font-family="${SANS}" font-size="11.5" fill="#1f2933">${escapeXml(job.legend)}</text>`,
		);
	});
	out.push(
		`<text x="${MARGIN}" y="${n(legendY + JOBS.length * 18 + 8)}" font-family="${SANS}" font-size="11.5" fill="#5b6472">${escapeXml(outsideLine(sources))}</text>`,
		'</svg>',
		'',
	);
	return out.join('\n');
}

if (require.main === module) {
	const svg = renderArchitecture(readSources());
	writeFileSync(join(ROOT, SVG_FILE), svg);
	console.log(`wrote ${SVG_FILE} (${svg.length} bytes)`);
}
