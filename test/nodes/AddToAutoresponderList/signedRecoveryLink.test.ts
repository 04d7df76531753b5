/**
 * Options → Signed Recovery Link on Add Contact to List: the contact in Constant Contact ends with the shop's restore
 * address carrying a signed, expiring token of the cart id and the step's UTM parameters, which the shop's Node.js
 * check in docs/recovery-links.md accepts as printed. Mistakes in the settings or the credential fail the items with
 * invalid-parameter before any request, and the secret shows up nowhere.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { IDataObject } from 'n8n-workflow';

import type { FakeConstantContact } from '../../fake-constant-contact';
import { leakedSecrets } from '../../reliability/shop';
import { DAY, shopperCart } from '../../support/carts';
import { addParameters, runNode, useAutoresponderStandIn } from './setup';

const LINK_SECRET = 'cart-link-secret-7d1e0b6a93c54f28a1e9b0c3d2f4a6b8';
const TEMPLATE = 'https://shop.example.com/cart/restore?token={token}';
const DOC = readFileSync(resolve(__dirname, '..', '..', '..', 'docs', 'recovery-links.md'), 'utf8');

const standIn = useAutoresponderStandIn();
let fakeCc: FakeConstantContact;
let listId: string;
beforeEach(() => ({ fakeCc, listId } = standIn));

let folder: string;
beforeAll(() => (folder = mkdtempSync(join(tmpdir(), 'signed-link-'))));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

/** The shop's side: docs/recovery-links.md's Node.js snippet, exactly as printed, run by node on each token. */
function shopVerifies(tokens: string[], secret: string, nowSeconds: number): Array<string | null> {
	const snippet = DOC.match(/```js\n([\s\S]*?)```/)?.[1];
	if (!snippet) throw new Error('docs/recovery-links.md has no Node.js snippet');
	const program = join(folder, 'shop-verify.js');
	const call = `console.log(JSON.stringify(${JSON.stringify(tokens)}.map((t) => verifyCartToken(t, ${JSON.stringify(secret)}, ${nowSeconds}))));\n`;
	writeFileSync(program, `${snippet}\n${call}`);
	return JSON.parse(execFileSync(process.execPath, [program], { encoding: 'utf8' })) as Array<string | null>;
}

/** The node as a user sets it: the item's own URL mapped as before, the signed link on top. */
function withSignedLink(settings: IDataObject = {}, options: IDataObject = {}): IDataObject {
	return addParameters(listId, {
		cartFields: {
			field: [
				{ label: 'ac_cart_id', value: '={{ $json.id }}' },
				{ label: 'ac_recovery_url', value: '={{ $json.recovery_url }}' },
			],
		},
		options: {
			createMissingFields: true,
			signedRecoveryLink: true,
			signedRecoveryLinkSettings: { link: { urlTemplate: TEMPLATE, ...settings } },
			...options,
		},
	});
}

const withSecret = (secret = LINK_SECRET) => ({ moreCredentials: { cartLinkSecretApi: { secret } } });

/** The contact's stored value of a custom field, as Constant Contact has it. */
function storedField(email: string, label: string): string | undefined {
	const labels = new Map(fakeCc.control.snapshot().customFields.map((field) => [field.custom_field_id, field.label]));
	const stored = (fakeCc.control.findContactByEmail(email)?.custom_fields ?? []) as Array<{ custom_field_id: string; value: string }>;
	return stored.find((field) => labels.get(field.custom_field_id) === label)?.value;
}


const nowSeconds = () => Math.floor(Date.now() / 1000);

