/** HTTP plumbing: routing between OAuth, /v3 and /__control, bearer auth, rate limits, faults and the request log. */
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

import { ApiFailure, ConstantContactApi, type ImportErrors } from './api';
import { ConsentAudit } from './consent';
import type { ContractChecker } from './contract';
import { OAuthServer, isOAuthError, splitScope } from './oauth';
import { AccountState, ReentryPolicy } from './state';

export interface Fault {
	match?: { method?: string; path?: string | RegExp };
	count?: number;
	kind:
		| 'throttled'
		| 'quota_exceeded'
		| 'status'
		| 'hang'
		| 'hold'
		| 'drop'
		| 'activity_failed'
		| 'activity_timed_out'
		| 'import_contact_errors'
		| 'import_field_errors';
	status?: number;
	ms?: number;
	/** import_contact_errors / import_field_errors: emails whose row fails; default the first contact of the import. */
	emails?: string[];
	/**
	 * import_field_errors only: custom field names (the part after `cf:`) whose values are not stored; default all. The
	 * contact is still imported and joins the list, and an activity_errors line names the address (free text).
	 */
	fields?: string[];
}

const REQUEST_FAULTS = new Set<Fault['kind']>(['throttled', 'quota_exceeded', 'status', 'hang', 'hold', 'drop']);
const ACTIVITY_FAULTS = new Set<Fault['kind']>(['activity_failed', 'activity_timed_out']);
const IMPORT_FAULTS = new Set<Fault['kind']>(['import_contact_errors', 'import_field_errors']);

export interface RequestLogEntry {
	method: string;
	path: string;
	query: Record<string, string>;
	/** 0 when the connection was dropped by a fault. */
	status: number;
	at: string;
	clientId?: string;
	errorKey?: string;
}

export interface ContractViolation {
	method: string;
	path: string;
	errors: string[];
}

export interface ServerSettings {
	requestsPerSecond: number | null;
	dailyQuota: number | null;
	activityProcessingMs: number;
}

interface Reply {
	status: number;
	body?: unknown;
	headers?: Record<string, string>;
	errorKey?: string;
	clientId?: string;
}

/** Control operations reachable over HTTP; implemented in control.ts. */
export type ControlHandler = (operation: string, method: string, args: unknown) => unknown;

export class FakeServer {
	readonly account: AccountState;
	readonly oauth: OAuthServer;
	readonly api: ConstantContactApi;
	readonly log: RequestLogEntry[] = [];
	readonly violations: ContractViolation[] = [];
	readonly consentAudit = new ConsentAudit();
	private faults: Array<Fault & { remaining: number }> = [];
	/** Requests held by a `hold` fault until another request it matches has been answered. */
	private held: Array<{ fault: Fault; release: () => void }> = [];
	private readonly recentRequests = new Map<string, number[]>();
	private readonly quotaUsed = new Map<string, { day: string; used: number }>();
	private readonly timers = new Set<NodeJS.Timeout>();
	private readonly sockets = new Set<Socket>();
	private readonly httpServer: http.Server;
	/** Milliseconds added to the wall clock, so tests can move past token expiry or UTC midnight. */
	clockOffsetMs = 0;
	controlHandler: ControlHandler = () => undefined;

	constructor(
		readonly settings: ServerSettings,
		private readonly contract: ContractChecker,
		oauthOptions: { refreshTokenMode: 'rotating' | 'long-lived'; accessTokenLifetimeSeconds: number },
		reentryPolicy: ReentryPolicy,
	) {
		this.account = new AccountState(() => new Date(this.now()).toISOString(), reentryPolicy);
		this.account.onPermissionChange = (change) => this.consentAudit.permissionChanged(change, this.account.now());
		this.oauth = new OAuthServer(() => this.now(), oauthOptions.refreshTokenMode, oauthOptions.accessTokenLifetimeSeconds);
		this.api = new ConstantContactApi(this.account, {
			schedule: (id, work) => this.runActivity(id, work),
			importErrorsFor: (emails) => this.importErrorsFor(emails),
		});
		this.httpServer = http.createServer((req, res) => {
			this.onRequest(req, res).catch((error: Error) => {
				if (!res.headersSent) this.send(res, { status: 500, body: [{ error_key: 'server_error', error_message: error.message }] });
			});
		});
		this.httpServer.on('connection', (socket) => {
			this.sockets.add(socket);
			socket.on('close', () => this.sockets.delete(socket));
		});
	}

