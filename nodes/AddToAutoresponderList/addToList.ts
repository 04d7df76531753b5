/**
 * Add Contact to List without n8n: chooses the strategy (one by one for small runs, in bulk from the threshold on)
 * after the checks every shopper needs. Every shopper comes back as exactly one ItemResult.
 */
import type { ConstantContactApi } from '../ConstantContact/api';
import { MAX_CUSTOM_FIELDS_PER_CONTACT_WRITE } from '../ConstantContact/limits';
import { addInBulk } from './addInBulk';
import { addOneByOne } from './addOneByOne';
import { record, type AddSettings, type Run } from './addRun';
import { missingFieldsError, resolveCustomFields } from './customFields';
import { InvalidInputError, InvalidParameterError, type ItemResult } from './results';
import type { Shopper } from './shopper';

/** The dispatcher under the operation: each shopper's custom fields resolved and checked, then one strategy adds them. */
export async function addShoppersToList(
	api: ConstantContactApi,
	shoppers: Shopper[],
	settings: AddSettings,
): Promise<ItemResult[]> {
	const retrigger = settings.repeatAbandoners === 'retrigger';
	const run: Run = {
		api,
		settings,
		fieldIds: new Map(),
		fieldNames: new Map(),
		results: new Map(),
		policy: {
			listId: settings.listId,
			consentPolicy: settings.consentPolicy,
			repeatAbandoners: settings.repeatAbandoners,
			cooldownMs: settings.cooldownMs,
			now: settings.now,
		},
	};

	// Without consent there is nothing to look up under the default policy: no request at all.
	let active = shoppers.filter((shopper) => {
		if (shopper.consent || settings.consentPolicy !== 'consented') return true;
		record(run, shopper, 'skipped', { reason: 'no-consent' });
		return false;
	});

	const labelsOf = (shopper: Shopper) => [...new Set([...shopper.cartValues.map((value) => value.label), ...(shopper.emptied ?? [])])];
	const labels = active.flatMap(labelsOf);
	if (retrigger) labels.push(settings.reentryFieldLabel);
	try {
		const resolved = await resolveCustomFields(api, labels, settings.createMissingFields || retrigger);
		for (const [label, field] of resolved.byLabel) {
			run.fieldIds.set(label, field.custom_field_id);
			run.fieldNames.set(field.custom_field_id, field.name ?? field.label.trim().replace(/\s+/g, '_'));
		}
		if (retrigger) run.policy.reentryFieldId = run.fieldIds.get(settings.reentryFieldLabel);
		if (settings.reportFieldBudget) run.fieldBudget = { customFieldsUsed: resolved.byLabel.size, customFieldsInAccount: resolved.accountFieldCount };
		const reentryProblem = retrigger ? resolved.problems.get(settings.reentryFieldLabel) : undefined;
		active = active.filter((shopper) => {
			const problems = labelsOf(shopper).filter((label) => resolved.problems.has(label));
			const missing = problems.filter((label) => resolved.problems.get(label) instanceof InvalidParameterError);
			const problem =
				missing.length > 1 ? missingFieldsError(missing) : (resolved.problems.get(problems[0]) ?? reentryProblem);
			const count = shopper.cartValues.length + (retrigger ? 1 : 0);
			if (problem) record(run, shopper, 'failed', { error: problem });
			else if (count > MAX_CUSTOM_FIELDS_PER_CONTACT_WRITE) {
				const message = `${count} custom fields were mapped; Constant Contact accepts at most ${MAX_CUSTOM_FIELDS_PER_CONTACT_WRITE} per contact.`;
				record(run, shopper, 'failed', { error: new InvalidInputError(message, 'too-many-fields') });
			} else return true;
			return false;
		});
	} catch (error) {
		for (const shopper of active) record(run, shopper, 'failed', { error: error as Error });
		active = [];
	}

	if (active.length > 0 && active.length >= settings.bulkThreshold) await addInBulk(run, active);
	else await addOneByOne(run, active);
	return shoppers.map((shopper) => run.results.get(shopper.index)!);
}
