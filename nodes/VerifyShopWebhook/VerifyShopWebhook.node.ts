import {
	NodeConnectionTypes,
	type ICredentialsDecrypted,
	type ICredentialTestFunctions,
	type IExecuteFunctions,
	type INodeCredentialTestResult,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { testSecretStrength } from '../shared/secrets';
import { runVerify } from './run';
import { DEFAULT_SIGNATURE_HEADER, DEFAULT_TIMESTAMP_HEADER, DEFAULT_TOLERANCE_SECONDS } from './signature';

export class VerifyShopWebhook implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Verify Shop Webhook',
		name: 'verifyShopWebhook',
		icon: { light: 'file:verifyShopWebhook.svg', dark: 'file:verifyShopWebhook.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: 'HMAC-SHA256 signature',
		description: "Let through only requests your shop signed with the shared secret; reject forged and replayed ones",
		defaults: { name: 'Verify Shop Webhook' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [
			{ type: NodeConnectionTypes.Main, displayName: 'Verified' },
			{ type: NodeConnectionTypes.Main, displayName: 'Rejected' },
		],
		credentials: [{ name: 'shopWebhookSecretApi', required: true, testedBy: 'shopWebhookSecretStrength' }],
		properties: [
			{
				displayName:
					'Put this right after a Webhook node with Options → Raw Body on and Respond "Using \'Respond to Webhook\' Node". Send Rejected to a Respond to Webhook node answering 401.',
				name: 'notice',
				type: 'notice',
				default: '',
			},
			{
				displayName: 'Timestamp Header',
				name: 'timestampHeader',
				type: 'string',
				default: DEFAULT_TIMESTAMP_HEADER,
				description: 'Header with the Unix time (seconds) at which the shop signed the request',
			},
			{
				displayName: 'Signature Header',
				name: 'signatureHeader',
				type: 'string',
				default: DEFAULT_SIGNATURE_HEADER,
				description: 'Header with the hex HMAC-SHA256 of "&lt;timestamp&gt;.&lt;raw body&gt;" (a "sha256=" prefix is accepted)',
			},
			{
				displayName: 'Tolerance (Seconds)',
				name: 'toleranceSeconds',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: DEFAULT_TOLERANCE_SECONDS,
				description: "Requests signed longer ago than this (or this far in the future) are rejected, so a captured request cannot be replayed later",
			},
			{
				displayName: 'Raw Body Field',
				name: 'rawBodyField',
				type: 'string',
				default: 'data',
				description: "Binary field holding the request's raw body (the Webhook node's Raw Body option puts it in \"data\")",
			},
		],
	};

	methods = {
		credentialTest: {
			async shopWebhookSecretStrength(this: ICredentialTestFunctions, credential: ICredentialsDecrypted): Promise<INodeCredentialTestResult> {
				return await testSecretStrength(credential);
			},
		},
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await runVerify(this);
	}
}