	now(): number {
		return Date.now() + this.clockOffsetMs;
	}

	listen(port: number): Promise<number> {
		return new Promise((resolve, reject) => {
			this.httpServer.once('error', reject);
			this.httpServer.listen(port, '127.0.0.1', () => resolve((this.httpServer.address() as AddressInfo).port));
		});
	}

	async close(): Promise<void> {
		this.cancelTimers();
		for (const socket of this.sockets) socket.destroy();
		await new Promise<void>((resolve) => this.httpServer.close(() => resolve()));
	}

	cancelTimers(): void {
		for (const timer of this.timers) clearTimeout(timer);
		this.timers.clear();
	}

	injectFaults(faults: Fault[]): void {
		for (const fault of faults) this.faults.push({ ...fault, remaining: fault.count ?? 1 });
	}

	clearFaults(): void {
		this.faults = [];
	}

	resetQuota(): void {
		this.quotaUsed.clear();
		this.recentRequests.clear();
	}

	// ---- request handling --------------------------------------------------------------------------------
	private async onRequest(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
		const url = new URL(req.url ?? '/', 'http://127.0.0.1');
		const method = (req.method ?? 'GET').toUpperCase();
		const raw = await readBody(req);
		if (url.pathname.startsWith('/__control/')) {
			this.send(res, this.control(url, method, raw));
			return;
		}
		const entry: RequestLogEntry = {
			method,
			path: url.pathname,
			query: Object.fromEntries(url.searchParams),
			status: 0,
			at: new Date(this.now()).toISOString(),
		};
		this.log.push(entry);
		const fault = this.takeFault(method, url.pathname, REQUEST_FAULTS);
		if (fault?.kind === 'drop') {
			req.socket.destroy();
			return;
		}
		if (fault?.kind === 'hang') await this.delay(fault.ms ?? 30000);
		if (fault?.kind === 'hold') await this.holdUntilAnotherAnswered(fault);
		let reply: Reply;
		try {
			if (fault && fault.kind !== 'hang' && fault.kind !== 'hold') reply = faultReply(fault);
			else if (url.pathname.startsWith('/oauth2/default/v1/')) reply = this.oauthRoute(url, method, req, raw);
			else if (url.pathname === '/v3' || url.pathname.startsWith('/v3/')) reply = this.apiRoute(url, method, req, raw);
			else reply = apiError(404, 'not_found', `Nothing at ${url.pathname}.`);
		} catch (error) {
			// A stand-in bug, not a scripted fault: answered like Constant Contact's 500 and logged as such.
			reply = apiError(500, 'server_error', `The stand-in failed: ${(error as Error).message}`);
		}
		entry.status = reply.status;
		entry.clientId = reply.clientId ?? this.callerOf(req);
		entry.errorKey = reply.errorKey ?? errorKeyOf(reply.body);
		if (!res.destroyed) this.send(res, reply);
		this.releaseHeldBy(method, url.pathname);
	}

	/**
	 * `hold`: the request waits until another request its fault matches has been answered (at most `ms`, default
	 * 120 s), then is handled. Two clients' requests are thus answered in a known order however slowly the second
	 * one comes, e.g. two processes refreshing with the same refresh token: the second is answered first.
	 */
	private holdUntilAnotherAnswered(fault: Fault): Promise<void> {
		return new Promise<void>((resolve) => {
			const held = { fault, release: () => resolve() };
			this.held.push(held);
			void this.delay(fault.ms ?? 120_000).then(() => {
				this.held = this.held.filter((h) => h !== held);
				resolve();
			});
		});
	}

