/**
 * The one readiness wait of the e2e suite and the demo: "what the next step needs is ready", not "the server
 * listens". n8n starts listening before it has activated its published workflows (2.x activates them in the
 * background after start-up; 1.x right after the server starts), so a request sent as soon as the REST API
 * answers can meet `404 The requested webhook "POST cart-events" is not registered`.
 *
 *   await waitUntilReady(n8n, { webhooks: ['cart-events'], workflows: ['cartEventsHook01'] }, { rest });
 *
 * Each need is checked the way that cannot have side effects (see test/e2e/README.md, "Readiness"):
 * - always: the REST API answers (`GET /rest/settings` -> 200 JSON);
 * - `webhooks`: a CORS preflight `OPTIONS /webhook/<path>` with an Origin header. n8n answers it from the same
 *   table the POST is looked up in (`Access-Control-Allow-Methods` lists the registered methods) and never runs
 *   the workflow for an OPTIONS request (both 2.41.1 and 1.123.81);
 * - `workflows`: every trigger of the workflow is live in this process (schedules included). n8n 2.x:
 *   `GET /rest/workflows/<id>/publication-status` says `published` with every trigger `activated` (needs a
 *   logged-in session; the owner's is made when none is given); where that endpoint does not exist (1.x, or 2.x
 *   without the publication service): `GET /rest/active-workflows` lists it once this process has logged
 *   "Editor is now accessible" (written after its start-up activations);
 * - `workers`: a queue worker's `/healthz/readiness` answers 200 (2.x marks it ready only after the worker has
 *   joined the queue) and its log says `n8n worker is now ready`.
 * A need that fails for good (activation error, process exited) fails at once with n8n's reason; anything else
 * fails at the deadline with what was still missing.
 */
import type { ChildProcess } from 'node:child_process';

import { delay, logMessages, type N8nInstance } from './n8n';
import { N8nRest, NO_KEEP_ALIVE } from './rest';

export interface WebhookNeed {
	path: string;
	/** HTTP method of the production webhook; POST when not given. */
	method?: string;
}

/** A queue-mode worker as `N8nInstance.startWorker` starts it. */
export interface QueueWorker {
	name: string;
	process: ChildProcess;
	healthPort: number;
	logFile: string;
}

export interface ReadinessNeeds {
	/** Production webhooks that must be registered: a path (`cart-events`, method POST) or `{ path, method }`. */
	webhooks?: Array<string | WebhookNeed>;
	/** Ids of published/active workflows whose every trigger (schedule, webhook, ...) must be live. */
	workflows?: string[];
	/** Queue-mode workers that must have joined the queue. */
	workers?: QueueWorker[];
}

export interface ReadinessOptions {
	/** Overall deadline; 180 s by default (a start-up on a loaded 2-core machine takes up to about a minute). */
	timeoutMs?: number;
	/** The n8n process being waited for: the wait fails at once when it exits. The running `n8n start` by default. */
	process?: ChildProcess;
	/** A logged-in REST session, for `workflows` on n8n 2.x; when absent the owner logs in. */
	rest?: N8nRest;
	/** Where this process's lines start in n8n.log (for the 1.x start-up line); the last `n8n start`'s by default. */
	logOffset?: number;
	/** Time between checks; 250 ms by default. */
	pollMs?: number;
	/** Called after each round that found something not ready, with what is still missing. */
	onNotReady?: (missing: string[]) => void;
}

export interface ReadinessReport {
	/** Milliseconds from the call to the moment everything was ready. */
	waitedMs: number;
	/** How many checks found something not ready yet (0: everything was ready at the first look). */
	notReadyChecks: number;
	/** What was checked, one phrase each. */
	ready: string[];
}

export const DEFAULT_READINESS_TIMEOUT_MS = 180_000;

/** Thrown when a need can never become ready (n8n reported an activation error, the process exited). */
class NeverReady extends Error {}

