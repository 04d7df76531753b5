/**
 * The signed link back to the cart: what the node signs, and the shop-side snippets of docs/recovery-links.md run
 * exactly as printed (Node.js, Python, PHP) against those tokens.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import {
	linkExpirySeconds,
	recoveryUrl,
	RecoveryLinkError,
	signCartToken,
	withRecoveryLink,
} from '../../../nodes/AddToAutoresponderList/recoveryLink';

const DOC = readFileSync(resolve(__dirname, '..', '..', '..', 'docs', 'recovery-links.md'), 'utf8');
const SECRET = 'test-secret-5f0e2c9a41b7d36e8f0a1c2b3d4e5f60';
const NOW_SECONDS = 1_780_000_000;
const PHP = '/usr/bin/php';

function snippet(language: string): string {
	const match = DOC.match(new RegExp('```' + language + '\\n([\\s\\S]*?)```'));
	if (!match) throw new Error(`docs/recovery-links.md has no ${language} snippet`);
	return match[1];
}

function token(cartId: string, expiresAtSeconds = NOW_SECONDS + 3600, secret = SECRET): string {
	return signCartToken({ cartId, expiresAtSeconds, secret });
}

/** A token with one of its four dot-separated parts replaced. */
function withPart(original: string, index: number, replacement: string): string {
	const parts = original.split('.');
	parts[index] = replacement;
	return parts.join('.');
}

const base64url = (text: string) => Buffer.from(text).toString('base64url');

/** Each case: the token the shop receives, the secret it checks with, and the cart id it must get (null: refused). */
const CASES: Array<{ name: string; token: () => string; secret?: string; cartId: string | null }> = [
	{ name: 'a valid token', token: () => token('cart-1001'), cartId: 'cart-1001' },
	{ name: 'a cart id with multi-byte characters and dots', token: () => token('Bestellung-äöü-🛒.42'), cartId: 'Bestellung-äöü-🛒.42' },
	{ name: 'a changed cart id', token: () => withPart(token('cart-1001'), 1, base64url('cart-1002')), cartId: null },
	{ name: 'a later expiry', token: () => withPart(token('cart-1001'), 2, String(NOW_SECONDS + 999_999)), cartId: null },
	{ name: 'a changed signature', token: () => withPart(token('cart-1001'), 3, 'A'.repeat(43)), cartId: null },
	{ name: 'a truncated signature', token: () => token('cart-1001').slice(0, -2), cartId: null },
	{ name: 'another secret', token: () => token('cart-1001', NOW_SECONDS + 3600, 'another-secret-of-forty-characters-000000'), cartId: null },
	{ name: 'an expired link', token: () => token('cart-1001', NOW_SECONDS - 1), cartId: null },
	{ name: 'another version', token: () => withPart(token('cart-1001'), 0, 'v2'), cartId: null },
	{ name: 'three parts', token: () => token('cart-1001').split('.').slice(0, 3).join('.'), cartId: null },
	{ name: 'garbage', token: () => 'not a token at all', cartId: null },
];

describe('signCartToken', () => {
	it('writes v1, the cart id in base64url, the expiry and a 43-character signature, all URL-safe', () => {
		const signed = token('cart-1001', 1_767_225_600);
		expect(signed).toMatch(/^v1\.Y2FydC0xMDAx\.1767225600\.[A-Za-z0-9_-]{43}$/);
		expect(encodeURIComponent(signed)).toBe(signed);
	});

	it('matches the example in docs/recovery-links.md', () => {
		const example = DOC.match(/token=(v1\.[A-Za-z0-9_.-]+)&/)?.[1];
		expect(example).toBe(token('cart-1001', 1_767_225_600, 'example-secret-0123456789abcdef0123456789'));
	});

	it('refuses a secret shorter than 32 characters, an empty cart id and a expiry that is not Unix seconds', () => {
		expect(() => token('cart-1001', NOW_SECONDS, 'short')).toThrow(RecoveryLinkError);
		expect(() => token('cart-1001', NOW_SECONDS, 'short')).toThrow('use at least 32 random');
		expect(() => token('  ')).toThrow('no cart id');
		expect(() => token('cart-1001', 1.5)).toThrow('Unix seconds');
	});

	it('never puts the secret in the token', () => {
		const signed = token('cart-1001');
		expect(signed).not.toContain(SECRET);
		expect(Buffer.from(signed.split('.')[3], 'base64url').toString('latin1')).not.toContain(SECRET);
	});

	it('counts the expiry in whole seconds from the reminder time', () => {
		expect(linkExpirySeconds(1_767_225_600_999, 14)).toBe(1_767_225_600 + 14 * 86_400);
	});
});

