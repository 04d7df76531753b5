/**
 * The MariaDB of this machine (127.0.0.1:3306, database `test`, user root) for the tests of the MySQL / MariaDB
 * template: a connection, a table name of the test's own, and n8n's query parameters as the driver's.
 * Used by the SQL tests in test/workflows/ and the e2e scenario that runs the template in real n8n.
 */
import mysql from 'mysql2/promise';

export const MARIADB = { host: '127.0.0.1', port: 3306, user: 'root', password: '', database: 'test' };

/** One connection as an execution of the workflow holds it; times in UTC, several statements per query. */
export async function connectMariaDb(): Promise<mysql.Connection> {
	try {
		return await mysql.createConnection({ ...MARIADB, multipleStatements: true, timezone: 'Z' });
	} catch (error) {
		throw new Error(`cannot connect to MariaDB at ${MARIADB.host}:${MARIADB.port}/${MARIADB.database} as ${MARIADB.user}: ${(error as Error).message}`);
	}
}

/** A table name of this test run's own, so helpers running tests at the same time never share a table. */
export function ownTableName(label: string): string {
	return `${label.replace(/[^a-z0-9]+/gi, '_').toLowerCase()}_${Date.now().toString(36)}_${process.pid}`.slice(0, 60);
}

/** n8n's `$1, $2, …` as the driver's `?` (the template's parameters are numbered in the order they appear). */
export function withDriverPlaceholders(sql: string): string {
	return sql.replace(/\$\d+\b/g, '?');
}
