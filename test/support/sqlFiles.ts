/**
 * The shipped SQL of workflows/sql/, as the tests run it: a whole file pointed at the test's own tables, or one
 * step of it (the text after a `-- step: <node name>` line, up to the next one), which is the query of the
 * template node of that name.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const SQL_DIR = join(__dirname, '..', '..', 'workflows', 'sql');
const STEP_LINE = /^-- step: (.+)$/m;

/** SQL written for the templates' tables (`abandoned_carts`, `cart_coupons`, …) pointed at the test's own tables. */
export function pointSqlAt(sql: string, tables: Record<string, string>): string {
	return Object.entries(tables).reduce((text, [template, own]) => text.split(template).join(own), sql);
}

/** A shipped file of workflows/sql/, pointed at the test's own tables. */
export function shippedSql(file: string, tables: Record<string, string> = {}): string {
	return pointSqlAt(readFileSync(join(SQL_DIR, file), 'utf8'), tables);
}

/** The file's text before its first step: the schema. */
export function schemaOf(file: string, tables: Record<string, string> = {}): string {
	return shippedSql(file, tables).split(STEP_LINE)[0];
}

/** The steps of a file by node name, each the query that node runs. */
export function sqlSteps(file: string, tables: Record<string, string> = {}): Map<string, string> {
	const [, ...parts] = shippedSql(file, tables).split(STEP_LINE);
	const steps = new Map<string, string>();
	for (let i = 0; i < parts.length; i += 2) steps.set(parts[i].trim(), parts[i + 1].trim());
	return steps;
}
