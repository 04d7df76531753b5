/**
 * One real n8n instance for one scenario: its own user folder, ports and log, the packed package installed
 * into `<N8N_USER_FOLDER>/.n8n/nodes` as users install it, CLI commands, and server/worker processes that
 * are stopped by the process ids this harness started (each child leads its own process group, so the
 * task runners n8n spawns go with it).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, cpSync, createWriteStream, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

import { CACHE_DIR, run, type N8nInstallation } from './provision';
import { waitUntilReady, type QueueWorker, type ReadinessNeeds, type ReadinessOptions } from './readiness';

export const PACKAGE_NAME = 'n8n-nodes-constant-contact-abandoned-cart';
export const CREDENTIAL_TYPE = 'constantContactOAuth2Api';
export const NODE_TYPES = {
	abandonedCartFilter: `${PACKAGE_NAME}.abandonedCartFilter`,
	addToAutoresponderList: `${PACKAGE_NAME}.addToAutoresponderList`,
} as const;

const ENCRYPTION_KEY = 'e2e-fixed-test-encryption-key-not-a-secret';

export async function freePort(): Promise<number> {
	return new Promise((resolvePort, reject) => {
		const server = createServer();
		server.unref();
		server.on('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const address = server.address();
			const port = typeof address === 'object' && address ? address.port : 0;
			server.close(() => resolvePort(port));
		});
	});
}

export interface CliResult {
	code: number | null;
	stdout: string;
	stderr: string;
	/** Error messages n8n logged (to its log file) while the command ran, when it failed. */
	errors: string[];
	/** Where this command's lines start in n8n's log file. */
	logOffset: number;
}

export interface CredentialEntry {
	id: string;
	name: string;
	type: string;
	data: Record<string, unknown>;
}

/**
 * The longest workflow id both n8n versions keep static data for. n8n 1.x saves a workflow's static data only when
 * `isWorkflowIdValid(id)` holds (n8n/dist/utils.js in 1.123.81: at most 16 characters; 2.41.1 allows 21), and
 * logs nothing otherwise: a longer id makes "n8n Remembers" forget between production runs on 1.x only.
 */
export const MAX_WORKFLOW_ID_LENGTH = 16;

/** Why n8n would not keep this workflow's static data, or null when the id is fine (no id: n8n makes one). */
export function workflowIdProblem(id: string | undefined): string | null {
	if (id === undefined || id.length <= MAX_WORKFLOW_ID_LENGTH) return null;
	return `workflow id "${id}" has ${id.length} characters; n8n 1.x keeps static data only for ids of ${MAX_WORKFLOW_ID_LENGTH} or fewer, so its production runs would forget what they remember`;
}

export interface WorkflowJson {
	id?: string;
	name: string;
	nodes: Array<Record<string, any>>;
	connections: Record<string, unknown>;
	settings?: Record<string, unknown>;
	active?: boolean;
	[key: string]: unknown;
}

let instanceCounter = 0;
const installedNodes = new Map<string, Promise<string>>();

/**
 * Installs the tarball once per process the way users install a community package by hand, into a
 * `.n8n/nodes` folder of its own; every instance then gets a copy of that folder (npm takes seconds per install).
 */
function installedNodesFolder(tarball: string): Promise<string> {
	let installing = installedNodes.get(tarball);
	if (!installing) {
		installing = (async () => {
			const root = join(tarball.replace(/\.tgz$/, ''), `installed-${process.pid}`);
			const nodesDir = join(root, '.n8n', 'nodes');
			rmSync(root, { recursive: true, force: true });
			mkdirSync(nodesDir, { recursive: true });
			// Without a package.json here npm would install into the nearest parent folder that has one.
			writeFileSync(join(nodesDir, 'package.json'), JSON.stringify({ name: 'installed-nodes', private: true }, null, 2));
			// --omit=peer: otherwise npm also installs the peer n8n-workflow (~1,000 packages) and fails.
			await run('npm', ['install', '--omit=peer', '--no-audit', '--no-fund', '--no-package-lock', tarball], {
				cwd: nodesDir,
				logFile: join(root, 'npm-install.log'),
			});
			return nodesDir;
		})();
		installedNodes.set(tarball, installing);
	}
	return installing;
}

export class N8nInstance {
	readonly userFolder: string;
	readonly logFile: string;
	port = 0;
	/** The running `n8n start` process, and where its lines start in n8n.log (the readiness wait reads both). */
	server?: ChildProcess;
	serverLogOffset = 0;
	private baseEnv: Record<string, string> = {};
	private readonly children: ChildProcess[] = [];

