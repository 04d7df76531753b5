/**
 * The helper the end-to-end tests and the demo use to check a recovery link as the shop would: it runs the Node.js
 * snippet of docs/recovery-links.md, and says why a link is refused.
 */
import { recoveryUrl, signCartToken } from '../../nodes/AddToAutoresponderList/recoveryLink';
import { nodeSnippet, shopVerifiesLink, tamperedLink } from '../support/shopVerifiesLink';

const SECRET = 'example-secret-0123456789abcdef0123456789';
const NOW_SECONDS = 1_767_000_000;
const link = (cartId: string, expiresAtSeconds = NOW_SECONDS + 3600) =>
	recoveryUrl({ urlTemplate: 'https://shop.example.com/cart/restore?token={token}', token: signCartToken({ cartId, expiresAtSeconds, secret: SECRET }), step: 1, utmCampaign: 'abandoned-cart' });

describe('shopVerifiesLink', () => {
	it('runs the one Node.js snippet the doc prints', () => {
		expect(nodeSnippet()).toContain('function verifyCartToken(token, secret, nowSeconds');
	});

	it("gives the cart id of a link the node signed, and refuses the same link with another cart's id", () => {
		const genuine = link('demo-1001');
		expect(shopVerifiesLink(genuine, SECRET, NOW_SECONDS)).toEqual({ verified: true, cartId: 'demo-1001' });
		expect(shopVerifiesLink(tamperedLink(genuine), SECRET, NOW_SECONDS)).toEqual({ verified: false, reason: 'refused: forged or altered token' });
	});

	it('says why a link is refused: another secret, expired, or no token at all', () => {
		expect(shopVerifiesLink(link('demo-1001'), `${SECRET}x`, NOW_SECONDS)).toEqual({ verified: false, reason: 'refused: forged or altered token' });
		expect(shopVerifiesLink(link('demo-1001', NOW_SECONDS - 1), SECRET, NOW_SECONDS)).toEqual({ verified: false, reason: 'expired' });
		expect(shopVerifiesLink('https://shop.example.com/cart/recover/demo-1001', SECRET, NOW_SECONDS)).toEqual({ verified: false, reason: 'no token in the link' });
	});
});
