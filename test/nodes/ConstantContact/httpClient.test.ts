/** The client's own rules with a scripted `send` and a virtual clock: no waiting, no network. */
import { ConstantContactClient, type Send, type TransportOutcome, type TransportRequest } from '../../../nodes/ConstantContact/httpClient';
import { ConstantContactError, QuotaExceededError } from '../../../nodes/ConstantContact/errors';
import {
	REQUESTS_PER_SECOND,
	SERVER_ERROR_MAX_RETRIES,
	THROTTLED_MAX_RETRIES,
} from '../../../nodes/ConstantContact/limits';

interface Scripted {
	client: ConstantContactClient;
	sent: Array<TransportRequest & { at: number }>;
	clock: { now: number };
}

/** `answers` are used in order; the last one repeats. */
function scriptedClient(answers: TransportOutcome[], startAt = Date.UTC(2026, 10, 25, 21, 30)): Scripted {
	const clock = { now: startAt };
	const sent: Scripted['sent'] = [];
	let next = 0;
	const send: Send = async (request) => {
		sent.push({ ...request, at: clock.now });
		clock.now += 20; // every answer takes 20 ms
		return answers[Math.min(next++, answers.length - 1)];
	};
	const client = new ConstantContactClient({
		send,
		apiBaseUrl: 'https://api.cc.email/v3',
		now: () => clock.now,
		sleep: async (ms) => {
			clock.now += ms;
		},
	});
	return { client, sent, clock };
}

const ok: TransportOutcome = { kind: 'response', status: 200, body: { lists: [] } };
const throttled: TransportOutcome = {
	kind: 'response',
	status: 429,
	body: { error_key: 'throttled', error_message: 'Too Many Requests' },
};

