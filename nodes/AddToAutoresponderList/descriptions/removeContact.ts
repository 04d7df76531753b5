/** Parameters of Remove Contact from List. */
import type { INodeProperties } from 'n8n-workflow';

import {
	keepInputFieldsOption,
	listAndEmail,
	optionsCollection,
	requestTimeoutOption,
} from './common';

export const removeContactProperties: INodeProperties[] = [
	...listAndEmail('removeContact'),
	optionsCollection('removeContact', [
		keepInputFieldsOption,
		requestTimeoutOption,
	]),
];
