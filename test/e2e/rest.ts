/**
 * n8n's internal REST API as the editor uses it: owner set-up, the auth cookie, the type files the editor
 * loads (what n8n really loaded), credentials, and the OAuth2 "Connect" flow.
 */
import type { N8nInstance } from './n8n';

export const OWNER = {
	email: 'owner@e2e.example.com',
	firstName: 'Erin',
	lastName: 'Owner',
	password: 'E2e-owner-Passw0rd',
};

const BROWSER_ID = 'e2e-harness-browser';

/**
 * Every harness request to n8n opens its own connection. n8n closes a keep-alive connection after 5 s idle; on a
 * starved CPU the harness can send its next request on a connection n8n has just closed, and fetch fails at the
 * socket ("other side closed"), a failure of the harness, not of n8n or the package (test/e2e/STRESS-RESULTS.md).
 */
export const NO_KEEP_ALIVE = { connection: 'close' } as const;

export interface ExecutionSummary {
	id: string;
	workflowId: string;
	mode: string;
	status: string;
	startedAt: string;
	stoppedAt?: string | null;
}

interface ErrorShape {
	message?: string;
	description?: string | null;
	httpCode?: string | null;
}

function describeError(error: ErrorShape): string {
	return [error.message, error.description, error.httpCode ? `HTTP ${error.httpCode}` : ''].filter(Boolean).join(' | ').slice(0, 600);
}

/**
 * n8n stores execution data in the "flatted" format: a JSON array whose first entry is the root, where every
 * string inside an object or array is the index of the entry that holds the value.
 */
export function unflatten(text: string): unknown {
	const entries = JSON.parse(text) as unknown[];
	const revived = new Map<number, unknown>();
	const revive = (index: number): unknown => {
		if (revived.has(index)) return revived.get(index);
		const entry = entries[index];
		if (entry === null || typeof entry !== 'object') return entry;
		const copy: Record<string, unknown> | unknown[] = Array.isArray(entry) ? [] : {};
		revived.set(index, copy);
		for (const [key, value] of Object.entries(entry)) {
			(copy as Record<string, unknown>)[key] = typeof value === 'string' ? revive(Number(value)) : value;
		}
		return copy;
	};
	return revive(0);
}

export class N8nRest {
	private cookie = '';

	constructor(private readonly instance: N8nInstance) {}

	get baseUrl(): string {
		return this.instance.baseUrl;
	}

	/** Sets up the owner account (first start) and keeps its session cookie. */
	async setUpOwner(): Promise<void> {
		const response = await this.request('POST', '/rest/owner/setup', OWNER);
		if (response.status !== 200) throw new Error(`owner set-up answered ${response.status}: ${(await response.text()).slice(0, 300)}`);
		this.keepCookie(response);
		if (!this.cookie) throw new Error('owner set-up returned no n8n-auth cookie');
	}

	async login(): Promise<void> {
		// The login body's field was `email` in 1.x and became `emailOrLdapLoginId` in 2.x; send both.
		const response = await this.request('POST', '/rest/login', { email: OWNER.email, emailOrLdapLoginId: OWNER.email, password: OWNER.password });
		if (response.status !== 200) throw new Error(`login answered ${response.status}: ${(await response.text()).slice(0, 300)}`);
		this.keepCookie(response);
	}

	async request(method: string, path: string, body?: unknown, redirect: RequestRedirect = 'manual'): Promise<Response> {
		const headers: Record<string, string> = { ...NO_KEEP_ALIVE, 'browser-id': BROWSER_ID, accept: 'application/json' };
		if (this.cookie) headers.cookie = this.cookie;
		if (body !== undefined) headers['content-type'] = 'application/json';
		return fetch(`${this.baseUrl}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), redirect }).catch((error: Error) => {
			throw new Error(`${method} ${path} at n8n: ${error.message}`, { cause: error });
		});
	}

	async json<T = any>(method: string, path: string, body?: unknown): Promise<T> {
		const response = await this.request(method, path, body);
		const text = await response.text();
		if (response.status !== 200) throw new Error(`${method} ${path} answered ${response.status}: ${text.slice(0, 300)}`);
		const parsed = JSON.parse(text);
		// /rest endpoints wrap their payload in { data }; the type files do not.
		return path.startsWith('/rest/') && parsed && typeof parsed === 'object' && 'data' in parsed ? parsed.data : parsed;
	}

	/** The node types the editor gets: every loaded node's `name` (package-qualified for community nodes). */
	async loadedNodeTypes(): Promise<string[]> {
		const nodes = await this.json<Array<{ name: string }>>('GET', '/types/nodes.json');
		return nodes.map((n) => n.name);
	}

	async loadedCredentialTypes(): Promise<string[]> {
		const credentials = await this.json<Array<{ name: string }>>('GET', '/types/credentials.json');
		return credentials.map((c) => c.name);
	}

	/** Executions of a workflow, newest first (the list endpoint's shape is the same on 1.x and 2.x). */
	async executions(workflowId: string): Promise<ExecutionSummary[]> {
		const filter = encodeURIComponent(JSON.stringify({ workflowId }));
		const page = await this.json<{ results: ExecutionSummary[] }>('GET', `/rest/executions?filter=${filter}&limit=100`);
		return page.results;
	}

	/**
	 * Why an execution failed, in words: the node that failed and its error message (and description), read from
	 * the execution's stored data. A scenario prints it, so a failure in CI says what went wrong without the kept folder.
	 */
	async failureOf(executionId: string): Promise<string> {
		// json() unwraps n8n's { data } envelope: this is the execution, its own `data` the flatted run
		const execution = await this.json<{ data: string; status?: string }>('GET', `/rest/executions/${executionId}`);
		const run = unflatten(execution.data) as { resultData?: { error?: ErrorShape; lastNodeExecuted?: string; runData?: Record<string, Array<{ error?: ErrorShape }>> } };
		const result = run?.resultData ?? {};
		const failedNodes = Object.entries(result.runData ?? {}).flatMap(([node, runs]) => runs.filter((r) => r.error).map((r) => `${node}: ${describeError(r.error!)}`));
		const parts = [...failedNodes];
		if (result.error && !failedNodes.length) parts.push(`${result.lastNodeExecuted ?? 'workflow'}: ${describeError(result.error)}`);
		return parts.length ? parts.join('; ') : `status ${execution.status ?? 'unknown'}, no error recorded`;
	}

	/** POSTs JSON to a production webhook and returns the parsed answer. */
	async postWebhook(path: string, body: unknown): Promise<{ status: number; body: any }> {
		const response = await fetch(`${this.baseUrl}/webhook/${path}`, {
			method: 'POST',
			headers: { ...NO_KEEP_ALIVE, 'content-type': 'application/json' },
			body: JSON.stringify(body),
		});
		const text = await response.text();
		let parsed: unknown = text;
		try {
			parsed = JSON.parse(text);
		} catch {
			/* plain text answer */
		}
		return { status: response.status, body: parsed };
	}

	private keepCookie(response: Response): void {
		const cookies = response.headers.getSetCookie();
		const auth = cookies.find((c) => c.startsWith('n8n-auth='));
		if (auth) this.cookie = auth.split(';')[0];
	}
}
