/**
 * What the reminders earned, as one HTML page: totals, a table per reminder step and a chart per day (inline SVG,
 * no scripts, no external files), from daily figures the report template reads from the shop's table.
 * Plain TypeScript: no n8n here.
 */
import { formatMoney } from '../shared/money';
import { plainNumber } from '../shared/numbers';

export interface DailyFigures {
	/** `YYYY-MM-DD`. */
	day: string;
	cartsSeen: number;
	/** Reminders sent that day, by step (1 for the first reminder). */
	remindedByStep: Record<number, number>;
	/** Orders recovered that day, by the step credited. */
	recoveredByStep: Record<number, number>;
	recoveredRevenue: number;
}

export interface StepFigures {
	step: number;
	reminded: number;
	recovered: number;
	/** recovered / reminded, 0 when nothing was sent. */
	rate: number;
}

export interface ReportTotals {
	cartsSeen: number;
	reminded: number;
	recovered: number;
	recoveredRevenue: number;
	rate: number;
	steps: StepFigures[];
}

const DAY_PATTERN = /^\d{4}-\d{2}-\d{2}$/;
const STEP_COLUMN = /^(reminded|recovered)_step_?(\d+)$/;

function count(value: unknown, what: string, day: string): number {
	if (value === undefined || value === null || value === '') return 0;
	const number = plainNumber(value);
	if (number === null || number < 0) {
		throw new Error(`The report row for ${day} has ${what} ${JSON.stringify(value)}, which is not a count or an amount.`);
	}
	return number;
}

/**
 * One row per day as a SQL query or a Data table returns it: `day`, `carts_seen`, `reminded_step_1`, …,
 * `recovered_step_1`, …, `recovered_revenue`. A `day` may come as a date-time; its date part is used.
 */
export function readDailyFigures(row: Record<string, unknown>): DailyFigures {
	const rawDay = row.day instanceof Date ? row.day.toISOString() : String(row.day ?? '');
	const day = rawDay.slice(0, 10);
	if (!DAY_PATTERN.test(day)) throw new Error(`A report row's day must be a date such as 2026-11-30; got ${JSON.stringify(row.day)}.`);
	const figures: DailyFigures = {
		day,
		cartsSeen: count(row.carts_seen, 'carts_seen', day),
		remindedByStep: {},
		recoveredByStep: {},
		recoveredRevenue: count(row.recovered_revenue, 'recovered_revenue', day),
	};
	for (const [column, value] of Object.entries(row)) {
		const match = STEP_COLUMN.exec(column);
		if (!match) continue;
		const byStep = match[1] === 'reminded' ? figures.remindedByStep : figures.recoveredByStep;
		byStep[Number(match[2])] = count(value, column, day);
	}
	return figures;
}

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
const rate = (recovered: number, reminded: number) => (reminded > 0 ? recovered / reminded : 0);

export function reportTotals(days: DailyFigures[]): ReportTotals {
	const stepNumbers = [...new Set(days.flatMap((d) => [...Object.keys(d.remindedByStep), ...Object.keys(d.recoveredByStep)].map(Number)))].sort((a, b) => a - b);
	const steps = stepNumbers.map((step) => {
		const reminded = sum(days.map((d) => d.remindedByStep[step] ?? 0));
		const recovered = sum(days.map((d) => d.recoveredByStep[step] ?? 0));
		return { step, reminded, recovered, rate: rate(recovered, reminded) };
	});
	const reminded = sum(steps.map((s) => s.reminded));
	const recovered = sum(steps.map((s) => s.recovered));
	return {
		cartsSeen: sum(days.map((d) => d.cartsSeen)),
		reminded,
		recovered,
		recoveredRevenue: sum(days.map((d) => d.recoveredRevenue)),
		rate: rate(recovered, reminded),
		steps,
	};
}