	constructor(
		readonly installation: N8nInstallation,
		readonly label: string,
		private readonly extraEnv: Record<string, string> = {},
	) {
		const stamp = `${Date.now().toString(36)}-${process.pid}-${++instanceCounter}`;
		this.userFolder = join(CACHE_DIR, 'e2e-runs', `${label.replace(/[^a-z0-9.-]+/gi, '_')}-${stamp}`);
		this.logFile = join(this.userFolder, 'harness.log');
	}

	get version(): string {
		return this.installation.version;
	}

	get baseUrl(): string {
		return `http://127.0.0.1:${this.port}`;
	}

	/** Creates the user folder, picks free ports and installs the packed package into `.n8n/nodes`. */
	async prepare(tarball: string): Promise<void> {
		mkdirSync(join(this.userFolder, '.n8n', 'nodes'), { recursive: true });
		this.port = await freePort();
		const brokerPort = await freePort();
		this.baseEnv = {
			...this.installation.env,
			N8N_USER_FOLDER: this.userFolder,
			N8N_ENCRYPTION_KEY: ENCRYPTION_KEY,
			N8N_DIAGNOSTICS_ENABLED: 'false',
			N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
			N8N_TEMPLATES_ENABLED: 'false',
			N8N_PERSONALIZATION_ENABLED: 'false',
			N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false',
			N8N_SECURE_COOKIE: 'false',
			N8N_PORT: String(this.port),
			N8N_LISTEN_ADDRESS: '127.0.0.1',
			N8N_HOST: '127.0.0.1',
			WEBHOOK_URL: `http://127.0.0.1:${this.port}/`,
			N8N_EDITOR_BASE_URL: `http://127.0.0.1:${this.port}/`,
			N8N_RUNNERS_BROKER_PORT: String(brokerPort),
			N8N_LOG_LEVEL: 'info',
			// Logs go to a file so `execute --rawOutput` prints only the run's JSON on stdout.
			N8N_LOG_OUTPUT: 'file',
			N8N_LOG_FILE_LOCATION: join(this.userFolder, 'n8n.log'),
			N8N_RESTRICT_FILE_ACCESS_TO: this.userFolder,
			GENERIC_TIMEZONE: 'UTC',
			TZ: 'UTC',
			...this.extraEnv,
		};
		cpSync(await installedNodesFolder(tarball), join(this.userFolder, '.n8n', 'nodes'), { recursive: true });
	}

	/** The process environment for a command, with optional per-process overrides. */
	env(overrides: Record<string, string> = {}): NodeJS.ProcessEnv {
		const env: NodeJS.ProcessEnv = { ...process.env, ...this.baseEnv, ...overrides };
		// Variables of the harness's own npm/tsx invocation must not leak into n8n.
		for (const key of Object.keys(env)) if (key.startsWith('npm_') && key !== 'npm_config_nodedir') delete env[key];
		return env;
	}

	note(message: string): void {
		appendFileSync(this.logFile, `[${new Date().toISOString()}] ${message}\n`);
	}

	/** Runs `n8n <args>` to completion. Rejects with the output when it exits non-zero (unless allowFailure). */
	cli(args: string[], options: { timeoutMs?: number; allowFailure?: boolean; env?: Record<string, string> } = {}): Promise<CliResult> {
		const timeoutMs = options.timeoutMs ?? 180_000;
		this.note(`$ n8n ${args.join(' ')}`);
		const logOffset = this.n8nLogSize();
		return new Promise((resolveResult, reject) => {
			const child = spawn(this.installation.nodeBinary, [this.installation.n8nScript, ...args], {
				cwd: this.userFolder,
				env: this.env(options.env),
				detached: true,
				stdio: ['ignore', 'pipe', 'pipe'],
			});
			let stdout = '';
			let stderr = '';
			child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
			child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
			const timer = setTimeout(() => {
				this.note(`timeout after ${timeoutMs} ms: n8n ${args.join(' ')}`);
				killGroup(child, 'SIGKILL');
			}, timeoutMs);
			child.on('error', reject);
			child.on('close', (code) => {
				clearTimeout(timer);
				this.note(`exit ${code}\n--- stdout\n${stdout.slice(-4000)}\n--- stderr\n${stderr.slice(-4000)}`);
				const result = { code, stdout, stderr, logOffset, errors: code === 0 ? [] : this.n8nLogErrors(logOffset) };
				if (code === 0 || options.allowFailure) return resolveResult(result);
				reject(new Error(`n8n ${args[0]} exited with ${code}: ${[...result.errors, lastLines(stderr + '\n' + stdout, 8)].join(' | ')}`));
			});
		});
	}

	get n8nLogPath(): string {
		return join(this.userFolder, 'n8n.log');
	}

