import type { ICredentialType, Icon, INodeProperties } from 'n8n-workflow';

/** The secret a shop signs its webhook requests with; checked by the Verify Shop Webhook node, never sent anywhere. */
export class ShopWebhookSecretApi implements ICredentialType {
	name = 'shopWebhookSecretApi';

	displayName = 'Shop Webhook Secret API';

	icon: Icon = {
		light: 'file:../icons/constantContact.svg',
		dark: 'file:../icons/constantContact.dark.svg',
	};

	documentationUrl =
		'https://github.com/n8n-nodes-constant-contact-abandoned-cart/n8n-nodes-constant-contact-abandoned-cart#securing-your-webhooks';

	properties: INodeProperties[] = [
		{
			displayName: 'Signing Secret',
			name: 'secret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description:
				'The shared secret your shop signs each webhook request with (HMAC-SHA256). At least 32 random characters, e.g. from "openssl rand -hex 32"; enter the same value in your shop.',
		},
	];
}
