import { DateTime, Info, type Zone } from 'luxon';

export const MINUTE_MS = 60_000;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;

/** Epoch numbers below this are seconds, below EPOCH_MICROS_FROM milliseconds, below EPOCH_TOO_LARGE microseconds. */
const EPOCH_MILLIS_FROM = 1e11;
const EPOCH_MICROS_FROM = 1e14;
const EPOCH_TOO_LARGE = 1e17;

export type TimeResult = { ok: true; ms: number } | { ok: false; problem: string } | { ok: true; ms: null };

const ISO_OR_SQL =
	/^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|z|UTC|[+-]\d{2}(?::?\d{2})?)?$/;
const NUMERIC = /^[+-]?\d+(?:\.\d+)?$/;
const zoneCache = new Map<string, Zone | null>();
const ZONE_CACHE_LIMIT = 2000;

/**
 * A time-zone name shoppers' rows carry (IANA like "Europe/Berlin", "UTC", or "UTC+2") -> luxon zone, or null.
 * Cached, because validating a zone name builds an Intl formatter, which is too slow to repeat 100,000 times.
 */
export function resolveZone(name: string): Zone | null {
	const cached = zoneCache.get(name);
	if (cached !== undefined) return cached;
	const lower = name.trim().toLowerCase();
	let zone: Zone | null = null;
	if (lower !== '' && lower !== 'local' && lower !== 'system' && name.length <= 64) {
		const normalized = Info.normalizeZone(name.trim());
		zone = normalized && normalized.isValid && normalized.type !== 'system' ? normalized : null;
	}
	if (zoneCache.size >= ZONE_CACHE_LIMIT) zoneCache.clear();
	zoneCache.set(name, zone);
	return zone;
}

function daysInMonth(year: number, month: number): number {
	return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function parseOffsetMinutes(text: string): number {
	if (text === 'Z' || text === 'z' || text === 'UTC') return 0;
	const sign = text[0] === '-' ? -1 : 1;
	const digits = text.slice(1).replace(':', '');
	const hours = Number(digits.slice(0, 2));
	const minutes = digits.length > 2 ? Number(digits.slice(2, 4)) : 0;
	return sign * (hours * 60 + minutes);
}

function parseIsoOrSql(text: string, sourceZone: Zone): TimeResult | undefined {
	const m = ISO_OR_SQL.exec(text);
	if (!m) return undefined;
	const year = Number(m[1]);
	const month = Number(m[2]);
	const day = Number(m[3]);
	const hour = m[4] === undefined ? 0 : Number(m[4]);
	const minute = m[5] === undefined ? 0 : Number(m[5]);
	const second = m[6] === undefined ? 0 : Number(m[6]);
	const millisecond = m[7] === undefined ? 0 : Math.floor(Number(`0.${m[7]}`) * 1000);
	// MySQL writes "0000-00-00 00:00:00" for "no date"
	if (year === 0 && month === 0 && day === 0) return { ok: true, ms: null };
	if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
		return { ok: false, problem: 'is not a real calendar date' };
	}
	if (hour > 23 || minute > 59 || second > 59) return { ok: false, problem: 'is not a real time of day' };
	if (m[8] !== undefined) {
		const offset = parseOffsetMinutes(m[8]);
		if (Math.abs(offset) > 18 * 60) return { ok: false, problem: 'has an impossible UTC offset' };
		return {
			ok: true,
			ms: Date.UTC(year, month - 1, day, hour, minute, second, millisecond) - offset * MINUTE_MS,
		};
	}
	if (sourceZone.isUniversal && sourceZone.offset(0) === 0) {
		return { ok: true, ms: Date.UTC(year, month - 1, day, hour, minute, second, millisecond) };
	}
	const local = DateTime.fromObject({ year, month, day, hour, minute, second, millisecond }, { zone: sourceZone });
	return local.isValid ? { ok: true, ms: local.toMillis() } : { ok: false, problem: 'is not a valid date' };
}

function fromEpoch(value: number): TimeResult {
	if (!Number.isFinite(value) || value < 0) return { ok: false, problem: 'is not a usable epoch time' };
	if (value < EPOCH_MILLIS_FROM) return { ok: true, ms: Math.round(value * 1000) };
	if (value < EPOCH_MICROS_FROM) return { ok: true, ms: Math.round(value) };
	if (value < EPOCH_TOO_LARGE) return { ok: true, ms: Math.round(value / 1000) };
	return { ok: false, problem: 'is too large to be an epoch time' };
}

/**
 * Reads a timestamp as databases, webhooks and JavaScript deliver it: ISO 8601 with or without offset, SQL
 * `YYYY-MM-DD HH:MM:SS[.fff]`, epoch seconds / milliseconds / microseconds (told apart by size), a Date,
 * RFC 2822 or HTTP dates. Offset-less text is read in `sourceZone`. Empty values give `ms: null`.
 */