	private n8nLogSize(): number {
		return existsSync(this.n8nLogPath) ? statSync(this.n8nLogPath).size : 0;
	}


	private runFromLog(offset: number): ExecutionRun | null {
		for (const message of logMessages(this.n8nLogPath, offset).reverse()) {
			if (message.trimStart().startsWith('{') && message.includes('"resultData"')) return parseRunJson(message);
		}
		return null;
	}

	/** Distinct error messages n8n logged since `offset` (its log is JSON lines). */
	n8nLogErrors(offset = 0): string[] {
		if (!existsSync(this.n8nLogPath)) return [];
		const text = readFileSync(this.n8nLogPath).subarray(offset).toString();
		const messages = new Set<string>();
		for (const line of text.split('\n')) {
			if (!line.includes('"level":"error"')) continue;
			try {
				const message = String(JSON.parse(line).message).trim().split('\n')[0];
				if (message && !/^Error executing workflow|^Execution error/.test(message)) messages.add(message.slice(0, 300));
			} catch {
				messages.add(line.slice(0, 300));
			}
		}
		return [...messages].slice(0, 6);
	}

	async importCredentials(credentials: CredentialEntry[]): Promise<void> {
		const file = join(this.userFolder, `credentials-${Date.now()}.json`);
		writeFileSync(file, JSON.stringify(credentials, null, 2));
		await this.cli(['import:credentials', `--input=${file}`]);
	}

	async importWorkflow(workflow: WorkflowJson): Promise<void> {
		const problem = workflowIdProblem(workflow.id);
		if (problem) throw new Error(problem);
		const file = join(this.userFolder, `workflow-${workflow.id ?? Date.now()}.json`);
		writeFileSync(file, JSON.stringify(workflow, null, 2));
		await this.cli(['import:workflow', `--input=${file}`]);
	}

	/** The workflow's static data as n8n stores it (`n8n export:workflow`), or null when it has none. */
	async exportedStaticData(workflowId: string): Promise<unknown> {
		const file = join(this.userFolder, `export-${workflowId}-${Date.now()}.json`);
		await this.cli(['export:workflow', `--id=${workflowId}`, `--output=${file}`]);
		const exported = JSON.parse(readFileSync(file, 'utf8')) as Array<{ staticData?: unknown }> | { staticData?: unknown };
		return (Array.isArray(exported) ? exported[0] : exported)?.staticData ?? null;
	}

	/** Runs a saved workflow with `n8n execute`; returns the run data, or throws with n8n's own error text. */
	async execute(workflowId: string): Promise<ExecutionRun> {
		const result = await this.cli(['execute', `--id=${workflowId}`, '--rawOutput'], { allowFailure: true });
		// n8n prints the run through its logger: on stdout with console logging, in n8n.log with file logging.
		const run = parseRunJson(result.stdout) ?? this.runFromLog(result.logOffset);
		if (result.code !== 0 || !run) {
			const why = result.errors.length ? result.errors.join(' | ') : lastLines(result.stdout + '\n' + result.stderr, 15);
			throw new Error(`n8n execute --id=${workflowId} failed (exit ${result.code}): ${why}`);
		}
		return run;
	}

	/** Makes production triggers of a saved workflow live at the next start: 2.x publishes, 1.x activates. */
	async activateWorkflow(workflowId: string): Promise<void> {
		if (this.installation.major >= 2) await this.cli(['publish:workflow', `--id=${workflowId}`]);
		else await this.cli(['update:workflow', `--id=${workflowId}`, '--active=true']);
	}

	async exportCredentialsDecrypted(): Promise<Array<CredentialEntry & { data: Record<string, any> }>> {
		const file = join(this.userFolder, `credentials-export-${Date.now()}.json`);
		await this.cli(['export:credentials', '--all', '--decrypted', `--output=${file}`]);
		return JSON.parse(readFileSync(file, 'utf8'));
	}

