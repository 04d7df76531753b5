/**
 * Decide: route each cart to Send Reminder, Wait or Skip, with the reason. (`../decide.ts` decides one cart, pure;
 * this operation decides a run's carts with n8n: parameters, workflow memory, n8n's deduplication store.)
 */
import {
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeProperties,
} from 'n8n-workflow';

import { decide, holdBackSentElsewhere, oneReminderPerShopper, unreadableDecision, type Candidate, type Decision } from '../decide';
import { DeduplicationStore, DEDUPLICATION_PROBE_LIMIT, reminderKey } from '../deduplicationStore';
import { fieldNamesProperty } from '../description';
import { MEMORY_STATIC_DATA_SCOPE, memoryForDecide, type StaticData } from '../memory';
import { isCart, readCarts } from '../readCart';
import type { DecisionKind } from '../reasons';
import {
	decideSettingsOf,
	DEFAULT_ABANDONED_AFTER_MINUTES,
	DEFAULT_CONSENT_MODE,
	DEFAULT_COOLDOWN,
	DEFAULT_GIVE_UP_AFTER,
	DEFAULT_MAX_REMEMBERED_CARTS,
	DEFAULT_MEMORY_MODE,
	DEFAULT_MEMORY_NAME,
	DEFAULT_PURCHASE_STATUSES,
	DEFAULT_REMINDER_STEPS,
	DEFAULT_TIME_ZONE,
	MIN_ABANDONED_AFTER_MINUTES,
	type DecideParameters,
	type DecideSettings,
	type FieldNames,
	type Options,
} from '../settings';

const DECIDE_ONLY = { show: { operation: ['decide'] } };

/** Field Names sit between Send To and Options in the editor; Mark Reminders Sent shows them too. */
export const properties: INodeProperties[] = [
	{
		displayName: 'Abandoned After (Minutes)',
		name: 'inactivityMinutes',
		type: 'number',
		typeOptions: { minValue: MIN_ABANDONED_AFTER_MINUTES },
		displayOptions: DECIDE_ONLY,
		default: DEFAULT_ABANDONED_AFTER_MINUTES,
		description: 'A cart counts as abandoned once the shopper has been inactive this long',
	},
	{
		displayName: 'Reminder Steps',
		name: 'steps',
		type: 'string',
		displayOptions: DECIDE_ONLY,
		default: DEFAULT_REMINDER_STEPS,
		placeholder: '1h, 24h, 72h',
		description:
			'When each reminder is due, after the shopper\'s last activity, separated by commas (m, h, d, w). Each output says which step is due.',
	},
	{
		displayName: 'Give Up After',
		name: 'giveUpAfter',
		type: 'string',
		displayOptions: DECIDE_ONLY,
		default: DEFAULT_GIVE_UP_AFTER,
		description:
			'No reminder goes out later than this after the shopper\'s last activity, even after n8n was down for a while',
	},
	{
		displayName: 'Send To',
		name: 'consentMode',
		type: 'options',
		displayOptions: DECIDE_ONLY,
		options: [
			{
				name: 'Opted-in Shoppers Only',
				value: 'optedIn',
				description: 'Only shoppers whose consent field says they opted in to marketing',
			},
			{
				name: 'Everyone With an Email',
				value: 'everyone',
				description: 'Every shopper with a valid email, except those who explicitly opted out',
			},
		],
		default: DEFAULT_CONSENT_MODE,
	},
	fieldNamesProperty,
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		displayOptions: DECIDE_ONLY,
		options: [
			{
				displayName: 'Default Time Zone',
				name: 'defaultTimeZone',
				type: 'string',
				default: DEFAULT_TIME_ZONE,
				description: 'The quiet-hours time zone for shoppers whose cart has none',
			},
			{
				displayName: 'Evaluate At',
				name: 'evaluateAt',
				type: 'string',
				default: '',
				placeholder: '2026-03-08T12:00:00Z',
				description: 'Decide as if it were this time (dry runs on history). Empty means now.',
			},
			{
				displayName: 'Minimum Cart Value',
				name: 'minCartValue',
				type: 'number',
				typeOptions: { minValue: 0, numberPrecision: 2 },
				default: 0,
				description: 'Carts below this total are skipped; 0 means no minimum',
			},
			{
				displayName: 'Purchased Statuses',
				name: 'purchaseStatuses',
				type: 'string',
				default: DEFAULT_PURCHASE_STATUSES,
				description:
					'Statuses that mean the shopper paid, separated by commas. Pending, failed or cancelled orders are not purchases, so they are not listed.',
			},
			{
				displayName: 'Quiet Hours End',
				name: 'quietHoursEnd',
				type: 'string',
				default: '',
				placeholder: '08:00',
				description: 'End of the quiet hours in the shopper\'s time zone (HH:MM). Leave both quiet-hours fields empty for none.',
			},
			{
				displayName: 'Quiet Hours Start',
				name: 'quietHoursStart',
				type: 'string',
				default: '',
				placeholder: '21:00',
				description:
					'No reminder is sent from this time (HH:MM, shopper\'s time zone); due carts wait and carry nextCheckAt. May cross midnight.',
			},
			{
				displayName: 'Remember At Most (Carts)',
				name: 'maxRememberedCarts',
				type: 'number',
				typeOptions: { minValue: 1000, maxValue: 1000000 },
				default: DEFAULT_MAX_REMEMBERED_CARTS,
				description: 'With "n8n Remembers": the oldest entries are dropped beyond this many carts',
			},
			{
				displayName: 'Require Items',
				name: 'requireItems',
				type: 'boolean',
				default: true,
				description: 'Whether empty carts (or carts without an items field) are skipped',
			},
			{
				displayName: 'Restart Sequence When Cart Changes',
				name: 'restartOnUpdate',
				type: 'boolean',
				default: false,
				description: 'Whether a cart updated after its last reminder starts again at step 1',
			},
			{
				displayName: 'Shopper Cooldown',
				name: 'cooldown',
				type: 'string',
				default: DEFAULT_COOLDOWN,
				description: 'One reminder per email address within this time, across all of the shopper\'s carts',
			},
			{
				displayName: 'Timestamps Without Offset Are In',
				name: 'sourceTimeZone',
				type: 'string',
				default: DEFAULT_TIME_ZONE,
				description: 'The time zone of timestamps that carry no offset, such as SQL DATETIME columns',
			},
		],
	},
];

