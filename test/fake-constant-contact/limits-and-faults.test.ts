import { StandIn, email, settled, startStandIn } from './helpers';

const listsRequest = (cc: StandIn, token = cc.token) =>
	fetch(`${cc.fake.apiBaseUrl}/contact_lists`, { headers: { authorization: `Bearer ${token}` } });

describe('rate limits on the stand-in', () => {
	let cc: StandIn;
	beforeAll(async () => {
		cc = await startStandIn({ requestsPerSecond: 4, dailyQuota: 6 });
	});
	afterAll(() => cc.fake.stop());
	beforeEach(() => cc.reset());

	it('answers the fifth request within a second with 429 throttled, per application', async () => {
		const answers = await Promise.all(Array.from({ length: 6 }, () => listsRequest(cc)));
		const statuses = answers.map((a) => a.status).sort();
		expect(statuses).toEqual([200, 200, 200, 200, 429, 429]);
		const throttled = answers.find((a) => a.status === 429)!;
		expect(await throttled.json()).toEqual([{ error_key: 'throttled', error_message: 'Too Many Requests' }]);
		cc.fake.control.registerApp({ clientId: 'other-shop', clientSecret: 'x', redirectUris: [] });
		const otherToken = cc.fake.control.issueTokens({ clientId: 'other-shop' }).access_token;
		expect((await listsRequest(cc, otherToken)).status).toBe(200);
	});

	it('lets requests through again once the one-second window has passed', async () => {
		await Promise.all(Array.from({ length: 4 }, () => listsRequest(cc)));
		expect((await listsRequest(cc)).status).toBe(429);
		await new Promise((resolve) => setTimeout(resolve, 1050));
		expect((await listsRequest(cc)).status).toBe(200);
	});

	it('answers quota_exceeded once the daily quota is used, until the quota resets', async () => {
		for (let i = 0; i < 6; i++) {
			if (i === 4) await new Promise((resolve) => setTimeout(resolve, 1010));
			expect((await listsRequest(cc)).status).toBe(200);
		}
		const over = await listsRequest(cc);
		expect(over.status).toBe(429);
		expect(await over.json()).toEqual([{ error_key: 'quota_exceeded', error_message: 'Limit Exceeded' }]);
		cc.fake.control.resetQuota();
		expect((await listsRequest(cc)).status).toBe(200);
	});

	it('resets the daily quota at 00:00 UTC', async () => {
		const unthrottled = await startStandIn({ requestsPerSecond: null, dailyQuota: 2 });
		try {
			await listsRequest(unthrottled);
			await listsRequest(unthrottled);
			expect((await listsRequest(unthrottled)).status).toBe(429);
			const now = Date.now();
			const nextMidnight = Date.UTC(new Date(now).getUTCFullYear(), new Date(now).getUTCMonth(), new Date(now).getUTCDate() + 1);
			unthrottled.fake.control.advanceClock(nextMidnight - now + 1000);
			expect((await listsRequest(unthrottled)).status).toBe(200);
		} finally {
			await unthrottled.fake.stop();
		}
	});

	it('does not rate-limit the OAuth endpoints', async () => {
		await Promise.all(Array.from({ length: 4 }, () => listsRequest(cc)));
		const response = await fetch(`${cc.fake.oauthBaseUrl}/token`, {
			method: 'POST',
			headers: { authorization: `Basic ${Buffer.from('test-client-id:test-client-secret').toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
			body: 'grant_type=refresh_token&refresh_token=unknown',
		});
		expect(response.status).toBe(400);
	});
});

describe('scripted faults on the stand-in', () => {
	let cc: StandIn;
	let listId: string;
	beforeAll(async () => {
		cc = await startStandIn();
	});
	afterAll(() => cc.fake.stop());
	beforeEach(() => {
		cc.reset();
		listId = cc.fake.control.seedList({ name: 'Abandoned carts' }).list_id as string;
	});

	it('answers the next N API requests with 429 throttled, then normally', async () => {
		cc.fake.control.injectFaults([{ kind: 'throttled', count: 2 }]);
		expect((await cc.api('GET', '/contact_lists')).body).toEqual([{ error_key: 'throttled', error_message: 'Too Many Requests' }]);
		expect((await cc.api('GET', '/contacts')).status).toBe(429);
		expect((await cc.api('GET', '/contact_lists')).status).toBe(200);
	});

	it('answers quota_exceeded only on the matching route', async () => {
		cc.fake.control.injectFaults([{ kind: 'quota_exceeded', match: { method: 'POST', path: '/v3/contacts/sign_up_form' } }]);
		expect((await cc.api('GET', '/contact_lists')).status).toBe(200);
		const { status, body } = await cc.api('POST', '/contacts/sign_up_form', { email_address: email(1), list_memberships: [listId] });
		expect(status).toBe(429);
		expect(body[0].error_key).toBe('quota_exceeded');
		expect(cc.fake.control.findContactByEmail(email(1))).toBeUndefined();
	});

	it('answers 500 and 503 with error arrays on routes matched by a regular expression', async () => {
		cc.fake.control.injectFaults([
			{ kind: 'status', status: 500, match: { path: /^\/v3\/contacts/ } },
			{ kind: 'status', status: 503, match: { path: /^\/v3\/contacts/ } },
		]);
		const first = await cc.api('GET', '/contacts');
		const second = await cc.api('GET', '/contacts');
		expect([first.status, second.status]).toEqual([500, 503]);
		expect(second.body[0].error_key).toBe('service_unavailable');
		expect((await cc.api('GET', '/contacts')).status).toBe(200);
	});

	it('answers a sign-up with 409 as Constant Contact does for simultaneous updates of one contact', async () => {
		cc.fake.control.injectFaults([{ kind: 'status', status: 409, match: { path: '/v3/contacts/sign_up_form' } }]);
		const signUp = () => cc.api('POST', '/contacts/sign_up_form', { email_address: email(1), list_memberships: [listId] });
		const conflict = await signUp();
		expect(conflict.status).toBe(409);
		expect(conflict.body[0].error_key).toBe('contacts.api.conflict');
		expect((await signUp()).status).toBe(201);
	});

	it('hangs a request for the given time, so a client with a shorter timeout gives up', async () => {
		cc.fake.control.injectFaults([{ kind: 'hang', ms: 5000 }]);
		const attempt = fetch(`${cc.fake.apiBaseUrl}/contact_lists`, { headers: { authorization: `Bearer ${cc.token}` }, signal: AbortSignal.timeout(150) });
		await expect(attempt).rejects.toThrow();
		expect((await cc.api('GET', '/contact_lists')).status).toBe(200);
	});

	it('answers a hung request normally once the hang is over', async () => {
		cc.fake.control.injectFaults([{ kind: 'hang', ms: 50 }]);
		expect((await cc.api('GET', '/contact_lists')).status).toBe(200);
	});

	it('holds a request until another matching request has been answered, then answers it', async () => {
		cc.fake.control.injectFaults([{ kind: 'hold', ms: 60_000, match: { path: '/v3/contact_lists' } }]);
		const answered: string[] = [];
		const first = cc.api('GET', '/contact_lists').then((r) => answered.push(`first ${r.status}`));
		await new Promise((r) => setTimeout(r, 300));
		// An unrelated request passes; the first is still held
		expect((await cc.api('GET', '/contact_custom_fields')).status).toBe(200);
		expect(answered).toEqual([]);
		await cc.api('GET', '/contact_lists').then((r) => answered.push(`second ${r.status}`));
		await first;
		expect(answered).toEqual(['second 200', 'first 200']);
	});

	it('drops the connection without an answer', async () => {
		cc.fake.control.injectFaults([{ kind: 'drop' }]);
		await expect(cc.api('GET', '/contact_lists')).rejects.toThrow();
		expect((await cc.api('GET', '/contact_lists')).status).toBe(200);
	});

	it('applies a fault to the token endpoint only when it matches that path', async () => {
		const pair = cc.fake.control.issueTokens();
		const refresh = () =>
			fetch(`${cc.fake.oauthBaseUrl}/token`, {
				method: 'POST',
				headers: { authorization: `Basic ${Buffer.from('test-client-id:test-client-secret').toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
				body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: pair.refresh_token! }).toString(),
			});
		cc.fake.control.injectFaults([{ kind: 'status', status: 500 }]);
		expect((await refresh()).status).toBe(200);
		cc.fake.control.clearFaults();
		cc.fake.control.injectFaults([{ kind: 'status', status: 503, match: { path: '/oauth2/default/v1/token' } }]);
		expect((await refresh()).status).toBe(503);
	});

	it('ends the next activity failed, without changing memberships', async () => {
		const id = cc.fake.control.seedContact({ email: email(1) }).contact_id;
		cc.fake.control.injectFaults([{ kind: 'activity_failed' }]);
		const queued = await cc.api('POST', '/activities/add_list_memberships', { source: { contact_ids: [id] }, list_ids: [listId] });
		const done = await settled(cc, queued.body.activity_id);
		expect(done.state).toBe('failed');
		expect(done.activity_errors.length).toBeGreaterThan(0);
		expect((cc.fake.control.findContactByEmail(email(1)) as any).list_memberships).toEqual([]);
	});

	it('ends the next matching activity timed_out', async () => {
		const id = cc.fake.control.seedContact({ email: email(1), listIds: [listId] }).contact_id;
		cc.fake.control.injectFaults([{ kind: 'activity_timed_out', match: { path: '/v3/activities/remove_list_memberships' } }]);
		const done = await settled(cc, (await cc.api('POST', '/activities/remove_list_memberships', { source: { contact_ids: [id] }, list_ids: [listId] })).body.activity_id);
		expect(done.state).toBe('timed_out');
		expect((cc.fake.control.findContactByEmail(email(1)) as any).list_memberships).toEqual([listId]);
	});

	it('makes chosen contacts of the next import fail with per-contact errors', async () => {
		cc.fake.control.injectFaults([{ kind: 'import_contact_errors', emails: [email(2)] }]);
		const done = await settled(cc, (await cc.api('POST', '/activities/contacts_json_import', {
			import_data: [{ email: email(1) }, { email: email(2) }, { email: email(3) }],
			list_ids: [listId],
		})).body.activity_id);
		expect(done.state).toBe('completed');
		expect(done.status).toMatchObject({ person_count: 2, error_count: 1 });
		expect(done.activity_errors).toEqual([expect.stringContaining('import_data[1]')]);
		expect(cc.fake.control.findContactByEmail(email(2))).toBeUndefined();
	});

	it('logs every request with its status, client id and error key', async () => {
		cc.fake.control.injectFaults([{ kind: 'throttled' }]);
		await cc.api('GET', '/contact_lists?limit=1');
		await cc.api('GET', '/contact_lists?limit=1');
		expect(cc.fake.control.requestLog()).toEqual([
			{ method: 'GET', path: '/v3/contact_lists', query: { limit: '1' }, status: 429, at: expect.any(String), clientId: 'test-client-id', errorKey: 'throttled' },
			{ method: 'GET', path: '/v3/contact_lists', query: { limit: '1' }, status: 200, at: expect.any(String), clientId: 'test-client-id' },
		]);
		cc.fake.control.clearRequestLog();
		expect(cc.fake.control.requestLog()).toEqual([]);
	});
});
