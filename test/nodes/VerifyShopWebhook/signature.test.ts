/**
 * The shop-signature rules, on the pure function: what a forged, replayed, stale or tampered request looks like,
 * and that the README's signing snippets produce what the node accepts.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { secretProblem, verifySignedRequest, type SignaturePolicy } from '../../../nodes/VerifyShopWebhook/signature';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { signedHeaders } = require('../../../docs/webhook-signing/sign-request.js') as {
	signedHeaders: (secret: string, rawBody: string, now?: number) => Record<string, string>;
};

const runFile = promisify(execFile);
const SECRET = 'a3f1c9e07b2d4e6f8a1b3c5d7e9f0a2b4c6d8e0f1a3b5c7d';
const NOW = Date.UTC(2026, 2, 10, 12, 0, 0);
const POLICY: SignaturePolicy = { secret: SECRET, nowMs: NOW, toleranceSeconds: 300 };
const BODY = '{"event":"cart_updated","cart_id":"c-1042","email":"alice@example.com","recovery_url":"https://shop.example.com/cart/c-1042"}';

function request(body: string, headers: Record<string, string>) {
	return { rawBody: Buffer.from(body, 'utf8'), timestampHeader: headers['X-Shop-Timestamp'], signatureHeader: headers['X-Shop-Signature'] };
}

describe('verifying a signed shop request', () => {
	it('accepts a request signed by the README Node.js snippet with the shared secret', () => {
		expect(verifySignedRequest(request(BODY, signedHeaders(SECRET, BODY, NOW)), POLICY)).toEqual({ valid: true, timestamp: NOW / 1000 });
	});

	it('accepts the bare hex signature and any letter case', () => {
		const headers = signedHeaders(SECRET, BODY, NOW);
		const bare = headers['X-Shop-Signature'].slice('sha256='.length).toUpperCase();
		expect(verifySignedRequest(request(BODY, { ...headers, 'X-Shop-Signature': bare }), POLICY).valid).toBe(true);
	});

	it('rejects a request without signature headers', () => {
		expect(verifySignedRequest({ rawBody: Buffer.from(BODY), timestampHeader: undefined, signatureHeader: undefined }, POLICY)).toMatchObject({ valid: false, reason: 'missing_timestamp' });
		const headers = signedHeaders(SECRET, BODY, NOW);
		expect(verifySignedRequest(request(BODY, { 'X-Shop-Timestamp': headers['X-Shop-Timestamp'] }), POLICY)).toMatchObject({ valid: false, reason: 'missing_signature' });
	});

	it('rejects a request signed with another secret', () => {
		const forged = signedHeaders('attacker-guess-0000000000000000000000000', BODY, NOW);
		expect(verifySignedRequest(request(BODY, forged), POLICY)).toMatchObject({ valid: false, reason: 'bad_signature' });
	});

	it('rejects a body changed after signing, such as a swapped recovery link', () => {
		const headers = signedHeaders(SECRET, BODY, NOW);
		const tampered = BODY.replace('shop.example.com', 'evil.example.net');
		expect(verifySignedRequest(request(tampered, headers), POLICY)).toMatchObject({ valid: false, reason: 'bad_signature' });
	});

	it('rejects the same JSON re-serialised differently: the signature covers the raw bytes', () => {
		const headers = signedHeaders(SECRET, BODY, NOW);
		expect(verifySignedRequest(request(JSON.stringify(JSON.parse(BODY), null, 1), headers), POLICY)).toMatchObject({ valid: false, reason: 'bad_signature' });
	});

	it('rejects a replay: a captured request whose timestamp is outside the tolerance window', () => {
		const captured = signedHeaders(SECRET, BODY, NOW - 301_000);
		expect(verifySignedRequest(request(BODY, captured), POLICY)).toMatchObject({ valid: false, reason: 'stale_timestamp' });
		expect(verifySignedRequest(request(BODY, signedHeaders(SECRET, BODY, NOW - 299_000)), POLICY).valid).toBe(true);
		expect(verifySignedRequest(request(BODY, signedHeaders(SECRET, BODY, NOW + 301_000)), POLICY)).toMatchObject({ valid: false, reason: 'stale_timestamp' });
	});

	it('rejects a fresh timestamp pasted onto an old signature: the timestamp is signed too', () => {
		const old = signedHeaders(SECRET, BODY, NOW - 3_600_000);
		const replayed = { ...old, 'X-Shop-Timestamp': String(NOW / 1000) };
		expect(verifySignedRequest(request(BODY, replayed), POLICY)).toMatchObject({ valid: false, reason: 'bad_signature' });
	});

	it('rejects timestamps that are not Unix seconds, and headers sent twice', () => {
		const headers = signedHeaders(SECRET, BODY, NOW);
		for (const timestamp of ['2026-03-10T12:00:00Z', '1.7e9', '-1', 'now']) {
			expect(verifySignedRequest(request(BODY, { ...headers, 'X-Shop-Timestamp': timestamp }), POLICY)).toMatchObject({ valid: false, reason: 'invalid_timestamp' });
		}
		const twice = { rawBody: Buffer.from(BODY), timestampHeader: [headers['X-Shop-Timestamp'], headers['X-Shop-Timestamp']], signatureHeader: headers['X-Shop-Signature'] };
		expect(verifySignedRequest(twice, POLICY)).toMatchObject({ valid: false, reason: 'missing_timestamp' });
	});

	it('never puts the secret or the expected signature in its messages', () => {
		const headers = signedHeaders(SECRET, BODY, NOW);
		const check = verifySignedRequest(request(`${BODY} `, headers), POLICY);
		const expected = signedHeaders(SECRET, `${BODY} `, NOW)['X-Shop-Signature'].slice(7);
		expect(JSON.stringify(check)).not.toContain(SECRET);
		expect(JSON.stringify(check)).not.toContain(expected);
	});

	it('refuses secrets too short to sign with', () => {
		expect(secretProblem('')).toMatch(/empty/);
		expect(secretProblem('hunter2')).toMatch(/at least 32/);
		expect(secretProblem(SECRET)).toBeUndefined();
	});
});

describe('the README signing snippets', () => {
	it.each(['sign-request.js', 'sign-request.php', 'sign_request.py'])('shows %s exactly as the file the tests run', (file) => {
		const readme = readFileSync(join(__dirname, '../../../README.md'), 'utf8');
		const snippet = readFileSync(join(__dirname, '../../../docs/webhook-signing', file), 'utf8').trimEnd();
		expect(readme).toContain(`\n${snippet}\n\`\`\``);
	});
});

/** A local server standing in for n8n's webhook: it records the one request a snippet sends. */
async function receiveOne(send: (url: string) => Promise<string>): Promise<{ answer: string; headers: IncomingHttpHeaders; body: Buffer }> {
	let received: { headers: IncomingHttpHeaders; body: Buffer } | undefined;
	const server = createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', () => {
			received = { headers: req.headers, body: Buffer.concat(chunks) };
			res.writeHead(200, { 'content-type': 'application/json' }).end('{"received":true}');
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	try {
		const answer = await send(`http://127.0.0.1:${(server.address() as AddressInfo).port}/webhook/cart-events`);
		if (!received) throw new Error('the snippet sent no request');
		return { answer, ...received };
	} finally {
		server.close();
	}
}

