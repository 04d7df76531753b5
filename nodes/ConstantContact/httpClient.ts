/**
 * The one request function for Constant Contact: base URL, 4 requests/s throttle, bounded retries and error
 * translation. Transport-agnostic: it is given a `send` (one HTTP request), a `sleep` and a clock.
 */
import { sleep as n8nSleep } from 'n8n-workflow';

import {
	ConstantContactError,
	QuotaExceededError,
	networkError,
	nextUtcMidnight,
	readApiErrors,
	translateApiError,
} from './errors';
import {
	DEFAULT_REQUEST_TIMEOUT_MS,
	REQUESTS_PER_SECOND,
	SERVER_ERROR_FIRST_DELAY_MS,
	SERVER_ERROR_MAX_RETRIES,
	SIGN_UP_FORM_CONFLICT_MAX_RETRIES,
	PACE_REGAINED_PER_SUCCESS,
	THROTTLED_MAX_RETRIES,
	THROTTLED_MIN_PACE,
	THROTTLED_RETRY_DELAY_MS,
	THROTTLED_RETRY_JITTER_MS,
	THROTTLE_WINDOW_MARGIN_MS,
} from './limits';
import type { HttpMethod } from './types';

export interface TransportRequest {
	method: HttpMethod;
	/** Absolute URL including the query string. */
	url: string;
	body?: unknown;
	timeoutMs: number;
}

/** What one HTTP request produced: an answer (any status), or a connection that failed before one arrived. */
export type TransportOutcome =
	| { kind: 'response'; status: number; body: unknown; headers?: Record<string, unknown> }
	| { kind: 'network'; code: string; message?: string }
	| { kind: 'failure'; message: string };

/** Sends one request. Never throws for HTTP statuses or connection failures: it returns them. */
export type Send = (request: TransportRequest) => Promise<TransportOutcome>;

export interface ConstantContactClientOptions {
	send: Send;
	/** e.g. https://api.cc.email/v3 */
	apiBaseUrl: string;
	sleep?: (ms: number) => Promise<void>;
	now?: () => number;
	/** A number in [0, 1); spreads throttled retries. */
	random?: () => number;
	requestsPerSecond?: number;
	timeoutMs?: number;
	/** Extra room in the throttle window against network jitter. */
	throttleMarginMs?: number;
}

export type QueryValue = string | number | boolean | undefined;

export interface RequestOptions {
	method: HttpMethod;
	/** '/contacts', or a `_links.next.href` such as '/v3/contacts?cursor=…', or an absolute URL. */
	path: string;
	query?: Record<string, QueryValue>;
	body?: unknown;
	/** What we are doing, for error messages: "Could not <action>: …". */
	action: string;
	/** sign_up_form answers 409 when two updates of one contact overlap; retrying is then correct. */
	retryConflict?: boolean;
}

const RETRYABLE_STATUSES = new Set([500, 502, 503, 504]);

export class ConstantContactClient {
	private readonly send: Send;
	private readonly sleep: (ms: number) => Promise<void>;
	private readonly now: () => number;
	private readonly random: () => number;
	private readonly origin: string;
	private readonly basePath: string;
	private readonly requestsPerSecond: number;
	private readonly windowMs: number;
	private readonly timeoutMs: number;
	private readonly recentStarts: number[] = [];
	/** Requests per second this client allows itself now: lowered by 429 throttled, regained by successes. */
	private pace: number;
	/** Requests sent to Constant Contact by this client, retries included. */
	requestCount = 0;

