/**
 * Allowed Link Hosts: a cart value that reaches a branded email may link only to the shop's own hosts, never to a
 * script, and may carry no HTML. The rules on the pure function first, then the node: a skipped shopper costs
 * nothing in Constant Contact.
 */

import { cartLinkProblem, linkProblem, parseAllowedLinkHosts } from '../../../nodes/AddToAutoresponderList/links';
import type { FakeConstantContact } from '../../fake-constant-contact';
import { shopperCart } from '../../support/carts';
import { addParameters, runNode, useAutoresponderStandIn } from './setup';

const SHOP = ['shop.example.com'];

describe('Allowed Link Hosts, the rule', () => {
	it('reads a comma-separated list, forgiving schemes, paths, case and spaces', () => {
		expect(parseAllowedLinkHosts(' Shop.Example.com,https://www.shop.example.com/cart ,, cdn.example.com. ')).toEqual(['shop.example.com', 'www.shop.example.com', 'cdn.example.com']);
		expect(parseAllowedLinkHosts('')).toEqual([]);
		expect(parseAllowedLinkHosts(undefined)).toEqual([]);
	});

	it.each([
		'https://shop.example.com/cart/recover/c-1042?token=abc&utm_source=reminder',
		'HTTPS://SHOP.EXAMPLE.COM/cart',
		'https://shop.example.com:443/cart',
		'89.90 USD',
		'2',
		'Your data: 2 items',
		'Europe/Berlin',
		'2026-03-10T11:00:00Z',
	])('lets %s through on shop.example.com', (value) => {
		expect(linkProblem('ac_recovery_url', value, SHOP)).toBeUndefined();
	});

	it.each([
		['a phishing host', 'https://evil.example.net/cart'],
		['a look-alike host', 'https://shop.example.com.evil.example.net/cart'],
		['a sub-domain not listed', 'https://login.shop.example.com/'],
		['plain http', 'http://shop.example.com/cart'],
		['credentials before the host', 'https://shop.example.com@evil.example.net/'],
		['a backslash trick', 'https:\\\\evil.example.net\\cart'],
		['a web scheme without slashes', 'https:evil.example.net/cart'],
		['a protocol-relative link', '//evil.example.net/cart'],
		['a bare www address', 'www.evil.example.net'],
		['a link inside text', 'Your cart: https://evil.example.net/c'],
		['an ftp link', 'ftp://shop.example.com/file'],
		['a javascript: link', 'javascript:alert(document.cookie)'],
		['a javascript: link with a tab inside', 'java\tscript:alert(1)'],
		['a javascript: link in capitals with spaces before', '  JAVASCRIPT:alert(1)'],
		['a data: URL', 'data:text/html;base64,PHNjcmlwdD4='],
		['a vbscript: link', 'vbscript:msgbox(1)'],
	])('refuses %s with link_not_allowed', (_what, value) => {
		expect(linkProblem('ac_recovery_url', value, SHOP)).toMatchObject({ reason: 'link_not_allowed' });
	});

	it.each([
		['a tag', '<a href="https://shop.example.com">Back to your cart</a>'],
		['a script', '89.90 <script>steal()</script>'],
		['a closing tag', 'x</td>'],
		['a numeric character reference', '&#106;avascript:alert(1)'],
		['an escaped bracket', '&lt;img src=x&gt;'],
	])('refuses %s with html_not_allowed', (_what, value) => {
		expect(linkProblem('ac_cart_total', value, SHOP)).toMatchObject({ reason: 'html_not_allowed' });
	});

	it('allows no link at all when the option is set but empty, and says so', () => {
		expect(linkProblem('ac_recovery_url', 'https://shop.example.com/cart', [])).toEqual({
			reason: 'link_not_allowed',
			message: 'The value for custom field "ac_recovery_url" links to shop.example.com; no link host is allowed (option "Allowed Link Hosts").',
		});
		expect(linkProblem('ac_item_count', '3', [])).toBeUndefined();
	});

	it('keeps workflows made before the option working: not set, web links on any host pass, scripts and HTML never', () => {
		expect(linkProblem('ac_recovery_url', 'https://any-shop.example.org/cart', undefined)).toBeUndefined();
		expect(linkProblem('ac_recovery_url', 'http://any-shop.example.org/cart', undefined)).toBeUndefined();
		expect(linkProblem('ac_recovery_url', 'javascript:alert(1)', undefined)).toMatchObject({ reason: 'link_not_allowed' });
		expect(linkProblem('ac_recovery_url', 'ftp://files.example.org/x', undefined)).toMatchObject({ reason: 'link_not_allowed' });
		expect(linkProblem('ac_recovery_url', '<b>hi</b>', undefined)).toMatchObject({ reason: 'html_not_allowed' });
	});

	it('reports the first problem among all of a cart\'s values', () => {
		const values = [
			{ label: 'ac_cart_total', value: '89.90 USD' },
			{ label: 'ac_recovery_url', value: 'https://evil.example.net/c' },
		];
		expect(cartLinkProblem(values, SHOP)).toMatchObject({ reason: 'link_not_allowed', message: expect.stringContaining('evil.example.net') });
		expect(cartLinkProblem(values.slice(0, 1), SHOP)).toBeUndefined();
	});
});