function parametersOf(ctx: IExecuteFunctions): DecideParameters {
	return {
		fields: ctx.getNodeParameter('fields', 0, {}) as FieldNames,
		steps: String(ctx.getNodeParameter('steps', 0, DEFAULT_REMINDER_STEPS)),
		inactivityMinutes: ctx.getNodeParameter('inactivityMinutes', 0, DEFAULT_ABANDONED_AFTER_MINUTES),
		giveUpAfter: String(ctx.getNodeParameter('giveUpAfter', 0, DEFAULT_GIVE_UP_AFTER)),
		consentMode: ctx.getNodeParameter('consentMode', 0, DEFAULT_CONSENT_MODE),
		options: ctx.getNodeParameter('options', 0, {}) as Options,
		memoryMode: ctx.getNodeParameter('memoryMode', 0, DEFAULT_MEMORY_MODE),
		memoryName: ctx.getNodeParameter('memoryName', 0, DEFAULT_MEMORY_NAME),
	};
}

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const rows = items.map((item) => item.json);
	let settings: DecideSettings;
	try {
		settings = decideSettingsOf(parametersOf(this), rows);
	} catch (error) {
		throw new NodeOperationError(this.getNode(), error as Error, { itemIndex: 0 });
	}
	const { policy, now, memoryName } = settings;
	const read = readCarts(rows, settings.paths, settings.sourceZone);
	const memory = memoryForDecide(
		settings.memoryMode,
		this.getWorkflowStaticData(MEMORY_STATIC_DATA_SCOPE) as StaticData,
		memoryName,
		read.filter(isCart),
		now,
		{ maxCarts: settings.maxCarts, retentionMs: policy.giveUpMs + policy.cooldownMs },
	);

	const decisions = new Array<Decision>(items.length);
	const candidates: Candidate[] = [];
	for (let i = 0; i < read.length; i++) {
		const cart = read[i];
		if (!isCart(cart)) {
			decisions[i] = unreadableDecision(cart.reason, cart.facts, policy);
			continue;
		}
		try {
			decisions[i] = decide(cart, policy, now, memory.view);
		} catch (error) {
			if (!this.continueOnFail()) throw new NodeOperationError(this.getNode(), error as Error, { itemIndex: i });
			decisions[i] = unreadableDecision('internal_error', { detail: (error as Error).message }, policy);
			continue;
		}
		if (decisions[i].decision === 'send') candidates.push({ index: i, cart, decision: decisions[i] });
	}

	const { remembered } = memory;
	if (remembered && candidates.length > 0 && candidates.length <= DEDUPLICATION_PROBE_LIMIT) {
		const keyOf = (c: Candidate) => reminderKey(memoryName, c.cart.id, c.decision.sequence, c.decision.step ?? 1);
		const elsewhere = await new DeduplicationStore(this).recordedElsewhere(candidates.map(keyOf));
		for (const held of holdBackSentElsewhere(candidates, (c) => elsewhere.has(keyOf(c)), policy, now)) {
			// Learn it, so the next run moves on to the next step instead of asking again
			remembered.recordSent(held.cart.id, held.cart.email, held.decision.step ?? 1, held.decision.sequence, now);
		}
	}
	oneReminderPerShopper(candidates, policy, now);
	for (const candidate of candidates) decisions[candidate.index] = candidate.decision;

	const outputs: Record<DecisionKind, INodeExecutionData[]> = { send: [], wait: [], skip: [] };
	items.forEach((item, i) => {
		outputs[decisions[i].decision].push({
			json: { ...item.json, decision: decisions[i] as unknown as IDataObject },
			pairedItem: { item: i },
		});
	});
	return [outputs.send, outputs.wait, outputs.skip];
}
