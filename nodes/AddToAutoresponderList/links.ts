/**
 * Cart values end up in a branded email (the button's link is a custom field), so a value must not carry a link to
 * somewhere the shop did not choose, a script, or markup. Plain TypeScript: no n8n here.
 */

export type LinkProblemReason = 'link_not_allowed' | 'html_not_allowed';

export interface LinkProblem {
	reason: LinkProblemReason;
	message: string;
}

/**
 * `undefined`: the option is not set (workflows made before it existed): links on any host pass, but only https and
 * http, never scripts or markup. An array (possibly empty): only https links on exactly these hosts pass.
 */
export type AllowedLinkHosts = readonly string[] | undefined;

/** "shop.example.com, https://www.shop.example.com/" -> ["shop.example.com", "www.shop.example.com"]. */
export function parseAllowedLinkHosts(text: unknown): string[] {
	if (typeof text !== 'string') return [];
	return text
		.split(/[\s,]+/)
		.map((entry) => entry.trim().toLowerCase().replace(/^https?:\/\//, '').replace(/[/?#].*$/, '').replace(/\.$/, ''))
		.filter((host) => host !== '');
}

// Browsers drop ASCII tabs and line breaks inside a URL ("java\nscript:" runs), so control and invisible characters
// are removed before looking.
const INVISIBLE_FORMAT_CHARACTERS = new Set([0x7f, 0xad, 0x200b, 0x200c, 0x200d, 0x200e, 0x200f, 0x2060, 0xfeff]);

function withoutInvisibles(value: string): string {
	let kept = '';
	for (const character of value) {
		const code = character.codePointAt(0) ?? 0;
		if (code >= 0x20 && !INVISIBLE_FORMAT_CHARACTERS.has(code)) kept += character;
	}
	return kept;
}

// "data:" only as a data URL ("data:text/html,…", "data:,…"), so text such as "data: 5 items" still passes.
const SCRIPT_SCHEME = /(?:^|[^a-z0-9+.-])(javascript|vbscript|livescript|data(?=:\s*(?:[a-z-]+\/[a-z0-9.+-]+|[,;])))\s*:/i;
/**
 * Anything a browser or mail client would follow: a web scheme even without slashes ("https:evil.example" is read as
 * https://evil.example), any other scheme followed by slashes, a leading //, or a bare www. address.
 */
const LINK_CANDIDATE = /(?:\b(?:https?|ftp|wss?|file):|[a-z][a-z0-9+.-]*:(?=[\\/])|^(?=[\\/]{2})|\bwww\.)[^\s"'<>]*/gi;
const MARKUP = /<\s*[a-z!/?]|&#x?[0-9a-f]+;?|&(?:lt|gt|quot|apos|colon|tab|newline);/i;

interface Link {
	/** Lower case with the colon, e.g. "https:"; "" for //host and www. addresses. */
	scheme: string;
	host: string;
	hasCredentials: boolean;
}

/** Scheme and host as a browser reads them; backslashes count as slashes, as WHATWG URL parsing does for web links. */
function readLink(candidate: string): Link {
	const scheme = /^[a-z][a-z0-9+.-]*:/i.exec(candidate)?.[0].toLowerCase() ?? '';
	const afterScheme = candidate.slice(scheme.length).replace(/^[\\/]+/, '');
	const authority = afterScheme.split(/[\\/?#]/, 1)[0];
	const hostAndPort = authority.slice(authority.lastIndexOf('@') + 1);
	const host = hostAndPort.replace(/:\d*$/, '').replace(/\.$/, '').toLowerCase();
	return { scheme, host, hasCredentials: authority.includes('@') };
}

/** Why this cart value may not be written, or undefined when it is fine. */
export function linkProblem(label: string, value: string, allowedHosts: AllowedLinkHosts): LinkProblem | undefined {
	const visible = withoutInvisibles(value);
	if (MARKUP.test(visible)) {
		return { reason: 'html_not_allowed', message: `The value for custom field "${label}" contains HTML markup or character references.` };
	}
	const script = SCRIPT_SCHEME.exec(visible);
	if (script) {
		return { reason: 'link_not_allowed', message: `The value for custom field "${label}" contains a ${script[1].toLowerCase()}: link.` };
	}
	for (const candidate of visible.match(LINK_CANDIDATE) ?? []) {
		const link = readLink(candidate);
		const shown = link.host || 'an address without a host';
		if (link.hasCredentials) {
			return { reason: 'link_not_allowed', message: `The value for custom field "${label}" contains a link with a user name or password before its host.` };
		}
		if (allowedHosts === undefined) {
			if (!['https:', 'http:', ''].includes(link.scheme)) {
				return { reason: 'link_not_allowed', message: `The value for custom field "${label}" contains a ${link.scheme} link; only web links are written.` };
			}
			continue;
		}
		if (link.scheme !== 'https:') {
			return { reason: 'link_not_allowed', message: `The value for custom field "${label}" links to ${shown} without https://.` };
		}
		if (!allowedHosts.includes(link.host)) {
			const allowed = allowedHosts.length ? `only ${allowedHosts.join(', ')} ${allowedHosts.length === 1 ? 'is' : 'are'} allowed` : 'no link host is allowed';
			return { reason: 'link_not_allowed', message: `The value for custom field "${label}" links to ${shown}; ${allowed} (option "Allowed Link Hosts").` };
		}
	}
	return undefined;
}

/** The first problem among a shopper's cart values. */
export function cartLinkProblem(cartValues: ReadonlyArray<{ label: string; value: string }>, allowedHosts: AllowedLinkHosts): LinkProblem | undefined {
	for (const { label, value } of cartValues) {
		const problem = linkProblem(label, value, allowedHosts);
		if (problem) return problem;
	}
	return undefined;
}
