/** Constant Contact's email address rules, shared by the filter (skip invalid_email) and the add node (skip invalid-email). */

/**
 * The one form of an address used for every look-up and every key, in both nodes: trimmed and lower-cased.
 * Constant Contact stores addresses in lower case and a look-up in another case may find nothing (reference §13).
 */
export function normalizeEmail(email: string): string {
	return email.trim().toLowerCase();
}
const LOCAL_PART = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
const DOMAIN_LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;
const TOP_LEVEL_DOMAIN = /^(?:[A-Za-z]{2,63}|xn--[A-Za-z0-9-]{1,59})$/;

/** Undefined when the address is usable, else why not (completing "The email address ... "). */
export function emailProblem(email: string): string | undefined {
	if (/\s/.test(email)) return 'contains spaces';
	// eslint-disable-next-line no-control-regex
	if (/[\u0000-\u001f\u007f]/.test(email)) return 'contains control characters';
	// eslint-disable-next-line no-control-regex
	if (/[^\u0000-\u007f]/.test(email)) {
		return 'contains characters outside ASCII, which Constant Contact does not accept';
	}
	const at = email.indexOf('@');
	if (at === -1) return 'has no @ and no domain';
	if (email.indexOf('@', at + 1) !== -1) return 'has more than one @';
	const local = email.slice(0, at);
	const domain = email.slice(at + 1);
	if (local === '') return 'has nothing before the @';
	if (domain === '') return 'has no domain';
	if (local.length > 64 || !LOCAL_PART.test(local)) return 'has characters or dots that are not allowed before the @';
	const labels = domain.split('.');
	if (labels.length < 2) return `has no domain ending (like ".com") after the @`;
	if (!labels.every((label) => DOMAIN_LABEL.test(label))) return 'has a malformed domain';
	if (!TOP_LEVEL_DOMAIN.test(labels[labels.length - 1])) return 'has a malformed domain ending';
	return undefined;
}
