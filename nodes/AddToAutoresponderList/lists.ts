/** The list the user picked: by ID (checked once per run), from the list, or by name (created when asked). */
import type { ConstantContactApi } from '../ConstantContact/api';
import { attempt, ConstantContactError } from '../ConstantContact/errors';
import { MAX_LIST_NAME_LENGTH, UUID_PATTERN } from '../ConstantContact/limits';
import type { ContactList } from '../ConstantContact/types';

export const LIST_ID_PATTERN = UUID_PATTERN;

export interface ListReference {
	mode: string;
	value: string;
}

export async function resolveList(
	api: ConstantContactApi,
	reference: ListReference,
	createIfMissing: boolean,
): Promise<ContactList> {
	const value = reference.value.trim();
	if (value === '') throw new ConstantContactError('No list is selected. Pick the autoresponder list in "List".', 'api');
	if (reference.mode === 'name') {
		const found = await api.findListByName(value);
		if (found) return found;
		if (!createIfMissing) {
			throw new ConstantContactError(
				`Constant Contact has no list named "${value}". Create it, fix the name, or turn on "Create List If Missing".`,
				'api',
			);
		}
		if (value.length > MAX_LIST_NAME_LENGTH) {
			throw new ConstantContactError(`A list name can have at most ${MAX_LIST_NAME_LENGTH} characters.`, 'api');
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
	if (!new RegExp(LIST_ID_PATTERN).test(value)) {
		throw new ConstantContactError(`"${value}" is not a Constant Contact list ID (a UUID such as 3f1c…-…).`, 'api');
	}
	const list = await attempt(api.getList(value));
	if (list.ok) return list.value;
	if (list.error.status === 404) {
		throw new ConstantContactError(
			`Constant Contact has no list with ID ${value}; it may have been deleted. Pick the list again.`,
			'api',
			404,
		);
	}
	throw list.error;
}
