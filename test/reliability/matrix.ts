/** One table of the fault matrix: each case is a jest test observing the workflow, the last test checks RELIABILITY.md. */
import type { FakeConstantContactOptions } from '../fake-constant-contact';
import { useStandIn } from '../support/standIn';
import { syncTable, TableRecorder } from './report';
import { describeStatuses, observe, type Scenario, type ShopOptions } from './shop';

export interface Case extends Scenario {
	kind: string;
}

export function faultMatrix(options: {
	title: string;
	table: string;
	testFile: string;
	cases: Case[];
	shop: ShopOptions;
	standIn?: FakeConstantContactOptions;
}): void {
	const recorder = new TableRecorder(options.table, options.cases.map((c) => c.kind));
	const standIn = useStandIn({ requestsPerSecond: null, activityProcessingMs: 20, ...options.standIn });

	describe(options.title, () => {
		it.each(options.cases.map((c) => [c.kind, c] as const))(
			'%s: nothing lost, nothing sent twice, nobody re-subscribed, no secret leaked',
			async (_kind, scenario) => {
				const observed = await observe(standIn.fakeCc, { ...scenario, shop: { ...options.shop, ...scenario.shop } });
				expect(standIn.fakeCc.control.contractViolations()).toEqual([]);
				recorder.record({
					kind: scenario.kind,
					test: options.testFile,
					items: observed.items,
					lost: observed.lost,
					duplicates: observed.duplicates,
					resubscriptions: observed.resubscriptions,
					secretsLeaked: observed.secretsLeaked,
					observed: `run 1: ${describeStatuses(observed.statuses)}; ${observed.runs.length - 1} re-run(s) until nothing due; token refreshes ${observed.refreshes}; recorded-but-not-on-list ${observed.recordedNotOnList}`,
				});
				expect(observed).toMatchObject({ lost: 0, duplicates: 0, resubscriptions: 0, secretsLeaked: 0, recordedNotOnList: 0 });
			},
		);

		it('test/RELIABILITY.md shows exactly these observations', () => {
			const { expected, inFile } = syncTable(options.table, recorder.sorted());
			expect(inFile).toEqual(expected);
		});
	});
}
