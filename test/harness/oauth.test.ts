import { useStandIn } from '../support/standIn';
import { createCredentialStore, createStandInCredential, runWorkflow, searchList } from '.';
import listContactLists from './workflows/list-contact-lists.json';

const CREDENTIAL = 'constantContactOAuth2Api';

describe("the harness's Constant Contact credential, through n8n-core's OAuth2 request path", () => {
	const standIn = useStandIn({
		per: 'test',
		requestsPerSecond: null,
		dailyQuota: null,
		seed: (fakeCc) => void fakeCc.control.seedList({ name: 'Abandoned cart reminders' }),
	});

	it('reads the contact lists with the token the stand-in issued', async () => {
		const credentials = createCredentialStore({ [CREDENTIAL]: createStandInCredential(standIn.fakeCc) });

		const run = await runWorkflow(listContactLists, { credentials });

		expect(run.status).toBe('success');
		expect(run.outputsOf('List Contact Lists')[0].lists).toEqual([
			expect.objectContaining({ name: 'Abandoned cart reminders' }),
		]);
		expect(run.credentialUpdates).toEqual([]);
	});

	it('refreshes an expired access token through the token URL and stores the rotated pair', async () => {
		const connected = createStandInCredential(standIn.fakeCc);
		const credentials = createCredentialStore({ [CREDENTIAL]: connected });
		await runWorkflow(listContactLists, { credentials });
		standIn.fakeCc.control.expireAllAccessTokens();
		standIn.fakeCc.control.clearRequestLog();

		const run = await runWorkflow(listContactLists, { credentials });

		expect(run.status).toBe('success');
		expect(run.outputsOf('List Contact Lists')[0].lists).toHaveLength(1);
		expect(standIn.fakeCc.control.requestLog().map(({ method, path, status }) => `${method} ${path} ${status}`)).toEqual([
			'GET /v3/contact_lists 401',
			'POST /oauth2/default/v1/token 200',
			'GET /v3/contact_lists 200',
		]);
		const before = connected.oauthTokenData as { access_token: string; refresh_token: string };
		const [update] = run.credentialUpdates;
		expect(run.credentialUpdates).toHaveLength(1);
		expect(update.credentialId).toBe('cc-credential-1');
		expect(update.oauthTokenData.access_token).not.toBe(before.access_token);
		expect(update.oauthTokenData.refresh_token).not.toBe(before.refresh_token);
		expect(credentials.storedData(CREDENTIAL)?.oauthTokenData).toEqual(update.oauthTokenData);
	});

	it('refreshes again on a later run with the refresh token the previous refresh stored', async () => {
		const credentials = createCredentialStore({ [CREDENTIAL]: createStandInCredential(standIn.fakeCc) });
		standIn.fakeCc.control.expireAllAccessTokens();
		await runWorkflow(listContactLists, { credentials });
		standIn.fakeCc.control.expireAllAccessTokens();

		const run = await runWorkflow(listContactLists, { credentials });

		expect(run.status).toBe('success');
		expect(run.credentialUpdates).toHaveLength(1);
	});

	it('refreshes once when two runs at the same time find the token expired, as the in-process refresh lock allows', async () => {
		const credentials = createCredentialStore({ [CREDENTIAL]: createStandInCredential(standIn.fakeCc) });
		standIn.fakeCc.control.expireAllAccessTokens();
		standIn.fakeCc.control.clearRequestLog();

		const runs = await Promise.all([
			runWorkflow(listContactLists, { credentials }),
			runWorkflow(listContactLists, { credentials }),
		]);

		expect(runs.map((run) => run.status)).toEqual(['success', 'success']);
		expect(standIn.fakeCc.control.requestLog().filter((entry) => entry.path.endsWith('/token'))).toHaveLength(1);
		expect(credentials.updates).toHaveLength(1);
	});

	it("searches lists as the editor's list picker does, refreshing the token on the way", async () => {
		standIn.fakeCc.control.seedList({ name: 'Newsletter' });
		const credentials = createCredentialStore({ [CREDENTIAL]: createStandInCredential(standIn.fakeCc) });
		standIn.fakeCc.control.expireAllAccessTokens();

		const found = await searchList('harness.listContactLists', 'searchLists', { credentials, filter: 'abandoned' });

		expect(found.results).toEqual([{ name: 'Abandoned cart reminders', value: expect.any(String) }]);
		expect(credentials.updates).toHaveLength(1);
	});

	it('asks for the credential to be reconnected when the refresh token is no longer valid', async () => {
		const connected = createStandInCredential(standIn.fakeCc);
		standIn.fakeCc.control.expireAllAccessTokens();
		await runWorkflow(listContactLists, { credentials: { [CREDENTIAL]: connected } });

		// The same stale credential again: its refresh token was rotated out by the first run.
		const run = await runWorkflow(listContactLists, { credentials: { [CREDENTIAL]: connected } });

		expect(run.status).toBe('error');
		expect(run.error?.message).toContain('needs to be reconnected');
	});

	it('keeps tokens and the client secret out of the run data and what n8n logged, on refresh and on failed refresh', async () => {
		const connected = createStandInCredential(standIn.fakeCc);
		standIn.fakeCc.control.expireAllAccessTokens();
		const refreshed = await runWorkflow(listContactLists, { credentials: { [CREDENTIAL]: connected } });
		standIn.fakeCc.control.expireAllAccessTokens();
		const failed = await runWorkflow(listContactLists, { credentials: { [CREDENTIAL]: connected } });

		const tokens = connected.oauthTokenData as { access_token: string; refresh_token: string };
		const rotated = refreshed.credentialUpdates[0].oauthTokenData;
		const secrets = [
			tokens.access_token,
			tokens.refresh_token,
			String(rotated.access_token),
			String(rotated.refresh_token),
			String(connected.clientSecret),
		];
		const seen = JSON.stringify([refreshed.logs, refreshed.run, failed.logs, failed.run, failed.error]);
		expect(failed.status).toBe('error');
		expect(secrets.filter((secret) => seen.includes(secret))).toEqual([]);
	});
});
