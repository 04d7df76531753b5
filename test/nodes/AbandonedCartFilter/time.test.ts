import { IANAZone } from 'luxon';

import { parseClock, parseDuration, parseTimestamp, quietHoursEnd, resolveZone } from '../../../nodes/AbandonedCartFilter/time';

const utc = resolveZone('UTC')!;
const newYork = IANAZone.create('America/New_York');
const berlin = IANAZone.create('Europe/Berlin');
const iso = (value: unknown, zone = utc) => {
	const parsed = parseTimestamp(value, zone);
	return parsed.ok && parsed.ms !== null ? new Date(parsed.ms).toISOString() : parsed;
};

describe('Reading timestamps', () => {
	it.each([
		['ISO with Z', '2026-03-08T06:59:59Z', '2026-03-08T06:59:59.000Z'],
		['ISO with offset', '2026-03-08T01:59:59-05:00', '2026-03-08T06:59:59.000Z'],
		['ISO with compact offset', '2026-03-08T01:59:59-0500', '2026-03-08T06:59:59.000Z'],
		['ISO without offset', '2026-03-08T06:59:59', '2026-03-08T06:59:59.000Z'],
		['ISO with fraction', '2026-03-08T06:59:59.123456Z', '2026-03-08T06:59:59.123Z'],
		['SQL datetime', '2026-03-08 06:59:59', '2026-03-08T06:59:59.000Z'],
		['SQL datetime with milliseconds', '2026-03-08 06:59:59.250', '2026-03-08T06:59:59.250Z'],
		['Postgres timestamptz text', '2026-03-08 06:59:59+00', '2026-03-08T06:59:59.000Z'],
		['date only', '2026-03-08', '2026-03-08T00:00:00.000Z'],
		['epoch seconds', 1772953199, '2026-03-08T06:59:59.000Z'],
		['epoch milliseconds', 1772953199000, '2026-03-08T06:59:59.000Z'],
		['epoch seconds as text', '1772953199', '2026-03-08T06:59:59.000Z'],
		['epoch microseconds', 1772953199000000, '2026-03-08T06:59:59.000Z'],
		['JavaScript Date', new Date('2026-03-08T06:59:59Z'), '2026-03-08T06:59:59.000Z'],
		['RFC 2822', 'Sun, 08 Mar 2026 06:59:59 +0000', '2026-03-08T06:59:59.000Z'],
	])('reads %s', (_name, value, expected) => {
		expect(iso(value)).toBe(expected);
	});

	it.each([
		['MySQL zero date', '0000-00-00 00:00:00'],
		['empty text', ''],
		['null', null],
	])('treats %s as no time at all', (_name, value) => {
		expect(parseTimestamp(value, utc)).toEqual({ ok: true, ms: null });
	});

	it.each([
		['February 30th', '2026-02-30 10:00:00'],
		['hour 25', '2026-03-08 25:00:00'],
		['words', 'next tuesday'],
		['a negative epoch', -5],
		['an object', { at: 1 }],
		['an invalid Date', new Date('nope')],
		['NaN', Number.NaN],
	])('rejects %s', (_name, value) => {
		expect(parseTimestamp(value, utc).ok).toBe(false);
	});

	it('reads offset-less times in New York across the spring-forward gap of 2026-03-08', () => {
		expect(iso('2026-03-08 01:59:59', newYork)).toBe('2026-03-08T06:59:59.000Z');
		expect(iso('2026-03-08 03:00:00', newYork)).toBe('2026-03-08T07:00:00.000Z');
	});

	it('reads offset-less times in New York after the fall-back of 2026-11-01', () => {
		expect(iso('2026-11-01 00:30:00', newYork)).toBe('2026-11-01T04:30:00.000Z');
		expect(iso('2026-11-01 03:00:00', newYork)).toBe('2026-11-01T08:00:00.000Z');
	});

	it('reads offset-less times in Berlin around the spring-forward of 2026-03-29', () => {
		expect(iso('2026-03-29 01:30:00', berlin)).toBe('2026-03-29T00:30:00.000Z');
		expect(iso('2026-03-29 03:30:00', berlin)).toBe('2026-03-29T01:30:00.000Z');
	});
});

describe('Time zones, durations and clock times', () => {
	it('knows IANA names and fixed offsets, and refuses unknown or machine-dependent zones', () => {
		expect(resolveZone('America/New_York')?.name).toBe('America/New_York');
		expect(resolveZone('UTC+2')?.isValid).toBe(true);
		expect(resolveZone('Mars/Olympus')).toBeNull();
		expect(resolveZone('local')).toBeNull();
		expect(resolveZone('')).toBeNull();
	});

	it.each([
		['90m', 90],
		['1h', 60],
		['1.5 h', 90],
		['7d', 10080],
		['2w', 20160],
		['45', 45],
	])('reads the duration %s as %i minutes', (text, minutes) => {
		expect(parseDuration(text)).toBe(minutes);
	});

	it('refuses durations and clock times it cannot read', () => {
		expect(parseDuration('soon')).toBeUndefined();
		expect(parseClock('25:00')).toBeUndefined();
		expect(parseClock('21:00')).toBe(1260);
	});
});

describe('Quiet hours in the shopper\'s zone', () => {
	const night = { startMinute: 21 * 60, endMinute: 8 * 60 };
	const at = (text: string) => Date.parse(text);
	const endOf = (text: string, zone = newYork) => {
		const end = quietHoursEnd(at(text), zone, night);
		return end === null ? null : new Date(end).toISOString();
	};

	it('is quiet before midnight and ends at 08:00 the next morning', () => {
		// 22:00 EST on 2026-03-07 -> 08:00 EDT on 2026-03-08 (the night the clocks spring forward)
		expect(endOf('2026-03-08T03:00:00Z')).toBe('2026-03-08T12:00:00.000Z');
	});

	it('is quiet after midnight and ends at 08:00 the same morning', () => {
		expect(endOf('2026-03-08T07:30:00Z')).toBe('2026-03-08T12:00:00.000Z');
	});

	it('is not quiet at noon', () => {
		expect(endOf('2026-03-08T17:00:00Z')).toBeNull();
	});

	it('ends at 08:00 local on the night the clocks fall back in New York (2026-11-01)', () => {
		// 23:00 EDT on 31 October -> 08:00 EST on 1 November = 13:00 UTC
		expect(endOf('2026-11-01T03:00:00Z')).toBe('2026-11-01T13:00:00.000Z');
	});

	it('ends at 08:00 local on the night the clocks spring forward in Berlin (2026-03-29)', () => {
		// 23:00 CET on 28 March -> 08:00 CEST on 29 March = 06:00 UTC
		expect(endOf('2026-03-28T22:00:00Z', berlin)).toBe('2026-03-29T06:00:00.000Z');
	});

	it('handles a window within one day', () => {
		const lunch = { startMinute: 12 * 60, endMinute: 13 * 60 };
		expect(quietHoursEnd(at('2026-03-10T12:30:00Z'), utc, lunch)).toBe(at('2026-03-10T13:00:00Z'));
		expect(quietHoursEnd(at('2026-03-10T13:30:00Z'), utc, lunch)).toBeNull();
	});
});
