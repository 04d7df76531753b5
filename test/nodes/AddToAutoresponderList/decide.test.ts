/** decide(): what to do with one shopper, given the contact Constant Contact has (or not) and the policy. Pure. */
import { decide, type AddPolicy } from '../../../nodes/AddToAutoresponderList/decide';
import { EXAMPLE_LIST_ID as LIST } from '../../../nodes/AddToAutoresponderList/lists';
import type { Shopper } from '../../../nodes/AddToAutoresponderList/shopper';
import type { Contact } from '../../../nodes/ConstantContact/types';
import { DAY, NOW_MS as NOW } from '../../support/carts';

const policy = (overrides: Partial<AddPolicy> = {}): AddPolicy => ({
	listId: LIST,
	consentPolicy: 'consented',
	repeatAbandoners: 'leave',
	cooldownMs: 7 * DAY,
	reentryFieldId: 'cf-entries',
	now: NOW,
	...overrides,
});
const shopper = (consent: boolean): Shopper => ({ index: 0, email: 'jo@example.com', consent, cartValues: [], truncated: [] });
const contact = (permission: string, lists: string[] = [], entries?: string): Contact =>
	({
		contact_id: 'c-1',
		email_address: { address: 'jo@example.com', permission_to_send: permission },
		list_memberships: lists,
		custom_fields: entries ? [{ custom_field_id: 'cf-entries', value: entries }] : [],
	}) as Contact;

describe('decide', () => {
	it('never touches unsubscribed or deleted contacts, whatever the policy', () => {
		expect(decide(shopper(true), contact('unsubscribed'), policy({ consentPolicy: 'allShoppers' }))).toEqual({ action: 'skip', reason: 'unsubscribed' });
		expect(decide(shopper(true), { ...contact('implicit'), deleted_at: '2026-01-01' }, policy())).toEqual({ action: 'skip', reason: 'deleted' });
	});

	it('creates with explicit permission only for consenting shoppers, and implied only under All Shoppers', () => {
		expect(decide(shopper(true), undefined, policy())).toEqual({ action: 'create', permission: 'explicit' });
		expect(decide(shopper(false), undefined, policy({ consentPolicy: 'consentedOrSubscribed' }))).toEqual({ action: 'skip', reason: 'no-consent' });
		expect(decide(shopper(false), undefined, policy({ consentPolicy: 'allShoppers' }))).toEqual({ action: 'create', permission: 'implicit' });
	});

	it('re-triggers a contact on the list only after the cooldown since its last entry', () => {
		const retrigger = policy({ repeatAbandoners: 'retrigger' });
		const recent = contact('explicit', [LIST], `${LIST}=${new Date(NOW - 2 * DAY).toISOString()}`);
		const old = contact('explicit', [LIST], `${LIST}=${new Date(NOW - 8 * DAY).toISOString()}`);
		expect(decide(shopper(true), recent, retrigger)).toMatchObject({ action: 'stay', reason: 'cooldown' });
		expect(decide(shopper(true), old, retrigger)).toMatchObject({ action: 'rejoin' });
		expect(decide(shopper(true), recent, policy())).toMatchObject({ action: 'stay', reason: 'already-on-list' });
	});

	it('lets an existing contact without the shopper\'s consent join only where the policy allows it', () => {
		const subscriber = contact('implicit');
		expect(decide(shopper(false), subscriber, policy())).toEqual({ action: 'skip', reason: 'no-consent' });
		expect(decide(shopper(false), subscriber, policy({ consentPolicy: 'consentedOrSubscribed' }))).toEqual({ action: 'join', contact: subscriber });
		expect(decide(shopper(false), contact('pending_confirmation'), policy({ consentPolicy: 'consentedOrSubscribed' }))).toEqual({ action: 'skip', reason: 'no-consent' });
		expect(decide(shopper(false), subscriber, policy({ consentPolicy: 'allShoppers' }))).toEqual({ action: 'join', contact: subscriber });
	});

	it('re-triggers a contact on the list when no entry time is recorded or no re-entry field is known', () => {
		const onList = contact('explicit', [LIST]);
		expect(decide(shopper(true), onList, policy({ repeatAbandoners: 'retrigger' }))).toEqual({ action: 'rejoin', contact: onList });
		const recent = contact('explicit', [LIST], `${LIST}=${new Date(NOW - 2 * DAY).toISOString()}`);
		expect(decide(shopper(true), recent, policy({ repeatAbandoners: 'retrigger', reentryFieldId: undefined }))).toMatchObject({ action: 'rejoin' });
	});

	it('lets the cooldown end exactly at its length, on the clock it is given', () => {
		const retrigger = policy({ repeatAbandoners: 'retrigger' });
		const entered = contact('explicit', [LIST], `${LIST}=${new Date(NOW - 7 * DAY).toISOString()}`);
		expect(decide(shopper(true), entered, retrigger)).toMatchObject({ action: 'rejoin' });
		expect(decide(shopper(true), entered, { ...retrigger, now: NOW - 1 })).toMatchObject({ action: 'stay', reason: 'cooldown' });
	});
});