describe('ConstantContactClient', () => {
	it('joins paths, relative next links and absolute URLs with the API base', () => {
		const { client } = scriptedClient([ok]);
		expect(client.resolveUrl('/contacts', { email: 'jo+cart@example.com', include: undefined })).toBe(
			'https://api.cc.email/v3/contacts?email=jo%2Bcart%40example.com',
		);
		expect(client.resolveUrl('/v3/contacts?cursor=abc&limit=500')).toBe('https://api.cc.email/v3/contacts?cursor=abc&limit=500');
		expect(client.resolveUrl('https://elsewhere.test/v3/x')).toBe('https://elsewhere.test/v3/x');
		const local = new ConstantContactClient({ send: async () => ok, apiBaseUrl: 'http://127.0.0.1:4010/v3/' });
		expect(local.resolveUrl('/v3/contact_lists?cursor=x')).toBe('http://127.0.0.1:4010/v3/contact_lists?cursor=x');
		expect(local.resolveUrl('contact_lists')).toBe('http://127.0.0.1:4010/v3/contact_lists');
	});

	it('never starts more than 4 requests in any one-second window', async () => {
		const { client, sent } = scriptedClient([ok]);
		for (let request = 0; request < 25; request++) {
			await client.request({ method: 'GET', path: '/contact_lists', action: 'read' });
		}
		expect(sent).toHaveLength(25);
		for (let index = REQUESTS_PER_SECOND; index < sent.length; index++) {
			expect(sent[index].at - sent[index - REQUESTS_PER_SECOND].at).toBeGreaterThanOrEqual(1000);
		}
	});

	it('waits and retries when Constant Contact answers 429 throttled, then succeeds', async () => {
		const { client, sent } = scriptedClient([throttled, throttled, ok]);
		await expect(client.request({ method: 'GET', path: '/contact_lists', action: 'read the lists' })).resolves.toEqual({ lists: [] });
		expect(sent).toHaveLength(3);
		expect(sent[2].at - sent[0].at).toBeGreaterThanOrEqual(3000);
	});

	it('spreads throttled retries by a random share of a second, so executions sharing the limit do not retry in lockstep', async () => {
		const retryGaps = async (random: () => number) => {
			const clock = { now: 0 };
			const sent: number[] = [];
			const client = new ConstantContactClient({
				send: async () => {
					sent.push(clock.now);
					return sent.length < 3 ? throttled : ok;
				},
				apiBaseUrl: 'https://api.cc.email/v3',
				now: () => clock.now,
				sleep: async (ms) => {
					clock.now += ms;
				},
				random,
			});
			await client.request({ method: 'GET', path: '/contact_lists', action: 'read the lists' });
			return [sent[1] - sent[0], sent[2] - sent[1]];
		};
		expect(await retryGaps(() => 0)).toEqual([1000, 2000]);
		expect(await retryGaps(() => 0.999)).toEqual([1999, 2999]);
	});

	it('takes a smaller share after a 429 throttled (another execution uses the same application) and regains it as requests succeed', async () => {
		const { client, sent } = scriptedClient([throttled, ...Array.from({ length: 60 }, () => ok)]);
		for (let request = 0; request < 50; request++) await client.request({ method: 'GET', path: '/contact_lists', action: 'read' });
		const gaps = sent.slice(1).map((entry, index) => entry.at - sent[index].at);
		// Halved to 2 per second and regaining 0.1 per success: the requests right after the retry are 400-500 ms apart
		// (at its full 4 per second the client starts four at once, 20 ms apart)...
		expect(Math.min(...gaps.slice(1, 5))).toBeGreaterThanOrEqual(400);
		// ...and 40 successes later the client is back at 4 per second (the sliding window alone decides again).
		const lastFour = sent.slice(-5);
		expect(lastFour[4].at - lastFour[0].at).toBeLessThan(1500);
		for (let index = REQUESTS_PER_SECOND; index < sent.length; index++) {
			expect(sent[index].at - sent[index - REQUESTS_PER_SECOND].at).toBeGreaterThanOrEqual(1000);
		}
	});

	it('gives up on throttling after a bounded number of retries with a sentence about the 4 per second limit', async () => {
		const { client, sent } = scriptedClient([throttled]);
		const failure = client.request({ method: 'GET', path: '/contact_lists', action: 'read the lists' });
		await expect(failure).rejects.toThrow(/Could not read the lists: .*more than 4 per second/);
		expect(sent).toHaveLength(THROTTLED_MAX_RETRIES + 1);
	});

	it('stops at once on quota_exceeded and says when the daily limit resets', async () => {
		const { client, sent } = scriptedClient([
			{ kind: 'response', status: 429, body: [{ error_key: 'quota_exceeded', error_message: 'Limit Exceeded' }] },
		]);
		const error = await client.request({ method: 'GET', path: '/contacts', action: 'look up' }).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(QuotaExceededError);
		expect((error as Error).message).toMatch(
			/^Constant Contact's daily limit of 10,000 requests is used up; it resets at 00:00 UTC \(in 2 h 30 min\)/,
		);
		expect(sent).toHaveLength(1);
	});

	it('backs off exponentially on 500 and 503 and on dropped connections, within a bound', async () => {
		const { client, sent } = scriptedClient([
			{ kind: 'response', status: 503, body: undefined },
			{ kind: 'network', code: 'ECONNRESET' },
			{ kind: 'response', status: 500, body: undefined },
			ok,
		]);
		await expect(client.request({ method: 'GET', path: '/contacts', action: 'read' })).resolves.toEqual({ lists: [] });
		const gaps = sent.slice(1).map((request, index) => request.at - sent[index].at);
		expect(gaps[1]).toBeGreaterThan(gaps[0]);
		expect(gaps[2]).toBeGreaterThan(gaps[1]);

		const down = scriptedClient([{ kind: 'network', code: 'TIMEOUT' }]);
		await expect(down.client.request({ method: 'GET', path: '/contacts', action: 'look up the contact' })).rejects.toThrow(
			/Could not look up the contact: Constant Contact did not answer in time/,
		);
		expect(down.sent).toHaveLength(SERVER_ERROR_MAX_RETRIES + 1);
	});

	it('retries a 409 only where a conflict means concurrent updates (sign_up_form)', async () => {
		const conflict: TransportOutcome = {
			kind: 'response',
			status: 409,
			body: [{ error_key: 'contacts.api.conflict', error_message: 'Simultaneous update' }],
		};
		const signUp = scriptedClient([conflict, { kind: 'response', status: 201, body: { contact_id: 'c1', action: 'created' } }]);
		await expect(
			signUp.client.request({ method: 'POST', path: '/contacts/sign_up_form', action: 'sign up', retryConflict: true }),
		).resolves.toEqual({ contact_id: 'c1', action: 'created' });

		const create = scriptedClient([conflict]);
		const error = await create.client.request({ method: 'POST', path: '/contacts', action: 'create' }).catch((e: unknown) => e);
		expect((error as ConstantContactError).status).toBe(409);
		expect(create.sent).toHaveLength(1);
	});

	it('translates error keys into sentences and keeps Constant Contact\'s own words', async () => {
		const { client } = scriptedClient([
			{
				kind: 'response',
				status: 400,
				body: [{ error_key: 'contacts.api.validation.error', error_message: 'email_address.address is invalid' }],
			},
		]);
		const error = (await client.request({ method: 'POST', path: '/contacts', action: 'create the contact jo@x' }).catch((e: unknown) => e)) as ConstantContactError;
		expect(error.message).toBe(
			'Could not create the contact jo@x: Constant Contact rejected the data as invalid: email_address.address is invalid.',
		);
		expect(error.errorKeys).toEqual(['contacts.api.validation.error']);

		const unauthorized = scriptedClient([{ kind: 'response', status: 401, body: { error_key: 'unauthorized', error_message: 'Unauthorized' } }]);
		await expect(unauthorized.client.request({ method: 'GET', path: '/contacts', action: 'read' })).rejects.toThrow(
			/Reconnect the Constant Contact credential/,
		);
	});
});
