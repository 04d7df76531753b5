/** The one-by-one strategy: per shopper a look-up, then a sign-up, a create or an update. */
import { attempt, ConstantContactError } from '../ConstantContact/errors';
import { MAX_EMAIL_LENGTH_SIGN_UP_AND_IMPORT } from '../ConstantContact/limits';
import {
	CONTACT_INCLUDE,
	fieldsToWrite,
	JOIN_STATUS,
	record,
	recordRefusedAddress,
	type Run,
} from './addRun';
import { completeContactUpdate } from './contactUpdate';
import { decide } from './decide';
import { changeListMembership } from './listMemberships';
import type { Shopper } from './shopper';

/** Errors after which every further request would fail the same way (a 429 that outlasted every retry included). */
function stopsTheRun(error: unknown): boolean {
	const kind = (error as ConstantContactError).kind;
	return kind === 'quota' || kind === 'auth' || kind === 'throttled';
}

/** Shoppers in turn; after an error that every later request would meet too, the rest fail with it. */
export async function addOneByOne(run: Run, shoppers: Shopper[]): Promise<void> {
	let stop: Error | undefined;
	for (const shopper of shoppers) {
		if (stop) {
			record(run, shopper, 'failed', { error: stop });
			continue;
		}
		try {
			await addOneShopper(run, shopper, true);
		} catch (error) {
			record(run, shopper, 'failed', { error: error as Error });
			if (stopsTheRun(error) || run.settings.stopAtFirstFailure) stop = error as Error;
		}
	}
}

async function addOneShopper(run: Run, shopper: Shopper, mayRetryConflict: boolean): Promise<void> {
	const { api, settings } = run;
	const contact = await api.getContactByEmail(shopper.email, [...CONTACT_INCLUDE]);
	const decision = decide(shopper, contact, run.policy);
	if (decision.action === 'skip') {
		record(run, shopper, 'skipped', { reason: decision.reason, contactId: contact?.contact_id });
		return;
	}
	if (decision.action === 'create') {
		const written = fieldsToWrite(run, shopper, undefined, true);
		if (decision.permission === 'explicit' && shopper.email.length <= MAX_EMAIL_LENGTH_SIGN_UP_AND_IMPORT) {
			const signedUp = await attempt(
				api.signUpForm({
					email_address: shopper.email,
					first_name: shopper.firstName,
					last_name: shopper.lastName,
					list_memberships: [settings.listId],
					custom_fields: written.customFields.length ? written.customFields : undefined,
				}),
			);
			if (!signedUp.ok) return recordRefusedAddress(run, shopper, signedUp.error);
			// "updated" means the contact appeared between our look-up and the sign-up (another run).
			const status = signedUp.value.action === 'updated' ? 'added' : 'created';
			record(run, shopper, status, { contactId: signedUp.value.contact_id, customFields: written.byLabel });
			return;
		}
		const created = await attempt(
			api.createContact({
				email_address: { address: shopper.email, permission_to_send: decision.permission },
				// Explicit consent came from the shopper (Contact); implied permission is the account's claim (Account).
				create_source: decision.permission === 'explicit' ? 'Contact' : 'Account',
				first_name: shopper.firstName,
				last_name: shopper.lastName,
				list_memberships: [settings.listId],
				custom_fields: written.customFields.length ? written.customFields : undefined,
			}),
		);
		if (created.ok) {
			record(run, shopper, 'created', { contactId: created.value.contact_id, customFields: written.byLabel });
			return;
		}
		// The contact was created by someone else meanwhile: decide again with what exists now.
		if (created.error.status === 409 && mayRetryConflict) return await addOneShopper(run, shopper, false);
		return recordRefusedAddress(run, shopper, created.error);
	}

	const existing = decision.contact;
	let current = existing;
	if (decision.action === 'rejoin') {
		await removeFromListAndWait(run, existing.contact_id);
		// Read again right before the write: lists joined while the removal ran must be in the PUT, or it drops them.
		current = await api.getContact(existing.contact_id, [...CONTACT_INCLUDE]);
	}
	const joins = decision.action !== 'stay';
	const written = fieldsToWrite(run, shopper, current, joins);
	if (joins || written.customFields.length > 0) {
		await api.updateContact(
			existing.contact_id,
			completeContactUpdate(current, shopper.email, {
				firstName: shopper.firstName,
				lastName: shopper.lastName,
				customFields: written.customFields,
				joinListId: joins ? settings.listId : undefined,
			}),
		);
	}
	record(run, shopper, JOIN_STATUS[decision.action], {
		contactId: existing.contact_id,
		customFields: written.byLabel,
		reason: decision.action === 'stay' ? decision.reason : null,
	});
}

/** Removes the contact from the list and waits, so the re-add that follows is a real join. */
async function removeFromListAndWait(run: Run, contactId: string): Promise<void> {
	const [{ activity }] = await changeListMembership(run.api, run.settings.listId, 'remove', [contactId], (id) => id);
	if (activity.state !== 'completed') {
		throw new ConstantContactError(
			`Constant Contact could not take the contact off the list to re-trigger the automation (bulk activity ${activity.state}).`,
			'activity',
		);
	}
}
