/** The re-entry record: when this node last put the contact on each list, kept in one custom field. */
import { readListEntries, writeListEntry } from '../../../nodes/AddToAutoresponderList/reentry';
import { EXAMPLE_LIST_ID as LIST } from '../../../nodes/AddToAutoresponderList/lists';
import { DAY, NOW_MS as NOW } from '../../support/carts';

describe('the re-entry record kept on the contact', () => {
	it('keeps the newest entry per list and fits in one custom field value', () => {
		let value: string | undefined;
		for (let n = 0; n < 8; n++) value = writeListEntry(value, `${n}`.repeat(8) + LIST.slice(8), NOW + n * DAY);
		expect(value!.length).toBeLessThanOrEqual(255);
		const entries = readListEntries(value);
		expect(entries.get('7'.repeat(8) + LIST.slice(8))).toBe(NOW + 7 * DAY);
		expect(entries.has('0'.repeat(8) + LIST.slice(8))).toBe(false);
	});
});
