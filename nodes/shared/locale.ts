/** The shopper's locale as Intl takes it. Shared by both nodes; plain TypeScript, no n8n here. */
export const DEFAULT_LOCALE = 'en-US';

/**
 * The locale tag to format with: the given one, or en-US when it is empty or not a tag Intl accepts ("en_US"). An
 * unknown tag is one shopper's data problem, so their money and dates are written in English rather than failing.
 */
export function intlLocale(locale: string): string {
	const tag = locale.trim();
	if (!tag) return DEFAULT_LOCALE;
	try {
		return Intl.getCanonicalLocales(tag)[0] ?? DEFAULT_LOCALE;
	} catch {
		return DEFAULT_LOCALE;
	}
}