type Check = { what: string; ready: () => Promise<boolean> };

/** Waits until n8n serves everything in `needs`; throws with what is missing at the deadline. */
export async function waitUntilReady(n8n: N8nInstance, needs: ReadinessNeeds = {}, options: ReadinessOptions = {}): Promise<ReadinessReport> {
	const started = Date.now();
	const timeoutMs = options.timeoutMs ?? DEFAULT_READINESS_TIMEOUT_MS;
	const deadline = started + timeoutMs;
	const server = options.process ?? n8n.server;
	const checks = checksFor(n8n, needs, options);
	const pending = [...checks];
	let notReadyChecks = 0;
	let lastProblem = '';
	for (;;) {
		if (server && (server.exitCode !== null || server.signalCode !== null)) {
			throw new Error(`n8n exited with ${server.exitCode ?? server.signalCode} while waiting for ${pending.map((c) => c.what).join(', ')}; see ${n8n.logFile}`);
		}
		// In order: the server first, then what depends on it; stop at the first need that is not ready.
		while (pending.length) {
			let ready = false;
			try {
				ready = await withinCheckTime(pending[0].ready());
				lastProblem = '';
			} catch (error) {
				if (error instanceof NeverReady) throw new Error(`${pending[0].what}: ${error.message}`);
				lastProblem = (error as Error).message;
			}
			if (!ready) break;
			pending.shift();
		}
		if (!pending.length) {
			const report = { waitedMs: Date.now() - started, notReadyChecks, ready: checks.map((c) => c.what) };
			n8n.note(`ready after ${report.waitedMs} ms (${notReadyChecks} not-ready checks): ${report.ready.join('; ')}`);
			return report;
		}
		notReadyChecks++;
		options.onNotReady?.(pending.map((c) => c.what));
		if (Date.now() > deadline) {
			throw new Error(
				`n8n at ${n8n.baseUrl} not ready after ${Math.round(timeoutMs / 1000)} s: still waiting for ${pending.map((c) => c.what).join(', ')}` +
					`${lastProblem ? ` (last answer: ${lastProblem})` : ''}; see ${n8n.logFile}`,
			);
		}
		await delay(options.pollMs ?? 250);
	}
}

/** One check may not outlast 15 s (a loaded n8n can accept a connection and answer late): it then counts as not ready. */
async function withinCheckTime(check: Promise<boolean>): Promise<boolean> {
	let timer: NodeJS.Timeout | undefined;
	const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('no answer within 15 s')), 15_000)));
	try {
		return await Promise.race([check, late]);
	} finally {
		clearTimeout(timer);
	}
}

function checksFor(n8n: N8nInstance, needs: ReadinessNeeds, options: ReadinessOptions): Check[] {
	const checks: Check[] = [{ what: 'the REST API answering', ready: () => restAnswers(n8n.baseUrl) }];
	for (const need of needs.webhooks ?? []) {
		const { path, method = 'POST' } = typeof need === 'string' ? { path: need } : need;
		checks.push({ what: `production webhook "${method} ${path}" registered`, ready: () => webhookRegistered(n8n.baseUrl, path, method) });
	}
	let rest = options.rest;
	const session = async () => {
		if (!rest) {
			rest = new N8nRest(n8n);
			await rest.login();
		}
		return rest;
	};
	for (const workflowId of needs.workflows ?? []) {
		checks.push({ what: `every trigger of workflow ${workflowId} live`, ready: () => workflowLive(n8n, session, workflowId, options.logOffset ?? n8n.serverLogOffset) });
	}
	for (const worker of needs.workers ?? []) {
		checks.push({ what: `queue worker ${worker.name} joined`, ready: () => workerJoined(worker) });
	}
	return checks;
}

export async function restAnswers(baseUrl: string): Promise<boolean> {
	try {
		const response = await fetch(`${baseUrl}/rest/settings`, { headers: NO_KEEP_ALIVE });
		await response.arrayBuffer();
		return response.status === 200 && !!response.headers.get('content-type')?.includes('json');
	} catch {
		return false; // not listening yet
	}
}

