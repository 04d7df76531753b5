/** The Verify Shop Webhook node on items shaped like the Webhook node's output (Raw Body on). */
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { runVerify } from '../../../nodes/VerifyShopWebhook/run';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { signedHeaders } = require('../../../docs/webhook-signing/sign-request.js') as {
	signedHeaders: (secret: string, rawBody: string, now?: number) => Record<string, string>;
};

const SECRET = '5f0c2d8e4a6b1c3e5f7a9b0d2e4f6a8c1b3d5e7f9a0c2e4f';

/** What the Webhook node (v2, Raw Body on) emits: headers lower-cased, parsed body, raw body as base64 binary. */
function webhookItem(rawBody: string, headers: Record<string, string>): INodeExecutionData {
	const lowerCased = Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
	return {
		json: { headers: { 'content-type': 'application/json', ...lowerCased }, params: {}, query: {}, body: JSON.parse(rawBody) as IDataObject },
		binary: { data: { data: Buffer.from(rawBody).toString('base64'), mimeType: 'application/json' } },
	};
}

function context(items: INodeExecutionData[], options: { secret?: string; continueOnFail?: boolean; parameters?: Record<string, unknown> } = {}): IExecuteFunctions {
	const parameters: Record<string, unknown> = { timestampHeader: 'X-Shop-Timestamp', signatureHeader: 'x-shop-signature', toleranceSeconds: 300, rawBodyField: 'data', ...options.parameters };
	return {
		getInputData: () => items,
		getCredentials: async () => ({ secret: options.secret ?? SECRET }),
		getNodeParameter: (name: string) => parameters[name],
		getNode: () => ({ name: 'Verify Shop Signature', type: 'n8n-nodes-constant-contact-abandoned-cart.verifyShopWebhook', typeVersion: 1, position: [0, 0], parameters: {} }),
		continueOnFail: () => options.continueOnFail ?? false,
		helpers: { getBinaryDataBuffer: async (itemIndex: number, field: string) => Buffer.from(String(items[itemIndex].binary![field].data), 'base64') },
	} as unknown as IExecuteFunctions;
}

const body = (cartId: string) => JSON.stringify({ event: 'cart_updated', cart_id: cartId, email: 'alice@example.com' });

describe('Verify Shop Webhook', () => {
	it('routes signed requests to Verified and the rest to Rejected, one output item per input item', async () => {
		const good = body('c-1');
		const items = [webhookItem(good, signedHeaders(SECRET, good)), webhookItem(body('c-2'), {}), webhookItem(body('c-3'), signedHeaders(SECRET, body('c-other')))];
		const [verified, rejected] = await runVerify(context(items));
		expect(verified).toEqual([{ json: items[0].json, pairedItem: { item: 0 } }]);
		expect(rejected.map((item) => [item.pairedItem, (item.json.rejected as IDataObject).reason])).toEqual([
			[{ item: 1 }, 'missing_timestamp'],
			[{ item: 2 }, 'bad_signature'],
		]);
	});

	it('passes nothing of a rejected request on: its body is untrusted', async () => {
		const [, rejected] = await runVerify(context([webhookItem(body('c-4'), {})]));
		expect(Object.keys(rejected[0].json)).toEqual(['rejected']);
		expect(rejected[0].binary).toBeUndefined();
	});

	it('stops with a clear error when the Webhook node does not keep the raw body', async () => {
		const item = webhookItem(body('c-5'), signedHeaders(SECRET, body('c-5')));
		delete item.binary;
		await expect(runVerify(context([item]))).rejects.toThrow('Turn on "Raw Body" under Options in the Webhook node');
		const [verified, rejected] = await runVerify(context([item], { continueOnFail: true }));
		expect([verified, rejected.map((i) => (i.json.rejected as IDataObject).reason)]).toEqual([[], ['missing_raw_body']]);
	});

	it('refuses to run with a secret too short to sign with, without showing it', async () => {
		const error = await runVerify(context([webhookItem(body('c-6'), {})], { secret: 'short-secret' })).catch((e: Error) => e);
		expect((error as Error).message).toMatch(/at least 32/);
		expect((error as Error).message).not.toContain('short-secret');
	});
});
