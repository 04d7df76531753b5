/** A shopper as the node receives it: validated email, consent, names and cart values ready for Constant Contact. */
import { emailProblem, normalizeEmail } from '../ConstantContact/email';
import {
	isUuid,
	MAX_CUSTOM_FIELD_LABEL_LENGTH,
	MAX_CUSTOM_FIELD_VALUE_LENGTH,
	MAX_EMAIL_LENGTH,
	MAX_NAME_LENGTH,
} from '../ConstantContact/limits';
import { InvalidInputError } from './results';

export type LongValuePolicy = 'truncate' | 'fail';
/** The option's name in the editor; its error message tells the user to change it. */
export const LONG_VALUES_OPTION = `Values Longer Than ${MAX_CUSTOM_FIELD_VALUE_LENGTH} Characters`;

export interface CartValue {
	label: string;
	value: string;
}

export interface Shopper {
	/** Position of the input item. */
	index: number;
	/** Trimmed and lower-cased (normalizeEmail): the form every look-up and key uses. */
	email: string;
	firstName?: string;
	lastName?: string;
	/** The shopper gave explicit marketing consent. */
	consent: boolean;
	cartValues: CartValue[];
	/** Labels this cart leaves empty (Cart Items slots it does not fill): a value the contact holds there is emptied. */
	emptied?: string[];
	/** Labels (and first_name/last_name) whose values were cut to fit. */
	truncated: string[];
}

/** Returns the normalized email (trimmed, lower case), or the reason it cannot be used. */
export function checkEmail(value: unknown): { email: string } | { problem: string } {
	const email = typeof value === 'string' ? value.trim() : typeof value === 'number' ? String(value) : '';
	if (email === '') return { problem: 'The email address is empty.' };
	if (email.length > MAX_EMAIL_LENGTH) {
		return { problem: `The email address is longer than Constant Contact's ${MAX_EMAIL_LENGTH} characters.` };
	}
	// The filter's rules: an address it skips as invalid_email is never created here either.
	const problem = emailProblem(email);
	if (problem) return { problem: `The email address ${JSON.stringify(email)} ${problem}.` };
	return { email: normalizeEmail(email) };
}

/** A contact ID from the workflow: empty means none (the shopper is looked up by email); else it must be a UUID. */
export function checkContactId(value: unknown): { contactId?: string } | { problem: string } {
	const contactId = typeof value === 'string' ? value.trim() : '';
	if (value !== undefined && value !== null && typeof value !== 'string') {
		return { problem: `The contact ID must be text (a UUID such as 1618ae62-…); got ${typeof value}.` };
	}
	if (contactId === '') return {};
	if (!isUuid(contactId)) {
		return { problem: `${JSON.stringify(contactId)} is not a Constant Contact contact ID (a UUID such as 1618ae62-4752-11e9-9c8a-fa163e6b01c1).` };
	}
	return { contactId };
}

const YES = new Set(['true', 'yes', 'y', '1', 'explicit', 'opted_in', 'opt_in', 'opted-in', 'subscribed', 'granted', 'on']);

/** Consent as shops send it: booleans, "yes", "opted_in", 1, … Anything else (including empty) is no consent. */
export function hasExplicitConsent(value: unknown): boolean {
	if (typeof value === 'boolean') return value;
	if (typeof value === 'number') return value === 1;
	if (typeof value === 'string') return YES.has(value.trim().toLowerCase());
	return false;
}

/** Cuts at a character boundary: never splits a surrogate pair or a combining sequence. */
export function truncateText(text: string, maxLength: number): string {
	if (text.length <= maxLength) return text;
	let cut = maxLength;
	// Step back over low surrogates and combining marks so the kept text ends on a whole character.
	while (cut > 0 && (isLowSurrogate(text.charCodeAt(cut)) || /\p{M}/u.test(text.charAt(cut)))) cut--;
	return text.slice(0, cut);
}

function isLowSurrogate(code: number): boolean {
	return code >= 0xdc00 && code <= 0xdfff;
}

export function valueToText(value: unknown): string | undefined {
	if (value === undefined || value === null) return undefined;
	if (typeof value === 'string') return value;
	if (typeof value === 'number' || typeof value === 'boolean') return String(value);
	return JSON.stringify(value);
}

export interface RawShopper {
	index: number;
	email: unknown;
	firstName?: unknown;
	lastName?: unknown;
	consent?: unknown;
	cartValues: Array<{ label: unknown; value: unknown }>;
}

/** Builds a Shopper or throws InvalidInputError with the reason. */
export function readShopper(raw: RawShopper, longValues: LongValuePolicy): Shopper {
	const checked = checkEmail(raw.email);
	if ('problem' in checked) throw new InvalidInputError(checked.problem, 'invalid-email');
	const truncated: string[] = [];
	const name = (value: unknown, label: string): string | undefined => {
		const text = valueToText(value)?.trim();
		if (!text) return undefined;
		if (text.length <= MAX_NAME_LENGTH) return text;
		truncated.push(label);
		return truncateText(text, MAX_NAME_LENGTH);
	};
	const cartValues: CartValue[] = [];
	for (const { label: rawLabel, value: rawValue } of raw.cartValues) {
		const label = valueToText(rawLabel)?.trim() ?? '';
		if (label === '') continue;
		if (label.length > MAX_CUSTOM_FIELD_LABEL_LENGTH) {
			throw new InvalidInputError(
				`The custom field label "${label}" is longer than Constant Contact's ${MAX_CUSTOM_FIELD_LABEL_LENGTH} characters.`,
				'label-too-long',
			);
		}
		const text = valueToText(rawValue);
		if (text === undefined || text === '') continue;
		if (text.length > MAX_CUSTOM_FIELD_VALUE_LENGTH) {
			if (longValues === 'fail') {
				throw new InvalidInputError(
					`The value for custom field "${label}" has ${text.length} characters; Constant Contact keeps at most ${MAX_CUSTOM_FIELD_VALUE_LENGTH}. Shorten it, or set "${LONG_VALUES_OPTION}" to truncate.`,
					'value-too-long',
				);
			}
			truncated.push(label);
			cartValues.push({ label, value: truncateText(text, MAX_CUSTOM_FIELD_VALUE_LENGTH) });
		} else cartValues.push({ label, value: text });
	}
	const firstName = name(raw.firstName, 'first_name');
	const lastName = name(raw.lastName, 'last_name');
	return {
		index: raw.index,
		email: checked.email,
		firstName,
		lastName,
		consent: hasExplicitConsent(raw.consent),
		cartValues,
		truncated,
	};
}
