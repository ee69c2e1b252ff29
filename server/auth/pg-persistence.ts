/**
 * Accounts in PostgreSQL, shared by every server on the database: one row holds the document
 * and a version. A save succeeds only if the version is still the one this server loaded
 * (compare-and-set), so two servers changing accounts at once never overwrite each other: the
 * loser reloads and applies its change again (Accounts.#change).
 */
import pg from 'pg';
import { parseAccountsDoc } from './persistence';
import { AccountsConflict, type AccountsDoc, type AccountsPersistence } from './types';

const LOCK_ID = 7_346_100; // advisory lock for creating the table once when servers start together

export class PgAccounts implements AccountsPersistence {
  readonly shared = true;
  readonly #pool: pg.Pool;
  #ready: Promise<void> | null = null;

  constructor(connectionString: string) {
    this.#pool = new pg.Pool({ connectionString, max: 2 });
    this.#pool.on('error', (e) => console.error(`kanbridge: accounts database connection lost: ${e.message}`));
  }

  #init(): Promise<void> {
    this.#ready ??= (async () => {
      const client = await this.#pool.connect();
      try {
        await client.query('SELECT pg_advisory_lock($1)', [LOCK_ID]);
        await client.query(
          'CREATE TABLE IF NOT EXISTS kanbridge_accounts (id int PRIMARY KEY, doc jsonb NOT NULL, version bigint NOT NULL)'
        );
      } finally {
        await client.query('SELECT pg_advisory_unlock($1)', [LOCK_ID]).catch(() => undefined);
        client.release();
      }
    })();
    return this.#ready;
  }

  async load(): Promise<{ doc: AccountsDoc; version: number } | null> {
    await this.#init();
    const { rows } = await this.#pool.query<{ doc: unknown; version: string }>('SELECT doc, version FROM kanbridge_accounts WHERE id = 1');
    if (rows.length === 0) return null;
    return { doc: parseAccountsDoc(rows[0].doc, 'the kanbridge_accounts table'), version: Number(rows[0].version) };
  }

  async save(doc: AccountsDoc, expected: number): Promise<number> {
    await this.#init();
    const next = expected + 1;
    const result =
      expected === 0
        ? await this.#pool.query('INSERT INTO kanbridge_accounts (id, doc, version) VALUES (1, $1, 1) ON CONFLICT (id) DO NOTHING', [
            JSON.stringify(doc)
          ])
        : await this.#pool.query('UPDATE kanbridge_accounts SET doc = $1, version = $2 WHERE id = 1 AND version = $3', [
            JSON.stringify(doc),
            next,
            expected
          ]);
    if (result.rowCount !== 1) throw new AccountsConflict('the accounts changed on another server');
    return next;
  }

  async close(): Promise<void> {
    await this.#pool.end();
  }
}
