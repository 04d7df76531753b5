/** The list the user picked: by ID (checked once per run), from the list, or by name (created when asked). */
import type { ConstantContactApi } from '../ConstantContact/api';
import { attempt } from '../ConstantContact/errors';
import { isUuid, MAX_LIST_NAME_LENGTH } from '../ConstantContact/limits';
import type { ContactList } from '../ConstantContact/types';
import { InvalidParameterError } from './results';

/** The list ID the editor's placeholder and the messages about a malformed ID show. */
export const EXAMPLE_LIST_ID = '3f1c2a9e-5b7d-11ee-8c99-0242ac120002';

export interface ListReference {
	mode: string;
	value: string;
}

/** Throws InvalidParameterError for a reference no list can have (none, a malformed ID, a name too long): no request. */
export function checkListReference(reference: ListReference): ListReference {
	const value = reference.value.trim();
	if (reference.mode === 'name') {
		if (value === '') throw new InvalidParameterError('No list name is entered. Type the autoresponder list\'s name in "List".');
		if (value.length > MAX_LIST_NAME_LENGTH) {
			throw new InvalidParameterError(
				`The list name in "List" has ${value.length} characters; a Constant Contact list name has at most ${MAX_LIST_NAME_LENGTH}. Shorten it.`,
			);
		}
	} else if (value === '') {
		throw new InvalidParameterError('No list is selected. Pick the autoresponder list in "List".');
	} else if (!isUuid(value)) {
		throw new InvalidParameterError(
			`"${value}" in "List" is not a Constant Contact list ID (a UUID such as ${EXAMPLE_LIST_ID}). Choose it with "From List", or enter its name with "By Name".`,
		);
	}
	return { mode: reference.mode, value };
}

/** The list a checked reference (see checkListReference, run where items are read) names in Constant Contact. */
export async function resolveList(
	api: ConstantContactApi,
	{ mode, value }: ListReference,
	createIfMissing: boolean,
): Promise<ContactList> {
	if (mode === 'name') {
		const found = await api.findListByName(value);
		if (found) return found;
		if (!createIfMissing) {
			throw new InvalidParameterError(
				`Constant Contact has no list named "${value}". Create it, fix the name, or turn on "Create List If Missing".`,
			);
		}
		const created = await attempt(
			api.createList(value, 'Shoppers who abandoned a cart; its list-join automation sends the reminder.'),
		);
		if (created.ok) return created.value;
		// Created by a concurrent run between our search and our create.
		const existing = created.error.status === 409 ? await api.findListByName(value) : undefined;
		if (existing) return existing;
		throw created.error;
	}
	const list = await attempt(api.getList(value));
	if (list.ok) return list.value;
	if (list.error.status === 404) {
		throw new InvalidParameterError(
			`Constant Contact has no list with ID ${value}; it may have been deleted. Pick the list again in "List".`,
		);
	}
	throw list.error;
}
