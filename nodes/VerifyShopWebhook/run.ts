/** Verify Shop Webhook: each request item goes to Verified (signature good) or Rejected (with the reason). */
import { NodeOperationError, type IExecuteFunctions, type INodeExecutionData } from 'n8n-workflow';

import { secretProblem, verifySignedRequest } from './signature';

export const SHOP_WEBHOOK_SECRET_CREDENTIAL = 'shopWebhookSecretApi';

function header(headers: unknown, name: string): unknown {
	if (!headers || typeof headers !== 'object') return undefined;
	// Node's HTTP server lower-cases header names; a user may type them in any case.
	return (headers as Record<string, unknown>)[name.trim().toLowerCase()];
}

export async function runVerify(context: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = context.getInputData();
	const credential = await context.getCredentials(SHOP_WEBHOOK_SECRET_CREDENTIAL);
	const secret = credential.secret;
	const weak = secretProblem(secret);
	if (weak) throw new NodeOperationError(context.getNode(), `${weak} Set it in the "Shop Webhook Secret" credential and in your shop.`);

	const verified: INodeExecutionData[] = [];
	const rejected: INodeExecutionData[] = [];
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		const item = items[itemIndex];
		const rawBodyField = context.getNodeParameter('rawBodyField', itemIndex, 'data') as string;
		if (!item.binary?.[rawBodyField]) {
			const problem = new NodeOperationError(
				context.getNode(),
				`The request's raw body is missing (binary field "${rawBodyField}"). Turn on "Raw Body" under Options in the Webhook node.`,
				{ itemIndex },
			);
			if (!context.continueOnFail()) throw problem;
			rejected.push({ json: { rejected: { reason: 'missing_raw_body', message: problem.message } }, pairedItem: { item: itemIndex } });
			continue;
		}
		const check = verifySignedRequest(
			{
				rawBody: await context.helpers.getBinaryDataBuffer(itemIndex, rawBodyField),
				timestampHeader: header(item.json.headers, context.getNodeParameter('timestampHeader', itemIndex) as string),
				signatureHeader: header(item.json.headers, context.getNodeParameter('signatureHeader', itemIndex) as string),
			},
			{
				secret: String(secret),
				nowMs: Date.now(),
				toleranceSeconds: context.getNodeParameter('toleranceSeconds', itemIndex) as number,
			},
		);
		// Rejected requests pass on only why: their body is untrusted and must not reach anything downstream.
		if (check.valid) verified.push({ json: item.json, pairedItem: { item: itemIndex } });
		else rejected.push({ json: { rejected: { reason: check.reason, message: check.message } }, pairedItem: { item: itemIndex } });
	}
	return [verified, rejected];
}
