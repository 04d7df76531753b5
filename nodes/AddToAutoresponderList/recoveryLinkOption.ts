/**
 * The "Signed Recovery Link" option of Add Contact to List: its parameters, its credential, and reading them per item.
 * The link itself is built by the pure rules in recoveryLink.ts.
 */
import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { AllowedLinkHosts } from './links';
import {
	DEFAULT_LINK_VALID_DAYS,
	DEFAULT_UTM_CAMPAIGN,
	RECOVERY_URL_FIELD,
	signedRecoveryLink,
	TOKEN_PLACEHOLDER,
	withRecoveryLink,
} from './recoveryLink';

export const CART_LINK_SECRET_CREDENTIAL = 'cartLinkSecretApi';
const SWITCH = 'signedRecoveryLink';
const SETTINGS = 'signedRecoveryLinkSettings';
export const DEFAULT_CART_ID_EXPRESSION = '={{ $json.id }}';
const RECOVERY_TOKEN_FIELD_EXAMPLE = 'ac_recovery_token';

export const signedRecoveryLinkOption: INodeProperties = {
	displayName: 'Signed Recovery Link',
	name: SWITCH,
	type: 'boolean',
	default: false,
	description:
		`Whether to build the recovery link here: your URL template with a signed, expiring token of the cart ID, plus UTM parameters per step, written to ${RECOVERY_URL_FIELD} (it replaces the item's own URL). Needs a Cart Link Secret credential.`,
};

export const signedRecoveryLinkSettingsOption: INodeProperties = {
	displayName: 'Signed Recovery Link Settings',
	name: SETTINGS,
	type: 'fixedCollection',
	default: {},
	placeholder: 'Add Link Settings',
	displayOptions: { show: { [SWITCH]: [true] } },
	options: [
		{
			displayName: 'Link',
			name: 'link',
			values: [
				{
					displayName: 'Cart ID',
					name: 'cartId',
					type: 'string',
					default: DEFAULT_CART_ID_EXPRESSION,
					description: 'The cart the link restores; the token carries it, signed',
				},
				{
					displayName: 'Custom Field Label',
					name: 'fieldLabel',
					type: 'string',
					default: RECOVERY_URL_FIELD,
					description: 'The custom field the link is written to; the email\'s button links to it',
				},
				{
					displayName: 'Link Parameter Field Label',
					name: 'linkParameterField',
					type: 'string',
					default: '',
					placeholder: `e.g. ${RECOVERY_TOKEN_FIELD_EXAMPLE}`,
					description:
						`Also write what goes in place of ${TOKEN_PLACEHOLDER} alone to this custom field, for a Constant Contact dynamic link such as https://shop.example.com/cart/restore?token=[[field]]. Empty: not written.`,
				},
				{
					displayName: 'Link Valid (Days)',
					name: 'validDays',
					type: 'number',
					typeOptions: { minValue: 1 },
					default: DEFAULT_LINK_VALID_DAYS,
					description: 'How long after this reminder the link restores the cart; the shop refuses it afterwards',
				},
				{
					displayName: 'URL Template',
					name: 'urlTemplate',
					type: 'string',
					default: '',
					required: true,
					placeholder: `e.g. https://shop.example.com/cart/restore?token=${TOKEN_PLACEHOLDER}`,
					description: `Your shop's cart restore address, with ${TOKEN_PLACEHOLDER} where the signed token goes. Its host must be in Allowed Link Hosts when that option is set.`,
				},
				{
					displayName: 'UTM Campaign',
					name: 'utmCampaign',
					type: 'string',
					default: DEFAULT_UTM_CAMPAIGN,
					description: 'Utm_campaign of the link, next to utm_source=constantcontact, utm_medium=email and utm_content=step-N (N from Options → Reminder Step). Empty: no UTM parameters.',
				},
			],
		},
	],
};

interface LinkSettings {
	urlTemplate?: unknown;
	cartId?: unknown;
	validDays?: unknown;
	utmCampaign?: unknown;
	fieldLabel?: unknown;
	linkParameterField?: unknown;
}

/** What building a link needs beyond the item: the secret (undefined: no credential selected), the clock, the hosts. */
export interface RecoveryLinkRun {
	secret: string | undefined;
	nowMs: number;
	allowedHosts: AllowedLinkHosts;
}

/** undefined when the option is off; otherwise the secret, read once for all items. */
export async function startRecoveryLinks(
	context: IExecuteFunctions,
	options: Record<string, unknown>,
	allowedHosts: AllowedLinkHosts,
): Promise<RecoveryLinkRun | undefined> {
	if (options[SWITCH] !== true) return undefined;
	const nowMs = Date.now();
	// n8n refuses when the credential is not selected; every item then fails with the sentence that says so.
	const credential = await context.getCredentials(CART_LINK_SECRET_CREDENTIAL).catch(() => undefined);
	const secret = credential === undefined ? undefined : typeof credential.secret === 'string' ? credential.secret : '';
	return { secret, nowMs, allowedHosts };
}

/** The item's cart fields with the signed link of this reminder step in its field; a mistake in the settings fails the item (invalid-parameter). */
export function withSignedRecoveryLink(
	context: IExecuteFunctions,
	itemIndex: number,
	run: RecoveryLinkRun,
	cartFields: Array<{ label: unknown; value: unknown }>,
	step: number,
): Array<{ label: unknown; value: unknown }> {
	const settings = context.getNodeParameter(`options.${SETTINGS}.link`, itemIndex, {}) as LinkSettings;
	const fieldLabel = String(settings.fieldLabel ?? '').trim() || RECOVERY_URL_FIELD;
	const link = signedRecoveryLink({
		urlTemplate: String(settings.urlTemplate ?? ''),
		cartId: String(settings.cartId ?? ''),
		step,
		validDays: settings.validDays === undefined ? DEFAULT_LINK_VALID_DAYS : Number(settings.validDays),
		utmCampaign: String(settings.utmCampaign ?? DEFAULT_UTM_CAMPAIGN),
		secret: run.secret,
		nowMs: run.nowMs,
		allowedHosts: run.allowedHosts,
		fieldLabel,
	});
	const parameterFieldLabel = String(settings.linkParameterField ?? '').trim();
	const parameterField = parameterFieldLabel === '' ? [] : [{ label: parameterFieldLabel, value: link.token }];
	return withRecoveryLink(cartFields, [{ label: fieldLabel, value: link.url }, ...parameterField]);
}
