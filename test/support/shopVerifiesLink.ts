/**
 * The shop's side of a signed recovery link: the Node.js snippet of docs/recovery-links.md, taken from the markdown
 * exactly as a shop copies it and run in a VM context, checks a link Add to Autoresponder List wrote to
 * ac_recovery_url. So the snippet users copy is the one the end-to-end tests and the demo run.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';

export const RECOVERY_LINKS_DOC = join(__dirname, '..', '..', 'docs', 'recovery-links.md');

type VerifyCartToken = (token: string, secret: string, nowSeconds?: number) => string | null;

/** The doc's one ```js block, as text; throws when the doc has none or several (the tests would check the wrong code). */
export function nodeSnippet(markdown = readFileSync(RECOVERY_LINKS_DOC, 'utf8')): string {
	const blocks = [...markdown.matchAll(/^```js\n([\s\S]*?)^```$/gm)].map((match) => match[1]);
	if (blocks.length !== 1) throw new Error(`docs/recovery-links.md has ${blocks.length} Node.js (\`\`\`js) snippets; expected exactly one`);
	return blocks[0];
}

let compiled: VerifyCartToken | undefined;

/** The snippet's verifyCartToken, compiled once; it needs only require('node:crypto') and Buffer. */
function verifyCartToken(): VerifyCartToken {
	compiled ??= runInNewContext(`${nodeSnippet()}\nverifyCartToken;`, { require, Buffer }, { filename: 'docs/recovery-links.md (Node.js snippet)' }) as VerifyCartToken;
	return compiled;
}

export type LinkCheck = { verified: true; cartId: string } | { verified: false; reason: string };

/**
 * What the shop's restore page makes of a recovery link: the cart id its token carries, or why it is refused. The
 * snippet itself only says null; the reason tells the cases apart for a reader (no token, expired, forged or altered).
 */
export function shopVerifiesLink(link: string, secret: string, nowSeconds = Math.floor(Date.now() / 1000)): LinkCheck {
	let token: string | null;
	try {
		token = new URL(link).searchParams.get('token');
	} catch {
		return { verified: false, reason: `not a link: ${JSON.stringify(String(link).slice(0, 80))}` };
	}
	if (!token) return { verified: false, reason: 'no token in the link' };
	const verify = verifyCartToken();
	const cartId = verify(token, secret, nowSeconds);
	if (cartId !== null) return { verified: true, cartId };
	// Valid at the epoch but not now: only the expiry failed.
	if (verify(token, secret, 0) !== null) return { verified: false, reason: 'expired' };
	return { verified: false, reason: 'refused: forged or altered token' };
}

/** The same link with one character of the token's signed cart id changed, as someone trying another cart would. */
export function tamperedLink(link: string): string {
	const url = new URL(link);
	const parts = String(url.searchParams.get('token')).split('.');
	const id = Buffer.from(parts[1] ?? '', 'base64url').toString('utf8');
	parts[1] = Buffer.from(`${id.slice(0, -1)}${id.endsWith('9') ? '8' : '9'}`).toString('base64url');
	url.searchParams.set('token', parts.join('.'));
	return url.toString();
}
