/** The one Reminder Step of Add Contact to List: what Cart Items, the signed link and the coupon all read as the step. */
import { defaultReminderStepOf, INVALID_STEP_REASON, reminderStep } from '../../../nodes/AddToAutoresponderList/reminderStep';
import { InvalidInputError } from '../../../nodes/AddToAutoresponderList/results';

describe('reminderStep', () => {
	it('reads the step the filter gives, whole numbers from 1 on, and takes an item without one as the first reminder', () => {
		expect([2, '3', ' 4 ', undefined, null, ''].map((value) => reminderStep(value))).toEqual([2, 3, 4, 1, 1, 1]);
	});

	it.each([0, -1, 1.5, 'second', {}])('refuses %p as the item\'s own mistake, never as step 1', (wrong) => {
		let thrown: unknown;
		try {
			reminderStep(wrong);
		} catch (error) {
			thrown = error;
		}
		expect(thrown).toBeInstanceOf(InvalidInputError);
		expect(thrown).toMatchObject({ reason: INVALID_STEP_REASON });
		expect((thrown as Error).message).toContain('Options → Reminder Step');
	});

	it('reads decision.step when the node\'s Options do not list Reminder Step, as the option\'s default does', () => {
		expect([{ decision: { step: 3 } }, { decision: null }, {}, { decision: { step: 'x' } }].map(defaultReminderStepOf)).toEqual([3, undefined, undefined, 'x']);
	});
});
