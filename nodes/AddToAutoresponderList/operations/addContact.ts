/** Add Contact to List: its parameters, and the run that reads them per item and hands the shoppers to addShoppersToList. */
import type { IExecuteFunctions, INodeExecutionData, INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import { MAX_CUSTOM_FIELD_VALUE_LENGTH, MAX_CUSTOM_FIELDS_PER_ACCOUNT } from '../../ConstantContact/limits';
import { addShoppersToList } from '../addToList';
import { cartItemsOption, cartItemsSettingsOf, cartItemValues, withCartContents, type CartItemsParameters } from '../cartItems';
import { couponOption, type CouponOutcome, type CouponParameters } from '../coupon';
import { couponSettingsOf } from '../coupon';
import { readCoupon, reportCoupons } from '../couponOption';
import type { ConsentPolicy, RepeatPolicy } from '../decide';
import { forEachList, groupByList, readListReference, unreadableItem, type ListGroup } from '../items';
import { cartLinkProblem, parseAllowedLinkHosts, type AllowedLinkHosts } from '../links';
import { toOutput } from '../output';
import { DEFAULT_KEEP_INPUT_FIELDS, DEFAULT_REQUEST_TIMEOUT_SECONDS, listAndEmail, optionsCollection } from '../parameters';
import { DEFAULT_REENTRY_FIELD } from '../reentry';
import { defaultReminderStepOf, reminderStep, reminderStepOption } from '../reminderStep';
import { signedRecoveryLinkOption, signedRecoveryLinkSettingsOption, startRecoveryLinks, withSignedRecoveryLink } from '../recoveryLinkOption';
import { itemResult, type ItemResult } from '../results';
import { LONG_VALUES_OPTION, readShopper, type LongValuePolicy, type Shopper } from '../shopper';

export const operation: INodePropertyOptions = {
	name: 'Add Contact to List',
	value: 'addContact',
	action: 'Add a contact to a list',
	description: 'Create or update the shopper with the cart details and put them on the list',
};

// What a parameter the user leaves alone means: the editor shows these, the run falls back to them.
export const DEFAULT_CONSENT_POLICY: ConsentPolicy = 'consented';
export const DEFAULT_REPEAT_ABANDONERS: RepeatPolicy = 'leave';
export const DEFAULT_COOLDOWN_DAYS = 7;
export const DEFAULT_BULK_THRESHOLD = 50;
export const DEFAULT_LONG_VALUES: LongValuePolicy = 'truncate';

const show = { show: { operation: ['addContact'] } };

// n8n's lint wants boolean defaults written out, so these parameters are named and the run reads their default.
const consentParameter: INodeProperties = {
	displayName: 'Shopper Gave Marketing Consent',
	name: 'consent',
	type: 'boolean',
	default: false,
	displayOptions: show,
	description:
		'Whether this shopper explicitly agreed to marketing email. true, "yes", "opted_in" and 1 count as consent; anything else does not.',
	hint: 'Map it from your data, e.g. {{ $json.acceptsMarketing }}',
};

const createListIfMissingOption: INodeProperties = {
	displayName: 'Create List If Missing',
	name: 'createListIfMissing',
	type: 'boolean',
	default: false,
	description: 'Whether to create the list when "List" is given by name and no list has that name',
};

const createMissingFieldsOption: INodeProperties = {
	displayName: 'Create Missing Custom Fields',
	name: 'createMissingFields',
	type: 'boolean',
	default: false,
	description:
		`Whether to create custom fields (type text) that do not exist yet. An account can have at most ${MAX_CUSTOM_FIELDS_PER_ACCOUNT} custom fields.`,
};

const DEFAULT_CONSENT = consentParameter.default as boolean;
const DEFAULT_CREATE_LIST_IF_MISSING = createListIfMissingOption.default as boolean;
const DEFAULT_CREATE_MISSING_FIELDS = createMissingFieldsOption.default as boolean;

export const properties: INodeProperties[] = [
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
	consentParameter,
	{
		displayName: 'Consent Policy',
		name: 'consentPolicy',
		type: 'options',
		default: DEFAULT_CONSENT_POLICY,
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
		default: DEFAULT_REPEAT_ABANDONERS,
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
		default: DEFAULT_COOLDOWN_DAYS,
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
		{
			displayName: 'Bulk Threshold',
			name: 'bulkThreshold',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: DEFAULT_BULK_THRESHOLD,
			description:
				'From this many items on, the node uses Constant Contact\'s bulk import and list activities instead of calls per item. Bulk imports record new contacts with implied permission and never send a Welcome email.',
		},
		cartItemsOption,
		couponOption,
		createListIfMissingOption,
		createMissingFieldsOption,
		{
			displayName: 'Re-Entry Field',
			name: 'reentryField',
			type: 'string',
			default: DEFAULT_REENTRY_FIELD,
			description:
				'Custom field (created when missing) that remembers when this node put the contact on each list; used by Re-Trigger the Automation',
		},
		{
			displayName: LONG_VALUES_OPTION,
			name: 'longValues',
			type: 'options',
			default: DEFAULT_LONG_VALUES,
			options: [
				{
					name: 'Truncate',
					value: 'truncate',
					description: 'Cut at a character boundary and list the field in "truncated"',
				},
				{ name: 'Fail the Item', value: 'fail', description: 'The item fails with an error' },
			],
			description: `Constant Contact keeps at most ${MAX_CUSTOM_FIELD_VALUE_LENGTH} characters per custom field value`,
		},
		reminderStepOption,
		signedRecoveryLinkOption,
		signedRecoveryLinkSettingsOption,
	]),
];