	private releaseHeldBy(method: string, path: string): void {
		const released = this.held.filter((held) => faultMatches(held.fault, method, path));
		this.held = this.held.filter((held) => !released.includes(held));
		for (const held of released) held.release();
	}

	private send(res: http.ServerResponse, reply: Reply): void {
		const headers: Record<string, string> = { ...(reply.headers ?? {}) };
		let payload = '';
		if (reply.body !== undefined) {
			payload = JSON.stringify(reply.body);
			headers['content-type'] = 'application/json';
		}
		res.writeHead(reply.status, headers);
		res.end(payload);
	}

	/** The application behind a request, for the log: the bearer token's client or the Basic header's id. */
	private callerOf(req: http.IncomingMessage): string | undefined {
		const bearer = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1]?.trim();
		if (bearer) return this.oauth.validateAccessToken(bearer)?.clientId;
		return parseBasic(req.headers.authorization)?.id;
	}

	private oauthRoute(url: URL, method: string, req: http.IncomingMessage, raw: Buffer): Reply {
		const route = url.pathname.slice('/oauth2/default/v1'.length);
		if (route === '/authorize' && method === 'GET') {
			const result = this.oauth.authorize(url.searchParams);
			if (isOAuthError(result)) return { status: result.status, body: result.body, errorKey: result.body.error };
			return { status: 302, headers: { location: result.redirect } };
		}
		if (route === '/token' && method === 'POST') {
			const params = new URLSearchParams(url.searchParams);
			for (const [key, value] of tokenBodyParams(req, raw)) params.set(key, value);
			const basic = parseBasic(req.headers.authorization);
			const result = this.oauth.token(basic, params);
			const clientId = basic?.id ?? params.get('client_id') ?? undefined;
			if (isOAuthError(result)) return { status: result.status, body: result.body, errorKey: result.body.error, clientId };
			return { status: 200, body: result, clientId, headers: { 'cache-control': 'no-store', pragma: 'no-cache' } };
		}
		return { status: 404, body: { error: 'not_found', error_description: `No OAuth endpoint ${method} ${url.pathname}.` } };
	}

	private apiRoute(url: URL, method: string, req: http.IncomingMessage, raw: Buffer): Reply {
		const bearer = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1]?.trim();
		const token = bearer ? this.oauth.validateAccessToken(bearer) : undefined;
		if (!token) {
			return { status: 401, body: { error_key: 'unauthorized', error_message: 'Unauthorized' }, errorKey: 'unauthorized' };
		}
		const clientId = token.clientId;
		const limited = this.checkLimits(clientId);
		if (limited) return { ...limited, clientId };
		const path = url.pathname.slice(3) || '/';
		const needed = path.startsWith('/account') ? ['account_read', 'account_update'] : ['contact_data'];
		const scopes = splitScope(token.scope);
		if (!needed.some((s) => scopes.includes(s))) {
			return { ...apiError(403, 'forbidden', `The access token lacks the scope ${needed.join(' or ')}.`), clientId };
		}
		let body: unknown;
		if (method === 'POST' || method === 'PUT' || method === 'PATCH') {
			const contentType = String(req.headers['content-type'] ?? '');
			if (!/^application\/json\b/i.test(contentType)) {
				return { ...apiError(415, 'unsupported_media_type', 'Content-Type must be application/json.'), clientId };
			}
			try {
				body = JSON.parse(raw.toString('utf8') || 'null');
			} catch {
				return { ...apiError(400, 'contacts.api.validation.error', 'The request body is not valid JSON.'), clientId };
			}
			const errors = this.contract.check(method, path, body);
			if (errors.length > 0) {
				this.violations.push({ method, path: url.pathname, errors });
				return { ...apiError(400, 'contacts.api.validation.error', errors.join('; ')), clientId };
			}
		}
		this.currentRequest = { method, path: url.pathname };
		try {
			const result = this.api.handle({ method, path, query: url.searchParams, body, rawBodyBytes: raw.length });
			if (path === '/contacts/sign_up_form' && result.status < 300) {
				this.consentAudit.signedUp(String((body as { email_address?: unknown }).email_address ?? ''), this.account.now());
			}
			return { status: result.status, body: result.body, clientId };
		} catch (error) {
			if (!(error instanceof ApiFailure)) throw error;
			if (error.rule) this.violations.push({ method, path: url.pathname, errors: [error.message] });
			return { ...apiError(error.status, error.errorKey, error.message), clientId };
		} finally {
			this.currentRequest = undefined;
		}
	}

	/** Daily quota first (it is the harder stop), then the per-application sliding one-second window. */
	private checkLimits(clientId: string): Reply | undefined {
		const { dailyQuota, requestsPerSecond } = this.settings;
		const day = new Date(this.now()).toISOString().slice(0, 10);
		let quota = this.quotaUsed.get(clientId);
		if (!quota || quota.day !== day) {
			quota = { day, used: 0 };
			this.quotaUsed.set(clientId, quota);
		}
		if (dailyQuota !== null && quota.used >= dailyQuota) return apiError(429, 'quota_exceeded', 'Limit Exceeded');
		if (requestsPerSecond !== null) {
			const now = performance.now();
			const recent = (this.recentRequests.get(clientId) ?? []).filter((t) => now - t < 1000);
			this.recentRequests.set(clientId, recent);
			if (recent.length >= requestsPerSecond) return apiError(429, 'throttled', 'Too Many Requests');
			recent.push(now);
		}
		quota.used++;
		return undefined;
	}

	// ---- faults and activities ---------------------------------------------------------------------------
	private currentRequest: { method: string; path: string } | undefined;

	private takeFault(method: string, path: string, kinds: ReadonlySet<Fault['kind']>): Fault | undefined {
		const index = this.faults.findIndex((fault) => kinds.has(fault.kind) && faultMatches(fault, method, path));
		if (index < 0) return undefined;
		const fault = this.faults[index];
		if (--fault.remaining <= 0) this.faults.splice(index, 1);
		return fault;
	}

	/** Activity and import faults apply to the request that creates the activity. */
	private takeActivityFault(kinds: ReadonlySet<Fault['kind']>): Fault | undefined {
		const request = this.currentRequest;
		return request ? this.takeFault(request.method, request.path, kinds) : undefined;
	}

	private importErrorsFor(emails: string[]): ImportErrors {
		const fault = this.takeActivityFault(IMPORT_FAULTS);
		const affected = fault ? (fault.emails ?? emails.slice(0, 1)) : [];
		if (fault?.kind === 'import_field_errors') return { rows: new Set(), fields: new Map(affected.map((email) => [email, fault.fields])) };
		return { rows: new Set(affected), fields: new Map() };
	}

	private runActivity(activityId: string, work: () => void): void {
		const fault = this.takeActivityFault(ACTIVITY_FAULTS);
		const activity = this.account.activities.get(activityId)!;
		const finish = () => {
			if (fault?.kind === 'activity_failed') {
				activity.activity_errors.push('The activity failed to complete.');
				this.account.moveActivity(activity, 'failed');
			} else if (fault?.kind === 'activity_timed_out') {
				activity.activity_errors.push('The activity timed out before completing.');
				this.account.moveActivity(activity, 'timed_out');
			} else {
				try {
					work();
					this.account.moveActivity(activity, 'completed');
				} catch (error) {
					activity.activity_errors.push(`The stand-in failed: ${(error as Error).message}`);
					this.account.moveActivity(activity, 'failed');
				}
			}
		};
		const total = this.settings.activityProcessingMs;
		this.later(Math.floor(total / 2), () => this.account.moveActivity(activity, 'processing'));
		this.later(total, finish);
	}

	private later(ms: number, run: () => void): void {
		const timer = setTimeout(() => {
			this.timers.delete(timer);
			run();
		}, ms);
		timer.unref();
		this.timers.add(timer);
	}

	private delay(ms: number): Promise<void> {
		return new Promise((resolve) => this.later(ms, resolve));
	}

	private control(url: URL, method: string, raw: Buffer): Reply {
		const operation = url.pathname.slice('/__control/'.length);
		let args: unknown = Object.fromEntries(url.searchParams);
		if (raw.length > 0) {
			try {
				args = JSON.parse(raw.toString('utf8'));
			} catch {
				return { status: 400, body: { error: 'The control request body must be JSON.' } };
			}
		}
		try {
			const result = this.controlHandler(operation, method, args);
			return { status: 200, body: result ?? { ok: true } };
		} catch (error) {
			return { status: 400, body: { error: (error as Error).message } };
		}
	}
}

