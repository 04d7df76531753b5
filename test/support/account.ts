/** Constant Contact calls only the tests and the live check make; the nodes never need them. */
import type { ConstantContactApi } from '../../nodes/ConstantContact/api';

export interface AccountSummary {
	organization_name?: string;
	contact_email?: string;
	encoded_account_id?: string;
	time_zone_id?: string;
	[key: string]: unknown;
}

/** Needs the account_read scope. */
export async function getAccountSummary(api: ConstantContactApi): Promise<AccountSummary> {
	return await api.client.request<AccountSummary>({ method: 'GET', path: '/account/summary', action: 'read the account summary' });
}
