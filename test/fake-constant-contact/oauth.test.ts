import { startFakeConstantContact, FakeConstantContact } from './index';

const REDIRECT = 'http://127.0.0.1:5678/rest/oauth2-credential/callback';
const basic = (id = 'test-client-id', secret = 'test-client-secret') =>
	`Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

async function authorize(fake: FakeConstantContact, params: Record<string, string>): Promise<URL> {
	const query = new URLSearchParams({
		client_id: 'test-client-id',
		redirect_uri: REDIRECT,
		response_type: 'code',
		scope: 'contact_data offline_access',
		state: 'xyz',
		...params,
	});
	const response = await fetch(`${fake.oauthBaseUrl}/authorize?${query}`, { redirect: 'manual' });
	expect(response.status).toBe(302);
	return new URL(response.headers.get('location')!);
}

async function token(fake: FakeConstantContact, params: Record<string, string>, auth = basic()) {
	const response = await fetch(`${fake.oauthBaseUrl}/token`, {
		method: 'POST',
		headers: { authorization: auth, 'content-type': 'application/x-www-form-urlencoded' },
		body: new URLSearchParams(params).toString(),
	});
	return { status: response.status, body: (await response.json()) as any };
}

async function exchange(fake: FakeConstantContact, scope = 'contact_data offline_access') {
	const code = (await authorize(fake, { scope })).searchParams.get('code')!;
	return token(fake, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT });
}

const listsWith = (fake: FakeConstantContact, accessToken: string) =>
	fetch(`${fake.apiBaseUrl}/contact_lists`, { headers: { authorization: `Bearer ${accessToken}` } });

describe('OAuth2 against the stand-in', () => {
	let fake: FakeConstantContact;
	beforeAll(async () => {
		fake = await startFakeConstantContact({ requestsPerSecond: null });
	});
	afterAll(() => fake.stop());
	beforeEach(() => fake.control.reset());

	it('redirects an authorization request back with a code and the caller state', async () => {
		const location = await authorize(fake, {});
		expect(`${location.origin}${location.pathname}`).toBe(REDIRECT);
		expect(location.searchParams.get('code')).toBeTruthy();
		expect(location.searchParams.get('state')).toBe('xyz');
	});

	it('refuses an unknown client id or a redirect URI that is not registered', async () => {
		const unknown = await fetch(`${fake.oauthBaseUrl}/authorize?client_id=nope&redirect_uri=${encodeURIComponent(REDIRECT)}&response_type=code&scope=contact_data`, { redirect: 'manual' });
		expect(unknown.status).toBe(400);
		expect(((await unknown.json()) as any).error).toBe('invalid_client');
		const remote = await fetch(`${fake.oauthBaseUrl}/authorize?client_id=test-client-id&redirect_uri=${encodeURIComponent('https://evil.example/cb')}&response_type=code&scope=contact_data`, { redirect: 'manual' });
		expect(remote.status).toBe(400);
	});

	it('sends response_type and scope errors back to the redirect URI', async () => {
		expect((await authorize(fake, { response_type: 'token' })).searchParams.get('error')).toBe('unsupported_response_type');
		expect((await authorize(fake, { scope: 'contact_data nonsense' })).searchParams.get('error')).toBe('invalid_scope');
	});

	it('exchanges a code for a bearer token pair that opens the API', async () => {
		const { status, body } = await exchange(fake);
		expect(status).toBe(200);
		expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 86400, scope: 'contact_data offline_access' });
		expect(body.refresh_token).toBeTruthy();
		expect((await listsWith(fake, body.access_token)).status).toBe(200);
	});

	it('accepts token parameters in the query string as Constant Contact support shows', async () => {
		const code = (await authorize(fake, {})).searchParams.get('code')!;
		const query = new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT });
		const response = await fetch(`${fake.oauthBaseUrl}/token?${query}`, { method: 'POST', headers: { authorization: basic() } });
		expect(response.status).toBe(200);
	});

	it('accepts client credentials in the form body when there is no Basic header', async () => {
		const code = (await authorize(fake, {})).searchParams.get('code')!;
		const { status } = await token(fake, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT, client_id: 'test-client-id', client_secret: 'test-client-secret' }, '');
		expect(status).toBe(200);
	});

	it('uses each authorization code once', async () => {
		const code = (await authorize(fake, {})).searchParams.get('code')!;
		expect((await token(fake, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT })).status).toBe(200);
		const again = await token(fake, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT });
		expect(again).toEqual({ status: 400, body: { error: 'invalid_grant', error_description: expect.any(String) } });
	});

	it('lets an authorization code expire after five minutes', async () => {
		const code = (await authorize(fake, {})).searchParams.get('code')!;
		fake.control.advanceClock(5 * 60 * 1000 + 1);
		expect((await token(fake, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT })).body.error).toBe('invalid_grant');
	});

	it('rejects a wrong client secret with invalid_client', async () => {
		const code = (await authorize(fake, {})).searchParams.get('code')!;
		const { status, body } = await token(fake, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT }, basic('test-client-id', 'wrong'));
		expect(status).toBe(401);
		expect(body.error).toBe('invalid_client');
	});

	it('gives no refresh token without offline_access', async () => {
		const { body } = await exchange(fake, 'contact_data');
		expect(body.access_token).toBeTruthy();
		expect(body.refresh_token).toBeUndefined();
	});

	it('rotates refresh tokens: each works once and a rotated-out one gets invalid_grant', async () => {
		const first = (await exchange(fake)).body;
		const second = await token(fake, { grant_type: 'refresh_token', refresh_token: first.refresh_token });
		expect(second.status).toBe(200);
		expect(second.body.refresh_token).not.toBe(first.refresh_token);
		const reused = await token(fake, { grant_type: 'refresh_token', refresh_token: first.refresh_token });
		expect(reused).toEqual({ status: 400, body: { error: 'invalid_grant', error_description: 'The refresh token is invalid or expired.' } });
		const third = await token(fake, { grant_type: 'refresh_token', refresh_token: second.body.refresh_token });
		expect(third.status).toBe(200);
		expect((await listsWith(fake, third.body.access_token)).status).toBe(200);
	});

	it('lists every token it issued, rotated-out ones included, so tests can scan logs for them', async () => {
		const first = (await exchange(fake)).body;
		const second = (await token(fake, { grant_type: 'refresh_token', refresh_token: first.refresh_token })).body;
		expect(fake.control.issuedTokens()).toEqual(
			expect.arrayContaining([first.access_token, first.refresh_token, second.access_token, second.refresh_token]),
		);
	});

	it('keeps a long-lived refresh token reusable and returns the same value', async () => {
		fake.control.setRefreshTokenMode('long-lived');
		const first = (await exchange(fake)).body;
		for (let i = 0; i < 3; i++) {
			const again = await token(fake, { grant_type: 'refresh_token', refresh_token: first.refresh_token });
			expect(again.status).toBe(200);
			expect(again.body.refresh_token).toBe(first.refresh_token);
			expect(again.body.access_token).not.toBe(first.access_token);
		}
	});

	it('expires a refresh token that was not used for 180 days', async () => {
		fake.control.setRefreshTokenMode('long-lived');
		const pair = (await exchange(fake)).body;
		fake.control.advanceClock(179 * 24 * 3600 * 1000);
		expect((await token(fake, { grant_type: 'refresh_token', refresh_token: pair.refresh_token })).status).toBe(200);
		fake.control.advanceClock(180 * 24 * 3600 * 1000 + 1);
		expect((await token(fake, { grant_type: 'refresh_token', refresh_token: pair.refresh_token })).body.error).toBe('invalid_grant');
	});

	it('follows the refresh-token mode of a registered app', async () => {
		fake.control.registerApp({ clientId: 'shop-app', clientSecret: 's3cret', redirectUris: ['https://shop.example/cb'], refreshTokenMode: 'long-lived' });
		const pair = fake.control.issueTokens({ clientId: 'shop-app' });
		const refreshed = await token(fake, { grant_type: 'refresh_token', refresh_token: pair.refresh_token! }, basic('shop-app', 's3cret'));
		expect(refreshed.body.refresh_token).toBe(pair.refresh_token);
	});

	it('answers an expired access token with the single-object 401 body, and a refreshed token works again', async () => {
		const pair = (await exchange(fake)).body;
		fake.control.expireAllAccessTokens();
		const denied = await listsWith(fake, pair.access_token);
		expect(denied.status).toBe(401);
		expect(await denied.json()).toEqual({ error_key: 'unauthorized', error_message: 'Unauthorized' });
		const fresh = await token(fake, { grant_type: 'refresh_token', refresh_token: pair.refresh_token });
		expect((await listsWith(fake, fresh.body.access_token)).status).toBe(200);
	});

	it('expires access tokens after their configured lifetime', async () => {
		const short = await startFakeConstantContact({ accessTokenLifetimeSeconds: 60, requestsPerSecond: null });
		try {
			const pair = short.control.issueTokens();
			expect(pair.expires_in).toBe(60);
			expect((await listsWith(short, pair.access_token)).status).toBe(200);
			short.control.advanceClock(61_000);
			expect((await listsWith(short, pair.access_token)).status).toBe(401);
		} finally {
			await short.stop();
		}
	});

	it('exchanges a PKCE code with its verifier and no secret, and refuses a wrong verifier', async () => {
		const { createHash } = await import('node:crypto');
		const verifier = 'a'.repeat(43);
		const challenge = createHash('sha256').update(verifier).digest('base64url');
		const pkce = async (codeVerifier: string) => {
			const code = (await authorize(fake, { code_challenge: challenge, code_challenge_method: 'S256' })).searchParams.get('code')!;
			return token(fake, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT, client_id: 'test-client-id', code_verifier: codeVerifier }, '');
		};
		expect((await pkce(verifier)).status).toBe(200);
		expect((await pkce('b'.repeat(43))).body.error).toBe('invalid_grant');
	});

	it('rejects an unsupported grant type', async () => {
		expect((await token(fake, { grant_type: 'password' })).body.error).toBe('unsupported_grant_type');
	});

	it('answers a request without a bearer token with 401', async () => {
		const response = await fetch(`${fake.apiBaseUrl}/contacts`);
		expect(response.status).toBe(401);
		expect(((await response.json()) as any).error_key).toBe('unauthorized');
	});
});