function expectAccepted(request: { headers: IncomingHttpHeaders; body: Buffer }): void {
	const check = verifySignedRequest(
		{ rawBody: request.body, timestampHeader: request.headers['x-shop-timestamp'], signatureHeader: request.headers['x-shop-signature'] },
		{ ...POLICY, nowMs: Date.now() },
	);
	expect(check.valid).toBe(true);
}

const SNIPPETS = join(__dirname, '../../../docs/webhook-signing');

describe('the README Python and PHP snippets', () => {
	it('Python: sends a request the node accepts', async () => {
		const script = `import sys; sys.path.insert(0, sys.argv[1]); from sign_request import send_to_n8n; print(send_to_n8n(sys.argv[2], sys.argv[3], {"event": "cart_updated", "cart_id": "c-1042", "email": "alice@example.com"})[0])`;
		const request = await receiveOne(async (url) => (await runFile('python3', ['-c', script, SNIPPETS, url, SECRET], { env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' } })).stdout);
		expect(request.answer.trim()).toBe('200');
		expectAccepted(request);
	});

	it('PHP: sends a request the node accepts', async () => {
		// .ci/run installs Debian's php-cli and php-curl; without them this fails rather than passing unchecked.
		const script = `require $argv[1] . '/sign-request.php'; echo send_to_n8n($argv[2], $argv[3], ['event' => 'cart_updated', 'cart_id' => 'c-1042', 'email' => 'alice@example.com'])[0];`;
		const request = await receiveOne(async (url) => (await runFile('php', ['-r', script, SNIPPETS, url, SECRET])).stdout);
		expect(request.answer.trim()).toBe('200');
		expect(JSON.parse(request.body.toString('utf8'))).toEqual({ event: 'cart_updated', cart_id: 'c-1042', email: 'alice@example.com' });
		expectAccepted(request);
	});
});