	/** Starts a long-running n8n process (`start`, `worker`, `webhook`) and records its pid. */
	spawnProcess(args: string[], env: Record<string, string> = {}): ChildProcess {
		const out = createWriteStream(join(this.userFolder, `${args[0]}-${this.children.length}.out`));
		const child = spawn(this.installation.nodeBinary, [this.installation.n8nScript, ...args], {
			cwd: this.userFolder,
			env: this.env(env),
			detached: true,
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		child.stdout!.pipe(out);
		child.stderr!.pipe(out);
		this.children.push(child);
		this.note(`started n8n ${args.join(' ')} as pid ${child.pid}`);
		return child;
	}

	/**
	 * `n8n start`, resolved once the REST API answers and everything in `needs` is ready (readiness.ts): pass the
	 * webhooks and workflows the next step uses. Needs that want a logged-in session (`workflows` on 2.x) can be
	 * waited for afterwards with `waitUntilReady(n8n, needs, { rest })` once the owner exists.
	 */
	async start(needs: ReadinessNeeds = {}, options: ReadinessOptions = {}): Promise<ChildProcess> {
		this.serverLogOffset = this.n8nLogSize();
		const child = this.spawnProcess(['start']);
		this.server = child;
		await waitUntilReady(this, needs, { ...options, process: child });
		return child;
	}

	/**
	 * `n8n worker` (queue mode) with its own task-broker and health ports and log file; resolved once it has
	 * joined the queue (readiness.ts).
	 */
	async startWorker(name: string, concurrency = 10, options: ReadinessOptions = {}): Promise<QueueWorker> {
		const [healthPort, brokerPort] = [await freePort(), await freePort()];
		const logFile = join(this.userFolder, `n8n-${name}.log`);
		const child = this.spawnProcess(['worker', `--concurrency=${concurrency}`], {
			N8N_RUNNERS_BROKER_PORT: String(brokerPort),
			QUEUE_HEALTH_CHECK_ACTIVE: 'true',
			QUEUE_HEALTH_CHECK_PORT: String(healthPort),
			N8N_LOG_FILE_LOCATION: logFile,
		});
		const worker: QueueWorker = { name, process: child, healthPort, logFile };
		await waitUntilReady(this, { workers: [worker] }, options);
		return worker;
	}

	/** Stops one process this instance started: SIGTERM to its group, SIGKILL after a grace period. */
	async stopProcess(child: ChildProcess, graceMs = 15_000): Promise<void> {
		if (child.exitCode !== null || child.signalCode !== null) return;
		const exited = new Promise<void>((r) => child.once('exit', () => r()));
		killGroup(child, 'SIGTERM');
		const timedOut = await Promise.race([exited.then(() => false), delay(graceMs).then(() => true)]);
		if (timedOut) {
			killGroup(child, 'SIGKILL');
			await Promise.race([exited, delay(5000)]);
		}
		// Task runners n8n spawned share the group; make sure none outlive their parent.
		killGroup(child, 'SIGKILL');
		this.note(`stopped pid ${child.pid}`);
	}

	async stopAll(): Promise<void> {
		await Promise.all(this.children.map((child) => this.stopProcess(child)));
	}
}

export interface ExecutionRun {
	data: { resultData: { runData: Record<string, Array<NodeRun>>; error?: { message: string }; lastNodeExecuted?: string } };
	status?: string;
	finished?: boolean;
	[key: string]: unknown;
}

export interface NodeRun {
	data?: { main: Array<Array<{ json: Record<string, any> }> | null> };
	error?: { message: string; description?: string };
	executionStatus?: string;
}

/** `--rawOutput` prints the run as JSON; n8n may print other lines around it. */
export function parseRunJson(stdout: string): ExecutionRun | null {
	const start = stdout.indexOf('{');
	const end = stdout.lastIndexOf('}');
	if (start < 0 || end < start) return null;
	try {
		return JSON.parse(stdout.slice(start, end + 1));
	} catch {
		return null;
	}
}

/** The items a node produced on each output in its last run. */
export function nodeOutputs(run: ExecutionRun, nodeName: string): Array<Array<Record<string, any>>> {
	const runs = run.data.resultData.runData[nodeName];
	if (!runs?.length) throw new Error(`node "${nodeName}" did not run; ran: ${Object.keys(run.data.resultData.runData).join(', ')}`);
	const last = runs[runs.length - 1];
	if (last.error) throw new Error(`node "${nodeName}" failed: ${last.error.message}`);
	return (last.data?.main ?? []).map((items) => (items ?? []).map((item) => item.json));
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
	if (!child.pid) return;
	try {
		process.kill(-child.pid, signal);
	} catch {
		/* the group is already gone */
	}
}

/** The messages of an n8n log file (JSON lines, N8N_LOG_OUTPUT=file) from byte `offset` on. */
export function logMessages(file: string, offset = 0): string[] {
	if (!existsSync(file)) return [];
	const messages: string[] = [];
	for (const line of readFileSync(file).subarray(offset).toString().split('\n')) {
		try {
			messages.push(String(JSON.parse(line).message));
		} catch {
			/* not a JSON log line */
		}
	}
	return messages;
}

export function delay(ms: number): Promise<void> {
	return new Promise((r) => setTimeout(r, ms));
}

export function lastLines(text: string, count: number): string {
	return text
		.split('\n')
		.filter((line) => line.trim())
		.slice(-count)
		.join('\n');
}
