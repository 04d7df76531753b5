/** Parameters both operations share: the list, the shopper's email and the options every run has. */
import type { INodeProperties } from 'n8n-workflow';

import { UUID_PATTERN } from '../ConstantContact/limits';
import { EXAMPLE_LIST_ID } from './lists';

export const DEFAULT_REQUEST_TIMEOUT_SECONDS = 30;

export const listLocator: INodeProperties = {
	displayName: 'List',
	name: 'list',
	type: 'resourceLocator',
	required: true,
	default: { mode: 'list', value: '' },
	description: 'The Constant Contact list whose "contact joins list" automation sends the reminder',
	modes: [
		{
			displayName: 'From List',
			name: 'list',
			type: 'list',
			placeholder: 'Select a list...',
			typeOptions: { searchListMethod: 'searchLists', searchable: true, searchFilterRequired: false },
		},
		{
			displayName: 'By ID',
			name: 'id',
			type: 'string',
			placeholder: `e.g. ${EXAMPLE_LIST_ID}`,
			validation: [
				{
					type: 'regex',
					properties: { regex: UUID_PATTERN, errorMessage: `A list ID is a UUID like ${EXAMPLE_LIST_ID}` },
				},
			],
		},
		{
			displayName: 'By Name',
			name: 'name',
			type: 'string',
			placeholder: 'e.g. Abandoned cart reminders',
		},
	],
};

export const emailField: INodeProperties = {
	displayName: 'Email',
	name: 'email',
	type: 'string',
	placeholder: 'name@email.com',
	required: true,
	default: '',
	description: "The shopper's email address",
	hint: 'Map it from your data, e.g. {{ $json.email }}',
};

const keepInputFieldsOption: INodeProperties = {
	displayName: 'Keep Input Fields',
	name: 'keepInputFields',
	type: 'boolean',
	default: true,
	description: "Whether to output the item's input fields (such as the cart ID) next to the result fields",
};
// n8n's lint wants a boolean default written out; the run reads it from the option.
export const DEFAULT_KEEP_INPUT_FIELDS = keepInputFieldsOption.default as boolean;

const requestTimeoutOption: INodeProperties = {
	displayName: 'Request Timeout (Seconds)',
	name: 'requestTimeout',
	type: 'number',
	typeOptions: { minValue: 1 },
	default: DEFAULT_REQUEST_TIMEOUT_SECONDS,
	description: 'How long to wait for one Constant Contact answer before retrying',
};

/** The list and email parameters, shown for one operation. */
export function listAndEmail(operation: string): INodeProperties[] {
	const displayOptions = { show: { operation: [operation] } };
	return [
		{ ...listLocator, displayOptions },
		{ ...emailField, displayOptions },
	];
}

/** The operation's "Options" collection: its own options and the ones every operation has, in alphabetical order. */
export function optionsCollection(operation: string, options: INodeProperties[]): INodeProperties {
	return {
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		displayOptions: { show: { operation: [operation] } },
		options: [...options, keepInputFieldsOption, requestTimeoutOption].sort((a, b) => (a.displayName < b.displayName ? -1 : 1)),
	};
}
