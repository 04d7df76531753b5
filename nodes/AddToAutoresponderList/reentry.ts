/**
 * When this node last put a contact on each list, kept in one Constant Contact custom field on the contact so it
 * survives across runs, workflows and n8n instances. Value: "<listId>=<ISO time>" entries, newest first.
 */
import { MAX_CUSTOM_FIELD_VALUE_LENGTH } from '../ConstantContact/limits';

export const DEFAULT_REENTRY_FIELD = 'ac_list_entries';

export function readListEntries(value: string | undefined): Map<string, number> {
	const entries = new Map<string, number>();
	for (const part of (value ?? '').split(/\s+/)) {
		const separator = part.indexOf('=');
		if (separator <= 0) continue;
		const at = Date.parse(part.slice(separator + 1));
		if (!Number.isNaN(at)) entries.set(part.slice(0, separator), at);
	}
	return entries;
}

/** Records `listId` joined at `at`, keeping as many newer entries as fit in one custom field value. */
export function writeListEntry(value: string | undefined, listId: string, at: number): string {
	const entries = readListEntries(value);
	entries.delete(listId);
	const ordered = [[listId, at] as const, ...[...entries].sort((a, b) => b[1] - a[1])];
	let text = '';
	for (const [id, time] of ordered) {
		const part = `${id}=${new Date(time).toISOString().replace(/\.\d{3}Z$/, 'Z')}`;
		const next = text ? `${text} ${part}` : part;
		if (next.length > MAX_CUSTOM_FIELD_VALUE_LENGTH) break;
		text = next;
	}
	return text;
}
