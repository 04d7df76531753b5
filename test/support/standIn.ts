/**
 * The one way a jest suite gets the Constant Contact stand-in (test/fake-constant-contact): started once per file (or
 * describe block), reset and seeded before each test, and checked after each that the code under test kept to
 * Constant Contact's API contract.
 */
import { startFakeConstantContact, type FakeConstantContact, type FakeConstantContactOptions } from '../fake-constant-contact';

export interface StandInSetup<Seeded extends object> extends FakeConstantContactOptions {
	/** 'file' (default): one stand-in for the file or describe block; 'test': a freshly started one for every test. */
	per?: 'file' | 'test';
	/** Reset the stand-in's state before each test; default true. */
	reset?: boolean;
	/** Seeds the account before each test, after the reset; what it returns is put on the fixture (e.g. `{ listId }`). */
	seed?: (fakeCc: FakeConstantContact) => Seeded | void;
	/** After each test, no request may have broken the API contract; default true. */
	checkContract?: boolean;
	/** After each test, no shopper may have been signed up or re-subscribed without consent; default false. */
	checkConsent?: boolean;
}

export type StandIn<Seeded extends object = object> = Seeded & {
	fakeCc: FakeConstantContact;
	/** Stops this stand-in and starts one with other options (the suite's, then these) for the rest of the test only. */
	restart(options?: FakeConstantContactOptions): Promise<FakeConstantContact>;
};

export function useStandIn<Seeded extends object = object>(setup: StandInSetup<Seeded> = {}): StandIn<Seeded> {
	const { per = 'file', reset = true, seed, checkContract = true, checkConsent = false, ...options } = setup;
	const fixture = {} as StandIn<Seeded>;
	let restarted = false;
	const start = async (extra: FakeConstantContactOptions = {}) => {
		fixture.fakeCc = await startFakeConstantContact({ ...options, ...extra });
		return fixture.fakeCc;
	};
	const stop = async () => {
		await fixture.fakeCc?.stop();
	};
	const prepare = () => {
		if (reset) fixture.fakeCc.control.reset();
		if (seed) Object.assign(fixture, seed(fixture.fakeCc));
	};
	fixture.restart = async (extra) => {
		restarted = true;
		await stop();
		await start(extra);
		prepare();
		return fixture.fakeCc;
	};

	if (per === 'file') {
		beforeAll(async () => await start());
		afterAll(stop);
	} else {
		beforeEach(async () => await start());
	}
	beforeEach(prepare);
	afterEach(async () => {
		try {
			if (checkContract) expect(fixture.fakeCc.control.contractViolations()).toEqual([]);
			if (checkConsent) expect(fixture.fakeCc.control.consentViolations()).toEqual([]);
		} finally {
			if (per === 'test') await stop();
			else if (restarted) await fixture.restart();
			restarted = false;
		}
	});
	return fixture;
}