/**
 * Whether n8n would route a `method` request on /webhook/<path> to a workflow, asked with a CORS preflight: n8n
 * lists the methods registered for the path in `Access-Control-Allow-Methods` and answers 204 without executing.
 */
export async function webhookRegistered(baseUrl: string, path: string, method = 'POST'): Promise<boolean> {
	const response = await fetch(`${baseUrl}/webhook/${path}`, { method: 'OPTIONS', headers: { ...NO_KEEP_ALIVE, origin: baseUrl } });
	await response.arrayBuffer();
	if (response.status === 404) return false;
	if (response.status >= 300) throw new Error(`OPTIONS /webhook/${path} answered ${response.status}`);
	const allowed = (response.headers.get('access-control-allow-methods') ?? '').split(',').map((m) => m.trim().toUpperCase());
	return allowed.includes(method.toUpperCase());
}

async function workflowLive(n8n: N8nInstance, session: () => Promise<N8nRest>, workflowId: string, logOffset: number): Promise<boolean> {
	const rest = await session();
	const response = await rest.request('GET', `/rest/workflows/${encodeURIComponent(workflowId)}/publication-status`);
	const text = await response.text();
	if (response.status === 404 && /not available|Cannot GET/i.test(text)) return activeAfterStartup(n8n, rest, workflowId, logOffset);
	if (response.status !== 200) throw new Error(`publication status of ${workflowId} answered ${response.status}: ${text.slice(0, 200)}`);
	const status = (JSON.parse(text).data ?? {}) as { status?: string; triggers?: Array<{ nodeId: string; status: string; errorMessage?: string | null }> };
	const failed = (status.triggers ?? []).filter((t) => t.status === 'failed');
	if (status.status === 'failed' || status.status === 'partial') {
		throw new NeverReady(`n8n could not activate it (${status.status}): ${failed.map((t) => t.errorMessage).join('; ')}`);
	}
	return status.status === 'published' && (status.triggers ?? []).every((t) => t.status === 'activated');
}

/**
 * n8n 1.x (and 2.x without the publication service): `n8n start` activates the active workflows before it logs
 * "Editor is now accessible", and an activation through the REST API completes within its request (the database
 * flag is reset when it fails). So once that line is in this process's log, a workflow is live when
 * `GET /rest/active-workflows` (active and without an activation error) lists it.
 */
async function activeAfterStartup(n8n: N8nInstance, rest: N8nRest, workflowId: string, logOffset: number): Promise<boolean> {
	if (!logMessages(n8n.n8nLogPath, logOffset).some((m) => m.trim().startsWith('Editor is now accessible'))) return false;
	const active = await rest.json<string[]>('GET', '/rest/active-workflows');
	if (active.includes(workflowId)) return true;
	// n8n retries a failed activation: keep waiting, and name the failure if the deadline comes first.
	const error = await rest.json<unknown>('GET', `/rest/active-workflows/error/${encodeURIComponent(workflowId)}`);
	if (error) throw new Error(`activation error: ${JSON.stringify(error).slice(0, 300)}`);
	return false;
}

async function workerJoined(worker: QueueWorker): Promise<boolean> {
	if (worker.process.exitCode !== null || worker.process.signalCode !== null) throw new NeverReady(`n8n worker ${worker.name} exited with ${worker.process.exitCode}; see ${worker.logFile}`);
	let status = 0;
	try {
		const response = await fetch(`http://127.0.0.1:${worker.healthPort}/healthz/readiness`, { headers: NO_KEEP_ALIVE });
		await response.arrayBuffer();
		status = response.status;
	} catch {
		return false; // not listening yet
	}
	return status === 200 && logMessages(worker.logFile).some((m) => m.includes('n8n worker is now ready'));
}