function escapeHtml(text: string): string {
	return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

const percent = (value: number) => `${(value * 100).toFixed(1)} %`;

const CHART = { width: 760, height: 240, left: 44, bottom: 28, top: 12 };

/** Reminders sent (grey) and carts recovered (green) per day, as bars on one scale. */
function dailyChart(days: DailyFigures[]): string {
	const plotWidth = CHART.width - CHART.left - 8;
	const plotHeight = CHART.height - CHART.bottom - CHART.top;
	const reminded = days.map((d) => sum(Object.values(d.remindedByStep)));
	const recovered = days.map((d) => sum(Object.values(d.recoveredByStep)));
	const top = Math.max(1, ...reminded, ...recovered);
	const slot = plotWidth / Math.max(days.length, 1);
	const bar = Math.max(2, Math.min(18, slot / 2 - 2));
	const y = (value: number) => CHART.top + plotHeight - (value / top) * plotHeight;
	const bars = days
		.map((d, i) => {
			const x = CHART.left + i * slot + slot / 2;
			const label = days.length <= 16 || i % Math.ceil(days.length / 16) === 0 ? `<text x="${x}" y="${CHART.height - 10}" text-anchor="middle">${escapeHtml(d.day.slice(5))}</text>` : '';
			return (
				`<rect class="reminded" x="${(x - bar).toFixed(1)}" y="${y(reminded[i]).toFixed(1)}" width="${bar.toFixed(1)}" height="${(CHART.top + plotHeight - y(reminded[i])).toFixed(1)}"><title>${escapeHtml(d.day)}: ${reminded[i]} reminded</title></rect>` +
				`<rect class="recovered" x="${x.toFixed(1)}" y="${y(recovered[i]).toFixed(1)}" width="${bar.toFixed(1)}" height="${(CHART.top + plotHeight - y(recovered[i])).toFixed(1)}"><title>${escapeHtml(d.day)}: ${recovered[i]} recovered</title></rect>` +
				label
			);
		})
		.join('');
	return (
		`<svg role="img" aria-label="Reminders sent and carts recovered per day" viewBox="0 0 ${CHART.width} ${CHART.height}" width="100%">` +
		`<line x1="${CHART.left}" y1="${CHART.top + plotHeight}" x2="${CHART.width - 8}" y2="${CHART.top + plotHeight}" class="axis"/>` +
		`<text x="${CHART.left - 6}" y="${CHART.top + 8}" text-anchor="end">${top}</text><text x="${CHART.left - 6}" y="${CHART.top + plotHeight}" text-anchor="end">0</text>` +
		bars +
		'</svg>'
	);
}

export interface ReportOptions {
	title: string;
	currency: string;
	locale: string;
	/** Rows of figures that could not be read (Continue On Fail): the page says they are left out. */
	unreadableRows?: number;
}

/** The whole page: a self-contained HTML document (inline style and SVG only). */
export function renderRecoveryReport(days: DailyFigures[], { title, currency, locale, unreadableRows = 0 }: ReportOptions): string {
	const sorted = [...days].sort((a, b) => a.day.localeCompare(b.day));
	const totals = reportTotals(sorted);
	const money = (amount: number) => escapeHtml(formatMoney(amount, currency, locale));
	const period = sorted.length ? `${sorted[0].day} to ${sorted[sorted.length - 1].day}` : 'no days recorded yet';
	const tiles: Array<[string, string]> = [
		['Carts seen', String(totals.cartsSeen)],
		['Reminders sent', String(totals.reminded)],
		['Carts recovered', String(totals.recovered)],
		['Recovered revenue', money(totals.recoveredRevenue)],
		['Recovery rate', percent(totals.rate)],
	];
	const stepRows = totals.steps
		.map((s) => `<tr><td>Reminder ${s.step}</td><td>${s.reminded}</td><td>${s.recovered}</td><td>${percent(s.rate)}</td></tr>`)
		.join('');
	return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:24px;color:#1f2933;background:#fff}
h1{font-size:22px;margin:0 0 4px}.period{color:#616e7c;margin:0 0 20px}
.tiles{display:flex;flex-wrap:wrap;gap:12px;margin-bottom:24px}.tile{border:1px solid #e4e7eb;border-radius:8px;padding:12px 16px;min-width:130px}
.tile b{display:block;font-size:24px}.tile span{color:#616e7c;font-size:13px}
table{border-collapse:collapse;margin-bottom:24px}td,th{border-bottom:1px solid #e4e7eb;padding:6px 14px;text-align:right}td:first-child,th:first-child{text-align:left}
svg text{font-size:11px;fill:#616e7c}.axis{stroke:#9aa5b1}.reminded{fill:#9aa5b1}.recovered{fill:#27ab83}
.legend span{display:inline-block;width:10px;height:10px;margin:0 4px 0 12px}.empty{color:#616e7c}.warning{color:#8a4b00;background:#fff3c4;padding:8px 12px;border-radius:6px}
</style></head>
<body>
<h1>${escapeHtml(title)}</h1>
<p class="period">${escapeHtml(period)}</p>
${unreadableRows > 0 ? `<p class="warning">${unreadableRows} row(s) of figures could not be read and are left out; the workflow's execution says why.</p>\n` : ''}<div class="tiles">${tiles.map(([label, value]) => `<div class="tile"><b>${value}</b><span>${escapeHtml(label)}</span></div>`).join('')}</div>
${
	sorted.length
		? `<table><thead><tr><th>Step</th><th>Reminded</th><th>Recovered</th><th>Rate</th></tr></thead><tbody>${stepRows}</tbody></table>
<p class="legend"><span class="reminded" style="background:#9aa5b1"></span>Reminders sent<span style="background:#27ab83"></span>Carts recovered</p>
${dailyChart(sorted)}`
		: '<p class="empty">No reminders recorded yet. The figures appear after the first scheduled run.</p>'
}
</body></html>
`;
}