export function apiError(status: number, errorKey: string, message: string): Reply {
	return { status, body: [{ error_key: errorKey, error_message: message }], errorKey };
}

function faultReply(fault: Fault): Reply {
	if (fault.kind === 'throttled') return apiError(429, 'throttled', 'Too Many Requests');
	if (fault.kind === 'quota_exceeded') return apiError(429, 'quota_exceeded', 'Limit Exceeded');
	const status = fault.status ?? 500;
	if (status === 503) return apiError(503, 'service_unavailable', 'The service is temporarily unavailable.');
	if (status === 409) {
		// What sign_up_form answers when simultaneous requests modify the same contact.
		return apiError(409, 'contacts.api.conflict', 'Simultaneous requests are attempting to modify the same contact.');
	}
	if (status === 401) return { status, body: { error_key: 'unauthorized', error_message: 'Unauthorized' }, errorKey: 'unauthorized' };
	return apiError(status, status >= 500 ? 'server_error' : 'error', `Injected fault: status ${status}.`);
}

function faultMatches(fault: Fault, method: string, path: string): boolean {
	const match = fault.match;
	if (!match?.path && !path.startsWith('/v3')) return false; // unscoped faults hit the API, not the token endpoint
	if (match?.method && match.method.toUpperCase() !== method) return false;
	if (match?.path instanceof RegExp) return match.path.test(path);
	return match?.path === undefined || match.path === path;
}