describe('Signed Recovery Link', () => {
	it('stores a link to the shop whose token the shop\'s Node.js check accepts, with the step\'s UTM parameters, in place of the item\'s own URL', async () => {
		const carts = [
			shopperCart(1, { recovery_url: 'https://shop.example.com/cart/plain/cart-1001', decision: { step: 2, sequence: 0 } }),
			shopperCart(2, { id: 'Bestellung-äöü.42' }),
		];
		const run = await runNode(fakeCc, withSignedLink({}, { allowedLinkHosts: 'shop.example.com' }), carts, withSecret());
		expect(run.json.map((json) => json.status)).toEqual(['created', 'created']);

		const stored = ['shopper1@example.com', 'shopper2@example.com'].map((email) => new URL(storedField(email, 'ac_recovery_url') ?? 'about:blank'));
		expect(stored.map((url) => `${url.origin}${url.pathname}`)).toEqual(['https://shop.example.com/cart/restore', 'https://shop.example.com/cart/restore']);
		expect(stored.map((url) => Object.fromEntries([...url.searchParams].filter(([name]) => name !== 'token')))).toEqual(
			[2, 1].map((step) => ({ utm_source: 'constantcontact', utm_medium: 'email', utm_campaign: 'abandoned-cart', utm_content: `step-${step}` })),
		);
		expect(run.json[0].customFields).toMatchObject({ ac_recovery_url: stored[0].toString() });
		const tokens = stored.map((url) => url.searchParams.get('token') ?? '');
		expect(shopVerifies(tokens, LINK_SECRET, nowSeconds())).toEqual(['cart-1001', 'Bestellung-äöü.42']);
	});

	it('gives links that stop working after Link Valid (Days), and that the shop refuses once altered or under another secret', async () => {
		await runNode(fakeCc, withSignedLink({ validDays: 3, utmCampaign: 'winter-sale' }), [shopperCart(3)], withSecret());
		const url = new URL(storedField('shopper3@example.com', 'ac_recovery_url') ?? 'about:blank');
		expect(url.searchParams.get('utm_campaign')).toBe('winter-sale');
		const token = url.searchParams.get('token') ?? '';
		const [version, , expires, signature] = token.split('.');
		const otherCart = [version, Buffer.from('cart-1004').toString('base64url'), expires, signature].join('.');
		const now = nowSeconds();
		const day = DAY / 1000;
		expect(shopVerifies([token, otherCart], LINK_SECRET, now + 3 * day - 60)).toEqual(['cart-1003', null]);
		expect(shopVerifies([token], LINK_SECRET, now + 3 * day + 60)).toEqual([null]);
		expect(shopVerifies([token], 'another-secret-of-forty-characters-000000', now)).toEqual([null]);
	});

	it('signs each shopper\'s own cart in a bulk import too', async () => {
		const carts = [shopperCart(13), shopperCart(14, { decision: { step: 3, sequence: 0 } })];
		const run = await runNode(fakeCc, withSignedLink({}, { bulkThreshold: 2 }), carts, withSecret());
		expect(run.json.map((json) => json.status)).toEqual(['created', 'created']);
		expect(fakeCc.control.requestLog().some((entry) => entry.path.includes('contacts_json_import'))).toBe(true);
		const stored = ['shopper13@example.com', 'shopper14@example.com'].map((email) => new URL(storedField(email, 'ac_recovery_url') ?? 'about:blank'));
		expect(stored.map((url) => url.searchParams.get('utm_content'))).toEqual(['step-1', 'step-3']);
		expect(shopVerifies(stored.map((url) => url.searchParams.get('token') ?? ''), LINK_SECRET, nowSeconds())).toEqual(['cart-1013', 'cart-1014']);
	});

	it('also writes the signed value alone to Link Parameter Field Label, for a Constant Contact dynamic link', async () => {
		const run = await runNode(fakeCc, withSignedLink({ linkParameterField: 'ac_recovery_token' }), [shopperCart(4)], withSecret());
		const storedToken = storedField('shopper4@example.com', 'ac_recovery_token') ?? '';
		expect(storedToken).toBe(new URL(storedField('shopper4@example.com', 'ac_recovery_url') ?? 'about:blank').searchParams.get('token'));
		expect(run.json[0].customFields).toMatchObject({ ac_recovery_token: storedToken });
		expect(shopVerifies([storedToken], LINK_SECRET, nowSeconds())).toEqual(['cart-1004']);
	});

	it('fails every item with a clear invalid-parameter error, before any request, when no Cart Link Secret credential is selected', async () => {
		const run = await runNode(fakeCc, withSignedLink(), [shopperCart(5), shopperCart(6)], { continueOnFail: true });
		expect(run.json.map((json) => [json.status, json.reason])).toEqual([
			['failed', 'invalid-parameter'],
			['failed', 'invalid-parameter'],
		]);
		expect(String(run.json[0].error)).toMatch(/^"Signed Recovery Link" is on, but no Cart Link Secret credential is selected/);
		expect(run.output.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		expect(fakeCc.control.requestLog()).toEqual([]);
	});

	it('stops without Continue On Fail with that error naming the first item', async () => {
		const error = await runNode(fakeCc, withSignedLink(), [shopperCart(7)]).catch((thrown: unknown) => thrown);
		expect(error).toMatchObject({ name: 'NodeOperationError', context: { itemIndex: 0 } });
		expect(String((error as Error).message)).toContain('no Cart Link Secret credential is selected');
		expect(fakeCc.control.requestLog()).toEqual([]);
	});

	it.each([
		['a host not in Allowed Link Hosts', { urlTemplate: 'https://evil.example.net/r?t={token}' }, { allowedLinkHosts: 'shop.example.com' }, /links to evil\.example\.net; only shop\.example\.com is allowed/],
		['plain http while Allowed Link Hosts is set', { urlTemplate: 'http://shop.example.com/r?t={token}' }, { allowedLinkHosts: 'shop.example.com' }, /without https/],
		['an empty URL Template', { urlTemplate: ' ' }, {}, /its URL Template is empty\. Set it under "Signed Recovery Link Settings"/],
		['a template without {token}', { urlTemplate: 'https://shop.example.com/cart' }, {}, /has no \{token\}/],
		['a link longer than Constant Contact keeps', { urlTemplate: `https://shop.example.com/${'r'.repeat(200)}?t={token}` }, {}, /characters; Constant Contact keeps at most 255/],
	])('fails the item with invalid-parameter before any request for %s', async (_case, settings, options, message) => {
		const run = await runNode(fakeCc, withSignedLink(settings, options), [shopperCart(8)], { ...withSecret(), continueOnFail: true });
		expect(run.json[0]).toMatchObject({ status: 'failed', reason: 'invalid-parameter' });
		expect(String(run.json[0].error)).toMatch(message);
		expect(fakeCc.control.requestLog()).toEqual([]);
		expect(fakeCc.control.findContactByEmail('shopper8@example.com')).toBeUndefined();
	});

	it('fails only the item whose Reminder Step is no whole number, with invalid-step, and signs the others\' links', async () => {
		const carts = [shopperCart(15, { decision: { step: 'second' } }), shopperCart(16, { decision: { step: 2 } })];
		const run = await runNode(fakeCc, withSignedLink({}, { reminderStep: '={{ $json.decision.step }}' }), carts, { ...withSecret(), continueOnFail: true });
		expect(run.json[0]).toMatchObject({ status: 'failed', reason: 'invalid-step' });
		expect(String(run.json[0].error)).toMatch(/reminder step "second" is not a whole number/);
		expect(fakeCc.control.findContactByEmail('shopper15@example.com')).toBeUndefined();
		expect(run.json[1]).toMatchObject({ status: 'created' });
		expect(new URL(storedField('shopper16@example.com', 'ac_recovery_url') ?? 'about:blank').searchParams.get('utm_content')).toBe('step-2');
	});

	it('refuses a secret shorter than 32 characters and names only its length', async () => {
		const weak = 'short-secret-xyz';
		const run = await runNode(fakeCc, withSignedLink(), [shopperCart(9)], { ...withSecret(weak), continueOnFail: true });
		expect(run.json[0]).toMatchObject({ status: 'failed', reason: 'invalid-parameter' });
		expect(String(run.json[0].error)).toMatch(/cart link secret has 16 characters; use at least 32/);
		expect(leakedSecrets(run.workflowRun, [weak])).toBe(0);
	});

	it('never puts the secret in the parameters, outputs, errors or n8n\'s log', async () => {
		const good = await runNode(fakeCc, withSignedLink(), [shopperCart(10), shopperCart(11, { email: 'not an address' })], withSecret());
		expect((good.json[0].customFields as IDataObject).ac_recovery_url).toMatch(/^https:\/\/shop\.example\.com\/cart\/restore\?token=v1\./);
		const failed = await runNode(fakeCc, withSignedLink({ urlTemplate: 'https://shop.example.com/cart' }), [shopperCart(12)], { ...withSecret(), continueOnFail: true });
		for (const run of [good, failed]) {
			expect(leakedSecrets(run.workflowRun, [LINK_SECRET])).toBe(0);
			expect(JSON.stringify(run.workflowRun.run.data)).not.toContain(LINK_SECRET);
		}
		expect(JSON.stringify(fakeCc.control.requestLog())).not.toContain(LINK_SECRET);
	});
});
