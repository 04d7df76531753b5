/**
 * A throw-away PostgreSQL schema per scenario in database `test` on 127.0.0.1:5432 (trust auth). A login role
 * with the schema's name sees the schema first on its search_path ("$user", public), so the templates' plain
 * table names reach the test's tables without rewriting their SQL. Dropped (schema and role) afterwards.
 */
import { Client } from 'pg';

import { schemaOf } from '../support/sqlFiles';
import type { CredentialEntry } from './n8n';

const ADMIN = { host: '127.0.0.1', port: 5432, database: 'test' };
/** Both users exist on these machines; whichever connects first administers the test schemas. */
const ADMIN_USERS = ['postgres', 'root'];

/** What the PostgreSQL templates expect besides the carts: the daily figures they count into, and the coupon pool. */
const SHOP_SCHEMA_FILES = ['abandoned_carts.postgres.sql', 'recovery_daily.postgres.sql', 'cart_coupons.postgres.sql'];

let adminUser: string | undefined;

async function adminClient(): Promise<Client> {
	let lastError: Error | undefined;
	for (const user of adminUser ? [adminUser] : ADMIN_USERS) {
		const client = new Client({ ...ADMIN, user });
		try {
			await client.connect();
			adminUser = user;
			return client;
		} catch (error) {
			lastError = error as Error;
		}
	}
	throw new Error(`cannot connect to PostgreSQL at ${ADMIN.host}:${ADMIN.port}/${ADMIN.database}: ${lastError?.message}`);
}

export class TestDatabase {
	private constructor(
		readonly name: string,
		private readonly client: Client,
	) {}

	/** Creates role + schema `name`, and (optionally) the templates' tables in it: carts, daily figures, coupon pool. */
	static async create(label: string, withCartsTable = true): Promise<TestDatabase> {
		const name = `e2e_${label.replace(/[^a-z0-9]+/gi, '_').toLowerCase()}_${Date.now().toString(36)}_${process.pid}`.slice(0, 63);
		const admin = await adminClient();
		try {
			await admin.query(`CREATE ROLE ${name} LOGIN`);
			await admin.query(`CREATE SCHEMA ${name} AUTHORIZATION ${name}`);
		} finally {
			await admin.end();
		}
		const client = new Client({ ...ADMIN, user: name });
		await client.connect();
		const db = new TestDatabase(name, client);
		if (withCartsTable) for (const file of SHOP_SCHEMA_FILES) await client.query(schemaOf(file));
		return db;
	}

	async query<T extends Record<string, any> = Record<string, any>>(sql: string, values: unknown[] = []): Promise<T[]> {
		return (await this.client.query(sql, values)).rows as T[];
	}

	/** A query as the administering user, in this schema (n8n's own tables belong to that user in queue mode). */
	async adminQuery<T extends Record<string, any> = Record<string, any>>(sql: string, values: unknown[] = []): Promise<T[]> {
		const admin = await adminClient();
		try {
			await admin.query(`SET search_path TO ${this.name}`);
			return (await admin.query(sql, values)).rows as T[];
		} finally {
			await admin.end();
		}
	}

	/** n8n's Postgres credential for this schema's role. */
	credential(id = 'e2ePostgresCart1', name = 'Shop database (e2e)'): CredentialEntry {
		return {
			id,
			name,
			type: 'postgres',
			data: { host: ADMIN.host, port: ADMIN.port, database: ADMIN.database, user: this.name, password: '', ssl: 'disable', maxConnections: 10 },
		};
	}

	/**
	 * n8n's own database settings (queue mode): this schema, as the administering user. n8n's migrations hang
	 * right after `CREATE SCHEMA IF NOT EXISTS` when run as a plain role (they create the uuid-ossp extension).
	 */
	n8nDatabaseEnv(): Record<string, string> {
		return {
			DB_TYPE: 'postgresdb',
			DB_POSTGRESDB_HOST: ADMIN.host,
			DB_POSTGRESDB_PORT: String(ADMIN.port),
			DB_POSTGRESDB_DATABASE: ADMIN.database,
			DB_POSTGRESDB_USER: adminUser ?? ADMIN_USERS[0],
			DB_POSTGRESDB_PASSWORD: 'trust-auth-ignores-this',
			DB_POSTGRESDB_SCHEMA: this.name,
		};
	}

	async drop(): Promise<void> {
		await this.client.end().catch(() => undefined);
		const admin = await adminClient();
		try {
			// n8n may still hold connections for a moment after its processes were stopped.
			await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = $1', [this.name]);
			await admin.query(`DROP SCHEMA IF EXISTS ${this.name} CASCADE`);
			await admin.query(`DROP ROLE IF EXISTS ${this.name}`);
		} finally {
			await admin.end();
		}
	}
}
