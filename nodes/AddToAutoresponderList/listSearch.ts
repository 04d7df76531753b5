/** Lists for the editor's "From List" picker: searchable, paginated through Constant Contact's `_links.next.href`. */
import type { ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';

import { constantContactApi, toNodeError } from '../ConstantContact/n8nAdapter';

/** Lists per page of the picker; the editor asks for the next page as the user scrolls. */
const LISTS_PER_PICKER_PAGE = 50;

export async function searchLists(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	const wanted = (filter ?? '').trim().toLowerCase();
	try {
		const api = await constantContactApi(this);
		const page = await api.searchLists({ cursor: paginationToken || undefined, limit: LISTS_PER_PICKER_PAGE });
		return {
			// Constant Contact has no partial-name search, so the filter applies to each page.
			results: page.items
				.filter((list) => wanted === '' || list.name.toLowerCase().includes(wanted))
				.map((list) => ({ name: list.name, value: list.list_id })),
			paginationToken: page.nextHref,
		};
	} catch (error) {
		// The picker shows an n8n error's message: Constant Contact's answers as a NodeApiError, never a raw error.
		throw toNodeError(this.getNode(), error as Error);
	}
}
