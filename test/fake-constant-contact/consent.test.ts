import { startFakeConstantContact } from './index';

describe('the consent audit', () => {
	const start = () => startFakeConstantContact({ requestsPerSecond: null });
	const signUp = async (fake: Awaited<ReturnType<typeof start>>, email: string, listId: string) => {
		const token = fake.control.issueTokens().access_token;
		const response = await fetch(`${fake.apiBaseUrl}/contacts/sign_up_form`, {
			method: 'POST',
			headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
			body: JSON.stringify({ email_address: email, list_memberships: [listId] }),
		});
		expect(response.status).toBeLessThan(300);
	};

	it('records a sign_up_form for a shopper declared without consent, keeps it across reset and fails stop()', async () => {
		const fake = await start();
		const list = fake.control.seedList({ name: 'Abandoned carts' });
		fake.control.declareConsent([{ email: 'No.Consent@example.com', explicit: false }, { email: 'yes@example.com', explicit: true }]);
		await signUp(fake, 'yes@example.com', list.list_id as string);
		await signUp(fake, 'no.consent@example.com', list.list_id as string);
		fake.control.reset();
		expect(fake.control.consentViolations()).toEqual([
			expect.objectContaining({ kind: 'sign_up_without_consent', email: 'no.consent@example.com', route: 'sign_up_form' }),
		]);
		await expect(fake.stop()).rejects.toThrow(/1 consent violation\(s\): sign_up_without_consent no.consent@example.com/);
	});

	it('records a permission change away from unsubscribed, over HTTP too, and stops cleanly once cleared', async () => {
		const fake = await start();
		const list = fake.control.seedList({ name: 'Abandoned carts' });
		fake.control.seedContact({ email: 'gone@example.com', permission: 'unsubscribed' });
		await signUp(fake, 'gone@example.com', list.list_id as string);
		const overHttp = await (await fetch(`${fake.baseUrl}/__control/consentViolations`)).json();
		expect(overHttp).toEqual([expect.objectContaining({ kind: 'resubscribed', email: 'gone@example.com', route: 'sign_up_form' })]);
		await fetch(`${fake.baseUrl}/__control/clearConsentViolations`, { method: 'POST' });
		await expect(fake.stop()).resolves.toBeUndefined();
	});

	it('accepts consent declarations over HTTP', async () => {
		const fake = await start();
		const list = fake.control.seedList({ name: 'Abandoned carts' });
		await fetch(`${fake.baseUrl}/__control/declareConsent`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ shoppers: [{ email: 'quiet@example.com', explicit: false }] }),
		});
		await signUp(fake, 'quiet@example.com', list.list_id as string);
		expect(fake.control.consentViolations().map((v) => v.kind)).toEqual(['sign_up_without_consent']);
		fake.control.clearConsentViolations();
		await fake.stop();
	});
});
