import { spawn } from 'node:child_process';
import path from 'node:path';

import { FakeConstantContact, startFakeConstantContact } from './index';

describe('the /__control HTTP routes', () => {
	let fake: FakeConstantContact;
	const control = async (operation: string, body?: unknown) => {
		const response = await fetch(`${fake.baseUrl}/__control/${operation}`, {
			method: body === undefined ? 'GET' : 'POST',
			headers: { 'content-type': 'application/json' },
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		return { status: response.status, body: (await response.json()) as any };
	};
	beforeAll(async () => {
		fake = await startFakeConstantContact({ requestsPerSecond: null, activityProcessingMs: 5 });
	});
	afterAll(() => fake.stop());
	beforeEach(() => fake.control.reset());

	it('seeds a list and a contact, issues tokens and reads the contact back, as a real-n8n test would', async () => {
		const list = (await control('seedList', { name: 'Abandoned carts', automation: true })).body;
		const field = (await control('seedCustomField', { label: 'Cart URL' })).body;
		await control('seedContact', { email: 'jo@shop.test', permission: 'unsubscribed', listIds: [list.list_id], customFields: { 'Cart URL': 'https://shop.test/c/1' } });
		const tokens = (await control('issueTokens', {})).body;
		expect(tokens).toMatchObject({ token_type: 'Bearer', access_token: expect.any(String), refresh_token: expect.any(String) });
		const contact = (await control('findContactByEmail', { email: 'JO@shop.test' })).body;
		expect(contact.email_address.permission_to_send).toBe('unsubscribed');
		expect(contact.list_memberships).toEqual([list.list_id]);
		expect(contact.custom_fields).toEqual([{ custom_field_id: field.custom_field_id, value: 'https://shop.test/c/1' }]);
		const snapshot = (await control('snapshot')).body;
		expect(snapshot.contacts).toHaveLength(1);
		expect(snapshot.lists[0].automation).toEqual({ name: 'Abandoned carts automation' });
	});

	it('injects a fault whose path is a regular expression given as { regex }', async () => {
		const token = fake.control.issueTokens().access_token;
		await control('injectFaults', { faults: [{ kind: 'status', status: 503, match: { path: { regex: '^/v3/contact_' } } }] });
		const first = await fetch(`${fake.apiBaseUrl}/contact_lists`, { headers: { authorization: `Bearer ${token}` } });
		expect(first.status).toBe(503);
		const log = (await control('requestLog')).body;
		expect(log.map((e: any) => e.status)).toEqual([503]);
	});

	it('expires tokens, switches modes and policies, and reports violations, entries and permission changes', async () => {
		const token = fake.control.issueTokens().access_token;
		await control('expireAllAccessTokens', {});
		expect((await fetch(`${fake.apiBaseUrl}/contacts`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(401);
		expect((await control('setRefreshTokenMode', { mode: 'long-lived' })).status).toBe(200);
		expect((await control('setReentryPolicy', { policy: 'once-per-contact' })).status).toBe(200);
		expect((await control('contractViolations')).body).toEqual([]);
		expect((await control('automationEntries')).body).toEqual([]);
		expect((await control('permissionChanges')).body).toEqual([]);
		expect((await control('resetQuota', {})).status).toBe(200);
		expect((await control('clearFaults', {})).status).toBe(200);
	});

	it('seeds a list under a chosen UUID and refuses an id that is not a UUID', async () => {
		const listId = '0f9c8a2e-6a55-4c1b-9a51-3f1f5b7c2d10';
		expect((await control('seedList', { name: 'Carts', listId })).body.list_id).toBe(listId);
		const refused = await control('seedList', { name: 'Other', listId: 'cart-list' });
		expect(refused.status).toBe(400);
		expect(refused.body.error).toContain('UUID');
	});

	it('answers an unknown operation with 400 and the reason', async () => {
		const { status, body } = await control('launchRockets', {});
		expect(status).toBe(400);
		expect(body.error).toContain('launchRockets');
	});

	it('keeps control requests out of the request log', async () => {
		await control('snapshot');
		expect(fake.control.requestLog()).toEqual([]);
	});
});

describe('npm run fake-cc', () => {
	it('starts the stand-in and prints the API and OAuth base URLs', async () => {
		const root = path.resolve(__dirname, '../..');
		const child = spawn(process.execPath, [path.join(root, 'node_modules/tsx/dist/cli.mjs'), 'test/fake-constant-contact/cli.ts', '--port', '0', '--rps', 'unlimited'], { cwd: root });
		try {
			const output = await new Promise<string>((resolve, reject) => {
				let text = '';
				child.stdout.on('data', (chunk: Buffer) => {
					text += chunk.toString();
					if (text.includes('OAuth base URL')) resolve(text);
				});
				child.on('exit', (code) => reject(new Error(`exited ${code}: ${text}`)));
			});
			const apiBase = /API base URL:\s+(\S+)/.exec(output)![1];
			expect(apiBase).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v3$/);
			expect(output).toMatch(/OAuth base URL:\s+http:\/\/127\.0\.0\.1:\d+\/oauth2\/default\/v1/);
			const unauthorised = await fetch(`${apiBase}/contacts`);
			expect(unauthorised.status).toBe(401);
		} finally {
			child.kill('SIGTERM');
		}
	});
});
