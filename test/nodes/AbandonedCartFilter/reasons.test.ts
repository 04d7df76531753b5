import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { ATTRIBUTION_REASONS, MARK_REASONS, REASONS } from '../../../nodes/AbandonedCartFilter/reasons';

describe('The reason-code reference', () => {
	it('documents every reason code in docs/reason-codes.md', () => {
		const doc = readFileSync(join(__dirname, '../../../docs/reason-codes.md'), 'utf8');
		const codes = [...Object.keys(REASONS), ...Object.keys(MARK_REASONS), ...Object.keys(ATTRIBUTION_REASONS)];
		expect(codes.filter((code) => !doc.includes(`| \`${code}\` |`))).toEqual([]);
	});
});
