/** Parameters of Remove Contact from List. */
import type { INodeProperties } from 'n8n-workflow';

import {
	keepInputFieldsOption,
	listAndEmail,
	optionsCollection,
	requestTimeoutOption,
} from './common';

export const removeContactProperties: INodeProperties[] = [
	...listAndEmail('removeContact'),
	optionsCollection('removeContact', [
		{
			displayName: 'Clear Cart Fields',
			name: 'clearCartFields',
			type: 'string',
			default: '',
			placeholder: 'e.g. ac_recovery_url, ac_cart_total, ac_item_count',
			description:
				'Custom fields (labels, comma-separated) to empty for each shopper taken off the list, so the recovered cart\'s details do not stay in Constant Contact',
		},
		{
			displayName: 'Contact ID',
			name: 'contactId',
			type: 'string',
			default: '',
			placeholder: 'e.g. {{ $json.cc_contact_id }}',
			description:
				'The shopper\'s Constant Contact contact ID, as Add to Autoresponder List output it (keep it with the cart). With it the shopper is removed without a look-up: 500 shoppers per request whatever the size of the account. Empty: looked up by email.',
		},
		keepInputFieldsOption,
		requestTimeoutOption,
	]),
];
