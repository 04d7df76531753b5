import type { ICredentialType, Icon, INodeProperties } from 'n8n-workflow';

/** The secret the signed recovery links are signed with; Add to Autoresponder List signs with it, the shop checks with it. */
export class CartLinkSecretApi implements ICredentialType {
	name = 'cartLinkSecretApi';

	displayName = 'Cart Link Secret API';

	icon: Icon = {
		light: 'file:../icons/constantContact.svg',
		dark: 'file:../icons/constantContact.dark.svg',
	};

	documentationUrl =
		'https://github.com/n8n-nodes-constant-contact-abandoned-cart/n8n-nodes-constant-contact-abandoned-cart#signed-recovery-link';

	properties: INodeProperties[] = [
		{
			displayName: 'Link Signing Secret',
			name: 'secret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description:
				'The secret the cart recovery links are signed with (HMAC-SHA256). At least 32 random characters, e.g. from "openssl rand -hex 32"; your shop checks each link with the same value. Use another secret than the webhook one.',
		},
	];
}
