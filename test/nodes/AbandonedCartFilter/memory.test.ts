/** The static-data memory of sent reminders on its own (memory.ts, no n8n). */
import type { IDataObject } from 'n8n-workflow';

import { RememberedReminders } from '../../../nodes/AbandonedCartFilter/memory';
import { DAY, NOW_MS } from '../../support/carts';

describe('The reminder memory itself', () => {
	it('drops entries one to two retention windows (give-up window plus cooldown) after they were written', () => {
		const memory = new RememberedReminders({}, 'm', { maxCarts: 1000, retentionMs: 8 * DAY });
		memory.recordSent('old', 'old@example.com', 1, 0, NOW_MS);
		memory.prune(NOW_MS + 8 * DAY);
		expect(memory.cartStateById('old')).toMatchObject({ sent: 1 });
		memory.recordSent('new', 'new@example.com', 1, 0, NOW_MS + 8 * DAY);
		memory.prune(NOW_MS + 16 * DAY);
		expect(memory.cartStateById('old')).toBeUndefined();
		expect(memory.cartStateById('new')).toMatchObject({ sent: 1 });
		expect(memory.size).toEqual({ carts: 1, emails: 1 });
	});

	it('never holds more carts than its cap, dropping the oldest first', () => {
		const memory = new RememberedReminders({}, 'm', { maxCarts: 1000 });
		for (let i = 0; i < 1500; i++) memory.recordSent(`cart-${i}`, `s${i}@example.com`, 1, 0, NOW_MS + i);
		expect(memory.size.carts).toBeLessThanOrEqual(1000);
		expect(memory.size.carts).toBeGreaterThanOrEqual(900);
		expect(memory.cartStateById('cart-0')).toBeUndefined();
		expect(memory.cartStateById('cart-1499')).toBeDefined();
	});

	it('forgets a shopper\'s cart that was handled without a reminder, not only the carts that got one', () => {
		const memory = new RememberedReminders({}, 'm', { maxCarts: 1000 });
		memory.recordSent('reminded', 'erin@example.com', 1, 0, NOW_MS);
		memory.recordSent('handled', 'erin@example.com', 1, 0, NOW_MS, 'unsubscribed');
		memory.recordSent('other', 'frank@example.com', 1, 0, NOW_MS, 'unsubscribed');
		const erased: string[] = [];
		const forgotten = memory.forgetEmails(['Erin@Example.com'], (cartId) => erased.push(cartId));
		expect(forgotten.get('Erin@Example.com')).toBe(2);
		expect(erased.sort()).toEqual(['handled', 'reminded']);
		expect(memory.cartStateById('handled')).toBeUndefined();
		expect(memory.cartStateById('reminded')).toBeUndefined();
		expect(memory.cartStateById('other')).toMatchObject({ handledWithoutReminder: 'unsubscribed' });
		expect(memory.size).toEqual({ carts: 1, emails: 0 });
	});

	it('stores cart ids that look like numbers or like "__proto__" safely', () => {
		const memory = new RememberedReminders({}, 'm', { maxCarts: 1000 });
		memory.recordSent('__proto__', null, 1, 0, NOW_MS);
		memory.recordSent('42', null, 1, 0, NOW_MS);
		expect(memory.cartStateById('__proto__')).toMatchObject({ sent: 1 });
		expect(memory.cartStateById('constructor')).toBeUndefined();
		expect(({} as IDataObject).sent).toBeUndefined();
	});

	it('remembers recovered carts as long as their reminders, within the same cap', () => {
		const memory = new RememberedReminders({}, 'm', { maxCarts: 1000, retentionMs: 8 * DAY });
		memory.recordSent('kept', 'kept@example.com', 1, 0, NOW_MS);
		memory.recordRecovered('kept', NOW_MS + DAY);
		expect(memory.recoveredAt('kept')).toBe(NOW_MS + DAY);
		memory.prune(NOW_MS + 9 * DAY);
		expect(memory.recoveredAt('kept')).toBe(NOW_MS + DAY);
		memory.prune(NOW_MS + 17 * DAY);
		expect(memory.recoveredAt('kept')).toBeUndefined();
		for (let i = 0; i < 1500; i++) memory.recordRecovered(`cart-${i}`, NOW_MS + 17 * DAY + i);
		expect(memory.recoveredAt('cart-0')).toBeUndefined();
		expect(memory.recoveredAt('cart-1499')).toBe(NOW_MS + 17 * DAY + 1499);
	});
});