describe('recoveryUrl', () => {
	it('puts the token where {token} is and adds the UTM parameters of the step', () => {
		const url = new URL(recoveryUrl({ urlTemplate: 'https://shop.example.com/cart/restore?token={token}', token: 'v1.a.1.b', step: 2, utmCampaign: 'abandoned-cart' }));
		expect(url.host).toBe('shop.example.com');
		expect(url.pathname).toBe('/cart/restore');
		expect(Object.fromEntries(url.searchParams)).toEqual({
			token: 'v1.a.1.b',
			utm_source: 'constantcontact',
			utm_medium: 'email',
			utm_campaign: 'abandoned-cart',
			utm_content: 'step-2',
		});
	});

	it('keeps the template\'s own query and fragment, and a token in the path', () => {
		const url = new URL(recoveryUrl({ urlTemplate: 'https://shop.example.com/r/{token}?lang=de#cart', token: 'v1.a.1.b', step: 1, utmCampaign: 'winter' }));
		expect(url.pathname).toBe('/r/v1.a.1.b');
		expect(url.searchParams.get('lang')).toBe('de');
		expect(url.searchParams.get('utm_campaign')).toBe('winter');
		expect(url.hash).toBe('#cart');
	});

	it('adds no UTM parameters when the campaign is empty', () => {
		expect(recoveryUrl({ urlTemplate: 'https://shop.example.com/?t={token}', token: 'v1.a.1.b', step: 1, utmCampaign: ' ' })).toBe('https://shop.example.com/?t=v1.a.1.b');
	});

	it.each([
		['https://shop.example.com/cart/restore', 'has no {token}'],
		['shop.example.com/restore?t={token}', 'not a full web address'],
		['javascript:alert(1)//{token}', 'must start with https://'],
	])('refuses the template %s', (urlTemplate, message) => {
		expect(() => recoveryUrl({ urlTemplate, token: 'v1.a.1.b', step: 1, utmCampaign: 'abandoned-cart' })).toThrow(message);
	});
});

describe('the shop-side snippets in docs/recovery-links.md', () => {
	let folder: string;
	beforeAll(() => {
		folder = mkdtempSync(join(tmpdir(), 'cart-token-'));
	});
	afterAll(() => rmSync(folder, { recursive: true, force: true }));

	/** Runs a snippet once over every case (one process per language), returning the cart id or null per case. */
	function verifyAll(language: 'js' | 'python' | 'php'): Array<string | null> {
		const input = JSON.stringify(CASES.map((c) => ({ token: c.token(), secret: c.secret ?? SECRET })));
		const inputFile = join(folder, `${language}.json`);
		writeFileSync(inputFile, input);
		const call = {
			js: `\nconst cases = JSON.parse(require('node:fs').readFileSync(${JSON.stringify(inputFile)}, 'utf8'));\nconsole.log(JSON.stringify(cases.map((c) => verifyCartToken(c.token, c.secret, ${NOW_SECONDS}))));\n`,
			python: `\nimport json\ncases = json.load(open(${JSON.stringify(inputFile)}))\nprint(json.dumps([verify_cart_token(c["token"], c["secret"], ${NOW_SECONDS}) for c in cases]))\n`,
			php: `\n$cases = json_decode(file_get_contents(${JSON.stringify(inputFile)}), true);\necho json_encode(array_map(function ($c) { return verify_cart_token($c['token'], $c['secret'], ${NOW_SECONDS}); }, $cases), JSON_UNESCAPED_UNICODE);\n`,
		}[language];
		const program = join(folder, { js: 'verify.js', python: 'verify.py', php: 'verify.php' }[language]);
		writeFileSync(program, snippet(language) + call);
		const interpreter = { js: process.execPath, python: 'python3', php: PHP }[language];
		return JSON.parse(execFileSync(interpreter, [program], { encoding: 'utf8' }));
	}

	const expected = CASES.map((c) => c.cartId);

	it('Node.js: accepts the valid tokens and refuses every altered, foreign or expired one', () => {
		expect(verifyAll('js')).toEqual(expected);
	});

	it('Python: the same answers', () => {
		expect(verifyAll('python')).toEqual(expected);
	});

	it('PHP: the same answers', () => {
		// .ci/run installs Debian's php-cli; without it this fails rather than passing unchecked.
		if (!existsSync(PHP)) throw new Error(`${PHP} is missing: apt-get install php-cli (.ci/run does)`);
		expect(verifyAll('php')).toEqual(expected);
	});
});

describe('withRecoveryLink', () => {
	it('replaces the item\'s own value of the link fields and keeps every other cart value', () => {
		const cart = [
			{ label: 'ac_cart_id', value: 'cart-1001' },
			{ label: ' ac_recovery_url ', value: 'https://shop.example.com/plain' },
		];
		expect(withRecoveryLink(cart, [{ label: 'ac_recovery_url', value: 'https://shop.example.com/signed' }])).toEqual([
			{ label: 'ac_cart_id', value: 'cart-1001' },
			{ label: 'ac_recovery_url', value: 'https://shop.example.com/signed' },
		]);
	});
});