interface AddOptions {
	allowedLinkHosts?: string;
	bulkThreshold?: number;
	cartItems?: { settings?: CartItemsParameters };
	coupon?: { settings?: CouponParameters };
	createListIfMissing?: boolean;
	createMissingFields?: boolean;
	keepInputFields?: boolean;
	reentryField?: string;
	requestTimeout?: number;
	longValues?: LongValuePolicy;
	reminderStep?: unknown;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Settings compiled from run-wide parameters, once per run and only when an item needs them; a bad setting is thrown
 * again for every item that needs it, so each fails with its own index, as when each compiled its own.
 */
function compiledOnce<T>(compile: () => T): () => T {
	let settled: { value: T } | { error: unknown } | undefined;
	return () => {
		if (!settled) {
			try {
				settled = { value: compile() };
			} catch (error) {
				settled = { error };
			}
		}
		if ('error' in settled) throw settled.error;
		return settled.value;
	};
}

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const items = this.getInputData();
	const options = this.getNodeParameter('options', 0, {}) as AddOptions;
	const consentPolicy = this.getNodeParameter('consentPolicy', 0, DEFAULT_CONSENT_POLICY) as ConsentPolicy;
	const repeatAbandoners = this.getNodeParameter('repeatAbandoners', 0, DEFAULT_REPEAT_ABANDONERS) as RepeatPolicy;
	const cooldownDays =
		repeatAbandoners === 'retrigger' ? (this.getNodeParameter('cooldownDays', 0, DEFAULT_COOLDOWN_DAYS) as number) : 0;
	const longValues = options.longValues ?? DEFAULT_LONG_VALUES;
	// Not set (workflows made before the option existed): any web link passes; set, even empty: only these hosts.
	const allowedLinkHosts: AllowedLinkHosts = options.allowedLinkHosts === undefined ? undefined : parseAllowedLinkHosts(options.allowedLinkHosts);
	const recoveryLinks = await startRecoveryLinks(this, options as Record<string, unknown>, allowedLinkHosts);

