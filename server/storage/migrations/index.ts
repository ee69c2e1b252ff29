/**
 * Schema migrations for PostgreSQL, run by every server as it opens the store.
 *
 * Invariants:
 * - `kanbridge_migrations` lists exactly the versions applied, each once;
 * - all pending migrations apply in one transaction, in version order: a failure leaves the
 *   schema as it was, never half-migrated (PostgreSQL DDL is transactional);
 * - servers starting together take turns through a transaction-scoped advisory lock, so the
 *   second one finds the work done instead of colliding with it;
 * - a database migrated by a newer Kanbridge (versions this one does not know) is refused,
 *   not written to with an older idea of the schema.
 *
 * Migrations are TypeScript modules rather than .sql files so that they travel inside the
 * bundled server (build/kanbridge.js).
 */
import type pg from 'pg';
import { initial } from './001-initial';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [initial];

/** Advisory lock key for migrations: "Kanb" in ASCII, an arbitrary constant of this app. */
const MIGRATION_LOCK = 0x4b616e62;

/**
 * Brings the schema up to date; returns the versions this call applied (none when another
 * server, or an earlier start, already did).
 */
export async function migrate(client: pg.ClientBase, migrations: readonly Migration[] = MIGRATIONS): Promise<number[]> {
  const known = Math.max(0, ...migrations.map((m) => m.version));
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await client.query(`CREATE TABLE IF NOT EXISTS kanbridge_migrations (
      version integer PRIMARY KEY,
      name text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
    const { rows } = await client.query<{ version: number }>('SELECT version FROM kanbridge_migrations');
    const done = new Set(rows.map((r) => r.version));
    const newest = Math.max(0, ...done);
    if (newest > known) {
      throw new Error(
        `the database has Kanbridge schema version ${newest}, but this Kanbridge knows only up to ${known}: run a newer Kanbridge on it`
      );
    }
    const applied: number[] = [];
    for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
      if (done.has(m.version)) continue;
      try {
        await client.query(m.sql);
      } catch (e) {
        throw new Error(
          `schema migration ${m.version} (${m.name}) failed, nothing was changed: ${e instanceof Error ? e.message : String(e)}`,
          { cause: e }
        );
      }
      await client.query('INSERT INTO kanbridge_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
      applied.push(m.version);
    }
    await client.query('COMMIT');
    return applied;
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw e;
  }
}