function errorKeyOf(body: unknown): string | undefined {
	const first = Array.isArray(body) ? body[0] : body;
	if (first && typeof first === 'object') {
		const record = first as Record<string, unknown>;
		if (typeof record.error_key === 'string') return record.error_key;
		if (typeof record.error === 'string') return record.error;
	}
	return undefined;
}

function readBody(req: http.IncomingMessage): Promise<Buffer> {
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', () => resolve(Buffer.concat(chunks)));
		req.on('error', reject);
	});
}

function parseBasic(header: string | undefined): { id: string; secret: string } | undefined {
	const encoded = /^Basic\s+(.+)$/i.exec(header ?? '')?.[1];
	if (!encoded) return undefined;
	const decoded = Buffer.from(encoded, 'base64').toString('utf8');
	const colon = decoded.indexOf(':');
	if (colon < 0) return undefined;
	// RFC 6749 §2.3.1: id and secret are form-urlencoded before being joined.
	const unescape = (v: string) => {
		try {
			return decodeURIComponent(v.replace(/\+/g, ' '));
		} catch {
			return v; // a client that did not encode a '%' in its secret
		}
	};
	return { id: unescape(decoded.slice(0, colon)), secret: unescape(decoded.slice(colon + 1)) };
}

/** Token requests arrive form-encoded (n8n, most clients) or occasionally as JSON. */
function tokenBodyParams(req: http.IncomingMessage, raw: Buffer): URLSearchParams {
	const text = raw.toString('utf8');
	if (!text) return new URLSearchParams();
	if (/application\/json/i.test(String(req.headers['content-type'] ?? ''))) {
		try {
			return new URLSearchParams(Object.entries(JSON.parse(text) as Record<string, string>).map(([k, v]) => [k, String(v)]));
		} catch {
			return new URLSearchParams();
		}
	}
	return new URLSearchParams(text);
}