export function parseTimestamp(value: unknown, sourceZone: Zone): TimeResult {
	if (value === undefined || value === null || value === '') return { ok: true, ms: null };
	if (typeof value === 'number') return fromEpoch(value);
	if (value instanceof Date) {
		const ms = value.getTime();
		return Number.isNaN(ms) ? { ok: false, problem: 'is an invalid date' } : { ok: true, ms };
	}
	if (DateTime.isDateTime(value)) {
		return value.isValid ? { ok: true, ms: value.toMillis() } : { ok: false, problem: 'is an invalid date' };
	}
	if (typeof value !== 'string') return { ok: false, problem: 'is not a date or a time' };
	const text = value.trim();
	if (text === '') return { ok: true, ms: null };
	if (text.length > 64) return { ok: false, problem: 'is too long to be a date' };
	if (NUMERIC.test(text)) return fromEpoch(Number(text));
	const isoOrSql = parseIsoOrSql(text, sourceZone);
	if (isoOrSql) return isoOrSql;
	const rfc = DateTime.fromRFC2822(text, { zone: sourceZone });
	if (rfc.isValid) return { ok: true, ms: rfc.toMillis() };
	const http = DateTime.fromHTTP(text, { zone: sourceZone });
	if (http.isValid) return { ok: true, ms: http.toMillis() };
	return { ok: false, problem: 'is not in a date format the node reads' };
}

export function toIso(ms: number | null | undefined): string | null {
	return ms === null || ms === undefined ? null : new Date(ms).toISOString();
}

/** "21:00" -> 1260 minutes after midnight; undefined for anything else. */
export function parseClock(text: string): number | undefined {
	const m = /^(\d{1,2}):(\d{2})$/.exec(text.trim());
	if (!m) return undefined;
	const hours = Number(m[1]);
	const minutes = Number(m[2]);
	if (hours > 24 || minutes > 59 || (hours === 24 && minutes > 0)) return undefined;
	return hours * 60 + minutes;
}

const DURATION_UNITS: Record<string, number> = { m: 1, min: 1, h: 60, d: 1440, w: 10080 };

/** "90m", "1h", "1.5 h", "7d", "2w" or a bare number of minutes -> minutes; undefined when unreadable. */
export function parseDuration(text: string): number | undefined {
	const m = /^(\d+(?:\.\d+)?)\s*(m|min|h|d|w)?$/i.exec(text.trim());
	if (!m) return undefined;
	const unit = DURATION_UNITS[(m[2] ?? 'm').toLowerCase()];
	return Number(m[1]) * unit;
}

export interface QuietHours {
	startMinute: number;
	endMinute: number;
}

/**
 * If `ms` falls inside the quiet hours in `zone` (a window may cross midnight, e.g. 21:00-08:00), the instant the
 * window ends; otherwise null. Wall-clock arithmetic is luxon's, so daylight-saving days are 23 or 25 hours long.
 */
export function quietHoursEnd(ms: number, zone: Zone, quiet: QuietHours): number | null {
	if (quiet.startMinute === quiet.endMinute) return null;
	// One run asks this for every due cart at the same instant, so the answer per zone is remembered
	const key = `${zone.name}|${ms}|${quiet.startMinute}|${quiet.endMinute}`;
	const known = quietCache.get(key);
	if (known !== undefined) return known;
	const end = computeQuietHoursEnd(ms, zone, quiet);
	if (quietCache.size >= ZONE_CACHE_LIMIT) quietCache.clear();
	quietCache.set(key, end);
	return end;
}

const quietCache = new Map<string, number | null>();

function computeQuietHoursEnd(ms: number, zone: Zone, quiet: QuietHours): number | null {
	const { startMinute, endMinute } = quiet;
	const local = DateTime.fromMillis(ms, { zone });
	const minuteOfDay = local.hour * 60 + local.minute;
	const crossesMidnight = startMinute > endMinute;
	const inside = crossesMidnight
		? minuteOfDay >= startMinute || minuteOfDay < endMinute
		: minuteOfDay >= startMinute && minuteOfDay < endMinute;
	if (!inside) return null;
	const endDay = crossesMidnight && minuteOfDay >= startMinute ? local.plus({ days: 1 }) : local;
	const end = DateTime.fromObject(
		{
			year: endDay.year,
			month: endDay.month,
			day: endDay.day,
			hour: Math.floor(endMinute / 60) % 24,
			minute: endMinute % 60,
		},
		{ zone },
	);
	return endMinute === 24 * 60 ? end.plus({ days: 1 }).toMillis() : end.toMillis();
}
