/** Constant Contact failures in words a marketer understands. Never carries a token or secret. */
import { REQUESTS_PER_DAY } from './limits';
import type { ApiErrorItem } from './types';

export type FailureKind = 'api' | 'network' | 'quota' | 'throttled' | 'auth' | 'activity';

export class ConstantContactError extends Error {
	constructor(
		message: string,
		readonly kind: FailureKind,
		/** HTTP status, when Constant Contact answered. */
		readonly status?: number,
		/** Constant Contact's error_keys, e.g. contacts.api.validation.error. */
		readonly errorKeys: string[] = [],
		/** Constant Contact's own error_message texts. */
		readonly details: string[] = [],
	) {
		super(message);
		this.name = 'ConstantContactError';
	}
}

/** The daily request budget is spent: retrying is pointless until 00:00 UTC. */
export class QuotaExceededError extends ConstantContactError {
	constructor(readonly resetsAt: Date, now: number) {
		super(quotaMessage(resetsAt.getTime() - now), 'quota', 429, ['quota_exceeded']);
		this.name = 'QuotaExceededError';
	}
}

export function nextUtcMidnight(now: number): Date {
	const date = new Date(now);
	return new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate() + 1));
}

function quotaMessage(msUntilReset: number): string {
	const minutes = Math.max(1, Math.ceil(msUntilReset / 60_000));
	const wait = `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
	return `Constant Contact's daily limit of ${REQUESTS_PER_DAY.toLocaleString('en-US')} requests is used up; it resets at 00:00 UTC (in ${wait}). Items not yet processed were not sent; run the workflow again after the reset.`;
}

/**
 * Add to Autoresponder List's reason for a shopper whose address Constant Contact refused to store; Mark Reminders
 * Sent treats it as final by default, as every later run would be refused the same way.
 */
export const REFUSED_ADDRESS_REASON = 'rejected-email';

const REFUSED_ADDRESS = /\bemail\b[^;]*\b(invalid|not valid|not a valid|malformed|rejected|refused|blocked|not allowed|undeliverable)\b|\b(invalid|malformed)\b[^;]*\bemail\b/i;

/**
 * What Constant Contact said when it refused to store the shopper's address, or undefined for any other problem.
 * Its address validation beyond syntax and length is not documented (reference §9), and it explains a refusal only
 * in free text: a 400 (or an import row error) whose text calls an email address invalid, malformed, refused or
 * blocked. Anything about permission is our request's problem, not the address's.
 */
export function refusedAddress(problem: unknown): string | undefined {
	const texts =
		problem instanceof ConstantContactError
			? problem.status === 400
				? problem.details
				: []
			: typeof problem === 'string'
				? [problem]
				: [];
	return texts.find((text) => REFUSED_ADDRESS.test(text) && !/permission/i.test(text));
}

/** Reads Constant Contact's error body: an array of {error_key, error_message}, or one object for 401. */
export function readApiErrors(body: unknown): ApiErrorItem[] {
	const items = Array.isArray(body) ? body : body && typeof body === 'object' ? [body] : [];
	return items
		.filter((item): item is ApiErrorItem => !!item && typeof (item as ApiErrorItem).error_key === 'string')
		.map((item) => ({
			error_key: item.error_key,
			error_message: typeof item.error_message === 'string' ? item.error_message : undefined,
		}));
}

const SENTENCE_BY_STATUS: Record<number, string> = {
	400: 'Constant Contact rejected the data as invalid',
	401: 'Constant Contact did not accept the connection, even after refreshing it. Reconnect the Constant Contact credential',
	403: 'the connected Constant Contact user or app is not allowed to do this (the app needs the contact_data scope, the user must be an Account Owner or Manager, and the app must be active)',
	404: 'Constant Contact could not find it (it may have been deleted)',
	409: 'Constant Contact reports a conflict with existing data',
	415: 'Constant Contact did not understand the request format (this is a bug in the node; please report it)',
};

/** The sentence for a failed answer from Constant Contact; `action` says what we were trying to do. */
export function translateApiError(action: string, status: number, body: unknown, attempts = 1): ConstantContactError {
	const errors = readApiErrors(body);
	const keys = errors.map((error) => error.error_key);
	const details = errors.map((error) => error.error_message).filter((text): text is string => !!text);
	const said = details.length ? `: ${details.join('; ')}` : '';
	let sentence: string;
	let kind: FailureKind = 'api';
	if (status === 401 || keys.includes('unauthorized')) {
		sentence = SENTENCE_BY_STATUS[401];
		kind = 'auth';
	} else if (status === 429) {
		sentence = keys.includes('throttled')
			? `Constant Contact kept refusing requests because this Constant Contact app sent more than 4 per second (other workflows or apps may share it); gave up after ${attempts} attempts. Try again in a minute`
			: keys.length === 0
				? // n8n 1.x passes on no body, so throttling and the daily quota look alike
					`Constant Contact kept answering "too many requests" (HTTP 429); gave up after ${attempts} attempts. Either the daily limit of ${REQUESTS_PER_DAY.toLocaleString('en-US')} requests is used up (it resets at 00:00 UTC) or other workflows or apps share this app's 4 requests per second. Try again later`
				: `Constant Contact is not accepting more work right now (for example more than 1,000 bulk activities are queued); gave up after ${attempts} attempts. Try again later`;
		kind = 'throttled';
	} else if (status >= 500) {
		sentence = `Constant Contact had a problem on its side (HTTP ${status}) and still failed after ${attempts} attempts. Try again later`;
	} else if (keys.some((key) => key.endsWith('not_found')) || status === 404) {
		sentence = SENTENCE_BY_STATUS[404];
	} else {
		sentence = SENTENCE_BY_STATUS[status] ?? `Constant Contact answered with HTTP ${status}`;
	}
	return new ConstantContactError(`Could not ${action}: ${sentence}${said}.`.replace(/\.\.$/, '.'), kind, status, keys, details);
}

export function networkError(action: string, code: string, attempts: number): ConstantContactError {
	const what =
		code === 'TIMEOUT'
			? 'Constant Contact did not answer in time'
			: `the connection to Constant Contact failed (${code})`;
	return new ConstantContactError(
		`Could not ${action}: ${what}, still after ${attempts} attempts. Check the network and try again later.`,
		'network',
	);
}

export type Attempt<T> = { ok: true; value: T } | { ok: false; error: ConstantContactError };

/** The call's value or its error, so callers can branch on a status (409, 404) without rethrowing from a catch. */
export async function attempt<T>(call: Promise<T>): Promise<Attempt<T>> {
	return await call.then(
		(value): Attempt<T> => ({ ok: true, value }),
		(error: ConstantContactError): Attempt<T> => ({ ok: false, error }),
	);
}
