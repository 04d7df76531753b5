/**
 * Dot paths into an item, as the editor's Field Names take them ("customer.email"; "id, cart_id" lists
 * alternatives, the first one present wins). Shared by both nodes; plain TypeScript, no n8n here.
 */
const FORBIDDEN_SEGMENTS = new Set(['__proto__', 'constructor', 'prototype']);

export interface CompiledPath {
	label: string;
	alternatives: string[][];
}

/** Throws (with a sentence) on a path no item could have; the node turns it into a NodeOperationError. */
export function compilePath(text: string, what: string): CompiledPath {
	const alternatives = text
		.split(',')
		.map((p) => p.trim())
		.filter((p) => p !== '')
		.map((p) => p.split('.'));
	for (const segments of alternatives) {
		for (const segment of segments) {
			if (segment === '' || FORBIDDEN_SEGMENTS.has(segment)) {
				throw new Error(`The field path "${text}" for ${what} is not usable: "${segment}" is not a field name.`);
			}
		}
	}
	return { label: text.trim(), alternatives };
}

const hasOwn = Object.prototype.hasOwnProperty;

/** Reads own properties only, so `__proto__` or `constructor` in a row can never reach the prototype chain. */
export function readPath(record: unknown, path: CompiledPath): unknown {
	for (const segments of path.alternatives) {
		let value: unknown = record;
		for (const segment of segments) {
			if (value === null || typeof value !== 'object' || !hasOwn.call(value, segment)) {
				value = undefined;
				break;
			}
			value = (value as Record<string, unknown>)[segment];
		}
		if (value !== undefined && value !== null) return value;
	}
	return undefined;
}
