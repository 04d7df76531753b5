/** Parameters of Remove Contact from List. */
import type { INodeProperties } from 'n8n-workflow';

import {
	bulkThresholdOption,
	keepInputFieldsOption,
	listAndEmail,
	optionsCollection,
	requestTimeoutOption,
} from './common';

export const removeContactProperties: INodeProperties[] = [
	...listAndEmail('removeContact'),
	optionsCollection('removeContact', [
		{
			...bulkThresholdOption,
			description:
				'From this many items on, the node reads the whole account (500 contacts per request) instead of looking up each email',
		},
		keepInputFieldsOption,
		requestTimeoutOption,
	]),
];