	constructor(options: ConstantContactClientOptions) {
		this.send = options.send;
		this.sleep = options.sleep ?? (async (ms) => await n8nSleep(ms));
		this.now = options.now ?? (() => Date.now());
		this.random = options.random ?? Math.random;
		this.requestsPerSecond = options.requestsPerSecond ?? REQUESTS_PER_SECOND;
		this.pace = this.requestsPerSecond;
		this.windowMs = 1000 + (options.throttleMarginMs ?? THROTTLE_WINDOW_MARGIN_MS);
		this.timeoutMs = options.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
		const match = /^(https?:\/\/[^/?#]+)(\/[^?#]*)?$/i.exec(options.apiBaseUrl.trim().replace(/\/+$/, ''));
		if (!match) throw new ConstantContactError(`The API base URL "${options.apiBaseUrl}" is not a valid URL.`, 'api');
		this.origin = match[1];
		this.basePath = match[2] ?? '';
	}

	/** Joins a path, a relative `_links.next.href` or an absolute URL with the API base and the query. */
	resolveUrl(path: string, query?: Record<string, QueryValue>): string {
		let url: string;
		if (/^https?:\/\//i.test(path)) url = path;
		else {
			const relative = path.startsWith('/') ? path : `/${path}`;
			const underBase =
				this.basePath !== '' &&
				(relative === this.basePath || relative.startsWith(`${this.basePath}/`) || relative.startsWith(`${this.basePath}?`));
			url = underBase ? `${this.origin}${relative}` : `${this.origin}${this.basePath}${relative}`;
		}
		const pairs = Object.entries(query ?? {})
			.filter(([, value]) => value !== undefined && value !== '')
			.map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(String(value))}`);
		if (pairs.length === 0) return url;
		return `${url}${url.includes('?') ? '&' : '?'}${pairs.join('&')}`;
	}

	async request<T>(options: RequestOptions): Promise<T> {
		const url = this.resolveUrl(options.path, options.query);
		let attempts = 0;
		let throttledRetries = 0;
		let serverRetries = 0;
		let conflictRetries = 0;
		for (;;) {
			await this.waitForSlot();
			attempts++;
			this.requestCount++;
			const outcome = await this.send({ method: options.method, url, body: options.body, timeoutMs: this.timeoutMs });

			if (outcome.kind === 'failure') {
				throw new ConstantContactError(`Could not ${options.action}: ${outcome.message}`, 'auth');
			}
			if (outcome.kind === 'network') {
				if (serverRetries < SERVER_ERROR_MAX_RETRIES) {
					await this.sleep(SERVER_ERROR_FIRST_DELAY_MS * 2 ** serverRetries++);
					continue;
				}
				throw networkError(options.action, outcome.code, attempts);
			}

			const { status, body } = outcome;
			if (status >= 200 && status < 300) {
				this.pace = Math.min(this.requestsPerSecond, this.pace + PACE_REGAINED_PER_SUCCESS);
				return body as T;
			}

			if (status === 429) {
				if (readApiErrors(body).some((error) => error.error_key === 'quota_exceeded')) {
					throw new QuotaExceededError(nextUtcMidnight(this.now()), this.now());
				}
				// Someone else uses the same application's 4 per second: take a smaller share from now on.
				this.pace = Math.max(THROTTLED_MIN_PACE, this.pace / 2);
				if (throttledRetries < THROTTLED_MAX_RETRIES) {
					const jitter = Math.floor(this.random() * THROTTLED_RETRY_JITTER_MS);
					await this.sleep(THROTTLED_RETRY_DELAY_MS * ++throttledRetries + jitter);
					continue;
				}
			} else if (RETRYABLE_STATUSES.has(status)) {
				if (serverRetries < SERVER_ERROR_MAX_RETRIES) {
					await this.sleep(SERVER_ERROR_FIRST_DELAY_MS * 2 ** serverRetries++);
					continue;
				}
			} else if (status === 409 && options.retryConflict && conflictRetries < SIGN_UP_FORM_CONFLICT_MAX_RETRIES) {
				await this.sleep(SERVER_ERROR_FIRST_DELAY_MS * ++conflictRetries);
				continue;
			}
			throw translateApiError(options.action, status, body, attempts);
		}
	}

	/**
	 * Sliding window: never more than `requestsPerSecond` request starts in any window of one second (+ margin); after
	 * a 429 throttled also at least 1 / pace seconds between two starts.
	 */
	private async waitForSlot(): Promise<void> {
		for (;;) {
			const now = this.now();
			while (this.recentStarts.length > 1 && now - this.recentStarts[0] >= this.windowMs) this.recentStarts.shift();
			const inWindow = this.recentStarts.filter((start) => now - start < this.windowMs);
			const last = this.recentStarts[this.recentStarts.length - 1];
			const paced = this.pace < this.requestsPerSecond && last !== undefined ? last + 1000 / this.pace : now;
			const windowFree = inWindow.length < this.requestsPerSecond ? now : inWindow[0] + this.windowMs;
			const at = Math.max(paced, windowFree);
			if (at <= now) {
				this.recentStarts.push(now);
				return;
			}
			await this.sleep(at - now);
		}
	}
}
