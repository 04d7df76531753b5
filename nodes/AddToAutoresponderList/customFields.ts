/** Custom field labels -> Constant Contact custom fields, creating missing string fields when the user asked. */
import type { ConstantContactApi } from '../ConstantContact/api';
import { attempt, ConstantContactError } from '../ConstantContact/errors';
import { MAX_CUSTOM_FIELDS_PER_ACCOUNT } from '../ConstantContact/limits';
import type { CustomField } from '../ConstantContact/types';
import { InvalidParameterError } from './results';

export interface ResolvedFields {
	byLabel: Map<string, CustomField>;
	/** Labels that could not be resolved, with the reason. */
	problems: Map<string, Error>;
	created: string[];
	/** How many custom fields the account has, those created by this run included. */
	accountFieldCount: number;
}

function normalise(text: string): string {
	return text.trim().replace(/\s+/g, '_').toLowerCase();
}

function match(fields: CustomField[], label: string): CustomField | undefined {
	return (
		fields.find((field) => field.label === label) ??
		fields.find((field) => normalise(field.label) === normalise(label) || normalise(field.name ?? '') === normalise(label))
	);
}

/** Fields the account lacks while the node may not create them: one sentence naming every missing label. */
export function missingFieldsError(labels: string[]): InvalidParameterError {
	if (labels.length === 1) {
		return new InvalidParameterError(
			`Constant Contact has no custom field "${labels[0]}". Create it in Constant Contact, fix the label in "Cart Details (Custom Fields)", or turn on "Create Missing Custom Fields".`,
		);
	}
	return new InvalidParameterError(
		`Constant Contact has no custom fields ${labels.map((label) => `"${label}"`).join(', ')}. Turn on "Create Missing Custom Fields" (Options) to create them, or create them in Constant Contact (Contacts → Custom fields).`,
	);
}

export async function resolveCustomFields(
	api: ConstantContactApi,
	labels: string[],
	createMissing: boolean,
): Promise<ResolvedFields> {
	const resolved: ResolvedFields = { byLabel: new Map(), problems: new Map(), created: [], accountFieldCount: 0 };
	if (labels.length === 0) return resolved;
	let fields = await api.listCustomFields();
	resolved.accountFieldCount = fields.length;
	for (const label of new Set(labels)) {
		const existing = match(fields, label);
		if (existing) {
			resolved.byLabel.set(label, existing);
			continue;
		}
		if (!createMissing) {
			resolved.problems.set(label, missingFieldsError([label]));
			continue;
		}
		if (fields.length + resolved.created.length >= MAX_CUSTOM_FIELDS_PER_ACCOUNT) {
			resolved.problems.set(
				label,
				new ConstantContactError(
					`Cannot create the custom field "${label}": the account already has Constant Contact's maximum of ${MAX_CUSTOM_FIELDS_PER_ACCOUNT} custom fields. Delete unused ones or map to existing fields.`,
					'api',
				),
			);
			continue;
		}
		const created = await attempt(api.createCustomField(label, 'string'));
		if (created.ok) {
			resolved.byLabel.set(label, created.value);
			resolved.created.push(label);
			resolved.accountFieldCount++;
			continue;
		}
		// Another run may have created it a moment ago.
		if (created.error.status === 409) fields = await api.listCustomFields();
		const existingNow = created.error.status === 409 ? match(fields, label) : undefined;
		if (existingNow) resolved.byLabel.set(label, existingNow);
		else resolved.problems.set(label, created.error);
	}
	return resolved;
}
