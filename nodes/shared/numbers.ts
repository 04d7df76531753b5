/**
 * Numbers as shops and databases hand them over: a JSON number, or text such as "49.90" or " 3 " (PostgreSQL's
 * numeric and bigint columns arrive as text). Shared by both nodes; plain TypeScript, no n8n here.
 */
const PLAIN_NUMBER_TEXT = /^\s*-?\d+(?:\.\d+)?\s*$/;

/** The number in a JSON number or plain decimal text; null for anything else (empty text, "1e3", "12 €", Infinity). */
export function plainNumber(value: unknown): number | null {
	if (typeof value === 'number') return Number.isFinite(value) ? value : null;
	if (typeof value === 'string' && PLAIN_NUMBER_TEXT.test(value)) return Number(value);
	return null;
}

/** A count: a whole number from 0 on, as a number or text; null otherwise. */
export function wholeNumber(value: unknown): number | null {
	const number = plainNumber(value);
	return number !== null && Number.isInteger(number) && number >= 0 ? number : null;
}