describe('Allowed Link Hosts, in the node', () => {
	const standIn = useAutoresponderStandIn();
	let fakeCc: FakeConstantContact;
	let listId: string;
	beforeEach(() => ({ fakeCc, listId } = standIn));

	const withRecoveryUrl = (allowedLinkHosts: string | undefined) =>
		addParameters(listId, {
			cartFields: {
				field: [
					{ label: 'ac_cart_id', value: '={{ $json.id }}' },
					{ label: 'ac_recovery_url', value: '={{ $json.recovery_url }}' },
				],
			},
			options: allowedLinkHosts === undefined ? { createMissingFields: true } : { createMissingFields: true, allowedLinkHosts },
		});

	it('skips the shopper whose recovery link points elsewhere, writes nothing for them, and adds the others', async () => {
		const run = await runNode(fakeCc, withRecoveryUrl('shop.example.com'), [
			shopperCart(1, { recovery_url: 'https://shop.example.com/cart/recover/cart-1001' }),
			shopperCart(2, { recovery_url: 'https://evil.example.net/cart/recover/cart-1002' }),
			shopperCart(3, { recovery_url: 'javascript:alert(1)' }),
		]);
		expect(run.json.map((json) => [json.email, json.status, json.reason])).toEqual([
			['shopper1@example.com', 'created', null],
			['shopper2@example.com', 'skipped', 'link_not_allowed'],
			['shopper3@example.com', 'skipped', 'link_not_allowed'],
		]);
		expect(run.output.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(fakeCc.control.findContactByEmail('shopper2@example.com')).toBeUndefined();
		expect(fakeCc.control.findContactByEmail('shopper3@example.com')).toBeUndefined();
		expect(fakeCc.control.automationEntries({ listId })).toHaveLength(1);
		const mentions = fakeCc.control.requestLog().filter((entry) => JSON.stringify(entry).includes('evil.example.net') || JSON.stringify(entry).includes('shopper2@'));
		expect(mentions).toEqual([]);
	});

	it('skips every link when the option is added but left empty', async () => {
		const run = await runNode(fakeCc, withRecoveryUrl(''), [shopperCart(4, { recovery_url: 'https://shop.example.com/cart/4' })]);
		expect(run.json[0]).toMatchObject({ status: 'skipped', reason: 'link_not_allowed', customFields: {} });
		expect(fakeCc.control.requestLog().filter((entry) => entry.method !== 'GET')).toEqual([]);
	});

	it('writes a link on any host when the option is not added, as before the option existed', async () => {
		const run = await runNode(fakeCc, withRecoveryUrl(undefined), [shopperCart(5, { recovery_url: 'https://another-shop.example.org/cart/5' })]);
		expect(run.json[0]).toMatchObject({ status: 'created', customFields: { ac_recovery_url: 'https://another-shop.example.org/cart/5' } });
	});
});
