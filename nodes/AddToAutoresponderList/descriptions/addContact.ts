/** Parameters of Add Contact to List. */
import type { INodeProperties } from 'n8n-workflow';

import { DEFAULT_REENTRY_FIELD } from '../reentry';
import {
	bulkThresholdOption,
	keepInputFieldsOption,
	listAndEmail,
	optionsCollection,
	requestTimeoutOption,
} from './common';

const show = { show: { operation: ['addContact'] } };

export const addContactProperties: INodeProperties[] = [
	...listAndEmail('addContact'),
	{
		displayName: 'First Name',
		name: 'firstName',
		type: 'string',
		default: '',
		displayOptions: show,
	},
	{
		displayName: 'Last Name',
		name: 'lastName',
		type: 'string',
		default: '',
		displayOptions: show,
	},
	{
		displayName: 'Shopper Gave Marketing Consent',
		name: 'consent',
		type: 'boolean',
		default: false,
		displayOptions: show,
		description:
			'Whether this shopper explicitly agreed to marketing email. true, "yes", "opted_in" and 1 count as consent; anything else does not.',
		hint: 'Map it from your data, e.g. {{ $json.acceptsMarketing }}',
	},
	{
		displayName: 'Consent Policy',
		name: 'consentPolicy',
		type: 'options',
		default: 'consented',
		displayOptions: show,
		options: [
			{
				name: 'Only Shoppers Who Gave Consent',
				value: 'consented',
				description:
					'Shoppers without consent are skipped. New contacts sign up through Constant Contact\'s sign-up form (explicit permission, or pending if Confirmed Opt-in is on).',
			},
			{
				name: 'Consenting Shoppers and Existing Subscribers',
				value: 'consentedOrSubscribed',
				description:
					'Also shoppers who are already contacts with permission to email (explicit or implicit). New contacts without consent are skipped.',
			},
			{
				name: 'All Shoppers (Existing Customers, Implied Permission)',
				value: 'allShoppers',
				description:
					'Also creates shoppers without consent, as contacts with implied permission added by the account. Use only where the law allows it, e.g. when every shopper reaching this node is an existing customer.',
			},
		],
		description:
			"Who may be put on the list. Whatever the policy: an existing contact's email permission is never changed, and unsubscribed contacts are never touched (status skipped, reason unsubscribed).",
	},
	{
		displayName: 'Repeat Abandoners',
		name: 'repeatAbandoners',
		type: 'options',
		default: 'leave',
		displayOptions: show,
		options: [
			{
				name: 'Leave on the List',
				value: 'leave',
				description: 'Status already-on-list; the automation is not started again. Cart details are still updated.',
			},
			{
				name: 'Re-Trigger the Automation',
				value: 'retrigger',
				description:
					'Remove and re-add the contact, at most once per cooldown. Caveat: Constant Contact decides whether a contact enters an automation again; check that your path allows re-entry.',
			},
		],
		description:
			'What to do when the shopper is already on the list. Re-triggering removes and re-adds the contact, which starts a "contact joins list" automation again only if Constant Contact lets contacts re-enter it (older autoresponders send once per contact, ever). Test it in your account.',
	},
	{
		displayName: 'Cooldown (Days)',
		name: 'cooldownDays',
		type: 'number',
		typeOptions: { minValue: 0 },
		default: 7,
		displayOptions: { show: { operation: ['addContact'], repeatAbandoners: ['retrigger'] } },
		description:
			'A contact is re-added at most once in this many days. The time of each entry is kept on the contact in the custom field set in Options → Re-Entry Field, so it survives across runs and workflows.',
	},
	{
		displayName: 'Cart Details (Custom Fields)',
		name: 'cartFields',
		type: 'fixedCollection',
		placeholder: 'Add Custom Field',
		typeOptions: { multipleValues: true, sortable: true },
		default: {},
		displayOptions: show,
		description: 'Values written to Constant Contact custom fields, for the reminder email to show',
		options: [
			{
				displayName: 'Field',
				name: 'field',
				values: [
					{
						displayName: 'Custom Field Label',
						name: 'label',
						type: 'string',
						default: '',
						placeholder: 'e.g. ac_recovery_url',
					},
					{
						displayName: 'Value',
						name: 'value',
						type: 'string',
						default: '',
						placeholder: 'e.g. {{ $json.recoveryUrl }}',
					},
				],
			},
		],
	},
	optionsCollection('addContact', [
		{
			displayName: 'Allowed Link Hosts',
			name: 'allowedLinkHosts',
			type: 'string',
			default: '',
			placeholder: 'e.g. shop.example.com, www.shop.example.com',
			description:
				'Comma-separated hosts that cart links may point to. A cart value that looks like a link must be https:// on one of them, or the shopper is skipped (reason link_not_allowed) and nothing is written. Added but empty: no links at all. Not added: links on any host pass (http or https). Script links (javascript:, data:) and HTML are always refused.',
		},
		bulkThresholdOption,
		{
			displayName: 'Create List If Missing',
			name: 'createListIfMissing',
			type: 'boolean',
			default: false,
			description: 'Whether to create the list when "List" is given by name and no list has that name',
		},
		{
			displayName: 'Create Missing Custom Fields',
			name: 'createMissingFields',
			type: 'boolean',
			default: false,
			description:
				'Whether to create custom fields (type text) that do not exist yet. An account can have at most 100 custom fields.',
		},
		keepInputFieldsOption,
		{
			displayName: 'Re-Entry Field',
			name: 'reentryField',
			type: 'string',
			default: DEFAULT_REENTRY_FIELD,
			description:
				'Custom field (created when missing) that remembers when this node put the contact on each list; used by Re-Trigger the Automation',
		},
		requestTimeoutOption,
		{
			displayName: 'Values Longer Than 255 Characters',
			name: 'longValues',
			type: 'options',
			default: 'truncate',
			options: [
				{
					name: 'Truncate',
					value: 'truncate',
					description: 'Cut at a character boundary and list the field in "truncated"',
				},
				{ name: 'Fail the Item', value: 'fail', description: 'The item fails with an error' },
			],
			description: 'Constant Contact keeps at most 255 characters per custom field value',
		},
	]),
];