	const cartItems = options.cartItems?.settings;
	const couponParameters = options.coupon?.settings;
	const cartItemsSettings = compiledOnce(() => cartItemsSettingsOf(cartItems ?? {}));
	const couponSettings = compiledOnce(() => couponSettingsOf(couponParameters ?? {}));
	const usesStep = cartItems !== undefined || couponParameters !== undefined || recoveryLinks !== undefined;

	const results: ItemResult[] = [];
	const coupons: Array<CouponOutcome | undefined> = [];
	const groups = new Map<string, ListGroup<Shopper>>();
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		let email = '';
		try {
			const json = items[itemIndex].json;
			email = String(this.getNodeParameter('email', itemIndex, '') ?? '').trim();
			let cartFields = this.getNodeParameter('cartFields.field', itemIndex, []) as Array<{ label: unknown; value: unknown }>;
			// Not in Options: the option's default expression, $json.decision?.step.
			const step = usesStep
				? reminderStep(options.reminderStep === undefined ? defaultReminderStepOf(json) : this.getNodeParameter('options.reminderStep', itemIndex))
				: 1;
			const locale = cartItems ? String(this.getNodeParameter('options.cartItems.settings.locale', itemIndex, '') ?? '') : '';
			const contents = cartItems ? cartItemValues(json, cartItemsSettings(), locale, step) : undefined;
			if (contents) cartFields = withCartContents(cartFields, contents);
			const coupon = couponParameters ? readCoupon(this, json, couponSettings(), step, locale) : undefined;
			if (coupon) cartFields = withCartContents(cartFields, coupon);
			coupons[itemIndex] = coupon?.coupon;
			if (recoveryLinks) cartFields = withSignedRecoveryLink(this, itemIndex, recoveryLinks, cartFields, step);
			const shopper = readShopper(
				{
					index: itemIndex,
					email,
					firstName: this.getNodeParameter('firstName', itemIndex, ''),
					lastName: this.getNodeParameter('lastName', itemIndex, ''),
					consent: this.getNodeParameter('consent', itemIndex, DEFAULT_CONSENT),
					cartValues: cartFields,
				},
				longValues,
			);
			shopper.emptied = [...(contents?.emptied ?? []), ...(coupon?.emptied ?? [])];
			const linkProblem = cartLinkProblem(shopper.cartValues, allowedLinkHosts);
			if (linkProblem) {
				// A hijacked or scripted link is the data's problem, not a failure: nothing is written for this shopper.
				results[itemIndex] = itemResult(itemIndex, shopper.email, null, 'skipped', { reason: linkProblem.reason });
				continue;
			}
			groupByList(groups, readListReference(this, itemIndex), shopper);
		} catch (error) {
			results[itemIndex] = unreadableItem(itemIndex, email, error as Error);
		}
	}

	const perList = {
		requestTimeoutSeconds: options.requestTimeout ?? DEFAULT_REQUEST_TIMEOUT_SECONDS,
		createListIfMissing: options.createListIfMissing ?? DEFAULT_CREATE_LIST_IF_MISSING,
	};
	await forEachList(this, groups, results, perList, async (api, listId, shoppers) =>
		await addShoppersToList(api, shoppers, {
			listId,
			consentPolicy,
			repeatAbandoners,
			cooldownMs: cooldownDays * DAY_MS,
			reentryFieldLabel: options.reentryField?.trim() || DEFAULT_REENTRY_FIELD,
			createMissingFields: options.createMissingFields ?? DEFAULT_CREATE_MISSING_FIELDS,
			bulkThreshold: options.bulkThreshold ?? DEFAULT_BULK_THRESHOLD,
			reportFieldBudget: cartItems !== undefined || couponParameters !== undefined,
			now: Date.now(),
			stopAtFirstFailure: !this.continueOnFail(),
		}),
	);
	const output = toOutput(this, items, results, options.keepInputFields ?? DEFAULT_KEEP_INPUT_FIELDS);
	if (couponParameters) reportCoupons(this, output, coupons);
	return output;
}
