/**
 * PostgresStorage: boards in PostgreSQL, shared by several Kanbridge servers (scale-out).
 * Chosen by DATABASE_URL; the schema is created and upgraded on open (migrations/).
 *
 * Invariants:
 * - an append is one transaction that first locks the board's row (FOR UPDATE), so appends
 *   to one board are serialised across all servers; it checks that the events continue the
 *   revision the row holds and changes nothing otherwise (`RevisionConflict`). The events
 *   table's primary key (board_id, revision) backs this up: when two servers race to create
 *   the same board, the loser's insert collides and also ends in `RevisionConflict`;
 * - the `boards` row is exactly the summary of the board's events (revision, name,
 *   updated_at, live card count): every append updates it in the same transaction;
 * - the row's snapshot is the fold of revisions 1..snapshot_revision, and an append leaves
 *   fewer than `snapshotEvery` events after it, so loading a board folds a bounded tail;
 * - codes are unique by primary key across the install and never deleted;
 * - every committed append sends a NOTIFY from inside its transaction, so PostgreSQL itself
 *   announces it at commit, even if the appending server dies a moment later;
 * - nothing read is shared: every call parses fresh objects from the database's answer.
 *
 * Capabilities: shared (several servers write here) and not pipelined: an append's outcome is
 * known only when PostgreSQL answers (another server may have written first). `appendDecided`
 * decides a command while the board's row is locked, after folding in whatever other servers
 * appended, so its commands never lose a race to another server's.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { replay, type BoardEvent, type BoardId, type BoardState, type Code, type OpId } from '../../src/lib/domain';
import { codesIssued } from './board-table';
import { migrate } from './migrations';
import { RevisionConflict, type Accepted, type BoardSummary, type CodeOwner, type Storage } from './types';

export interface PostgresOptions {
  /** Rewrite a board's snapshot once this many events followed it (default 500). */
  snapshotEvery?: number;
  /** Connections in the pool (default 10). */
  poolSize?: number;
}

/** Told of an append committed by another server: the board and its new revision. */
export type AppendListener = (boardId: BoardId, revision: number) => void;

/** The NOTIFY channel of committed appends. */
const CHANNEL = 'kanbridge_appends';
/** Unique violations: PostgreSQL's SQLSTATE and our constraints' names. */
const UNIQUE_VIOLATION = '23505';

interface Notice {
  /** board id */
  b: string;
  /** revision after the append */
  r: number;
  /** the appending storage instance */
  n: string;
}

type Phase = 'new' | 'open' | 'closed';

export class PostgresStorage implements Storage {
  readonly kind = 'postgres';
  readonly capabilities = { shared: true, pipelined: false } as const;
  /** Connection settings, for other pools on the same database (the Socket.IO adapter's). */
  readonly connection: pg.PoolConfig;
  /** Tells this instance's own appends apart from other servers' in notifications. */
  readonly #node = randomUUID();
  readonly #snapshotEvery: number;
  readonly #poolSize: number;
  #pool: pg.Pool | null = null;
  #phase: Phase = 'new';
  readonly #watchers = new Set<AppendWatcher>();

  constructor(connection: string | pg.PoolConfig, options: PostgresOptions = {}) {
    this.connection = typeof connection === 'string' ? { connectionString: connection } : { ...connection };
    this.#snapshotEvery = positive('snapshotEvery', options.snapshotEvery ?? 500);
    this.#poolSize = positive('poolSize', options.poolSize ?? 10);
  }

  async open(): Promise<void> {
    if (this.#phase !== 'new') throw new Error('a PostgresStorage opens once; create a new one to open again');
    const pool = new pg.Pool({ ...this.connection, max: this.#poolSize });
    // An idle connection that breaks (the database restarted) is dropped from the pool and
    // the next query opens a new one; without a listener the error would end the process.
    pool.on('error', (e) => console.error(`kanbridge: PostgreSQL connection lost: ${e.message}`));
    // A connection that breaks while checked out fails its query; the error it also emits
    // must not end the process.
    pool.on('connect', (client) => client.on('error', () => undefined));
    try {
      const client = await pool.connect();
      try {
        await migrate(client);
      } finally {
        client.release();
      }
    } catch (e) {
      this.#phase = 'closed';
      await pool.end();
      throw new Error(`cannot open the PostgreSQL database: ${message(e)}`, { cause: e });
    }
    this.#pool = pool;
    this.#phase = 'open';
  }

  async close(): Promise<void> {
    if (this.#phase !== 'open') return;
    this.#phase = 'closed';
    await Promise.all([...this.#watchers].map((w) => w.stop()));
    await this.#pool?.end();
    this.#pool = null;
  }

  async listBoards(): Promise<BoardSummary[]> {
    const { rows } = await this.#db().query<SummaryRow>(
      'SELECT id, code, name, revision, created_at, updated_at, card_count FROM boards ORDER BY created_at, id'
    );
    return rows.map((r) => ({
      id: r.id as BoardId,
      code: r.code as Code,
      name: r.name,
      revision: r.revision,
      createdAt: r.created_at,
      updatedAt: r.updated_at,
      cardCount: r.card_count
    }));
  }

  async loadBoard(boardId: BoardId): Promise<BoardState | null> {
    return fold(this.#db(), boardId);
  }

  async append(boardId: BoardId, events: BoardEvent[]): Promise<void> {
    if (events.length === 0) {
      this.#db();
      return;
    }
    await this.#write(boardId, null, () => events);
  }

  async appendDecided(boardId: BoardId, revision: number, decide: (missed: BoardEvent[]) => BoardEvent[] | null): Promise<Accepted> {
    await this.#write(boardId, revision, decide);
    // Committed before this resolves: accepted and durable are one.
    return { durable: Promise.resolve() };
  }

  /**
   * One append transaction: lock the board's row, hand `decide` what was appended after
   * `known` (nothing is read when `known` is null: a plain append), check and write what it
   * returns. Everything before COMMIT happens under the row lock.
   */
  async #write(boardId: BoardId, known: number | null, decide: (missed: BoardEvent[]) => BoardEvent[] | null): Promise<void> {
    const pool = this.#db();
    let first = 0;
    try {
      await transaction(pool, async (client) => {
        const { rows } = await client.query<{ revision: number; snapshot_revision: number }>(
          'SELECT revision, snapshot_revision FROM boards WHERE id = $1 FOR UPDATE',
          [boardId]
        );
        const row = rows[0];
        if (known !== null && !row) throw new Error(`board ${boardId} is not in the database`);
        const missed =
          known !== null && row && row.revision > known
            ? (
                await client.query<{ body: BoardEvent }>(
                  'SELECT body FROM events WHERE board_id = $1 AND revision > $2 ORDER BY revision',
                  [boardId, known]
                )
              ).rows.map((r) => r.body)
            : [];
        const events = decide(missed);
        if (!events || events.length === 0) return;
        first = events[0].revision;
        checkContinues(boardId, row?.revision ?? 0, events);
        const last = events[events.length - 1];
        const notice = JSON.stringify({ b: boardId, r: last.revision, n: this.#node } satisfies Notice);
        if (!row) {
          const state = replay(boardId, events);
          await client.query(
            `INSERT INTO boards (id, code, name, revision, card_count, created_at, updated_at, snapshot, snapshot_revision)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $4) RETURNING pg_notify($9, $10)`,
            [
              boardId,
              state.code,
              state.name,
              state.revision,
              liveCards(state),
              state.createdAt,
              state.updatedAt,
              JSON.stringify(state),
              CHANNEL,
              notice
            ]
          );
          await insertEvents(client, boardId, events);
        } else {
          await insertEvents(client, boardId, events);
          const delta = liveCardDelta(events);
          // Refold when the snapshot is due, or when the count cannot be told from the events.
          const state = last.revision - row.snapshot_revision >= this.#snapshotEvery || delta === null ? await fold(client, boardId) : null;
          await client.query(
            `UPDATE boards SET revision = $2, updated_at = $3, name = coalesce($4, name),
               card_count = coalesce($5, card_count + $6),
               snapshot = coalesce($7::jsonb, snapshot), snapshot_revision = coalesce($8, snapshot_revision)
             WHERE id = $1 RETURNING pg_notify($9, $10)`,
            [
              boardId,
              last.revision,
              last.at,
              renamedTo(events),
              state && liveCards(state),
              delta ?? 0,
              state && JSON.stringify(state),
              state?.revision ?? null,
              CHANNEL,
              notice
            ]
          );
        }
        const codes = events.flatMap(codesIssued);
        if (codes.length > 0) {
          await client.query(
            'INSERT INTO codes (code, kind, board_id, item_id) SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[])',
            [codes.map(([c]) => c), codes.map(([, o]) => o.kind), codes.map(([, o]) => o.boardId), codes.map(([, o]) => itemOf(o))]
          );
        }
      });
    } catch (e) {
      if (errorCode(e) !== UNIQUE_VIOLATION) throw e;
      const constraint = (e as pg.DatabaseError).constraint;
      if (constraint === 'codes_pkey') {
        throw new Error(`a code is already in use in this install: ${(e as pg.DatabaseError).detail ?? ''}`, { cause: e });
      }
      // Another server created this board, or appended this revision, first.
      const { rows } = await pool.query<{ revision: number }>('SELECT revision FROM boards WHERE id = $1', [boardId]);
      throw new RevisionConflict(boardId, (rows[0]?.revision ?? 0) + 1, first);
    }
  }

  async eventsSince(boardId: BoardId, since: number, limit?: number): Promise<BoardEvent[]> {
    const { rows } = await this.#db().query<{ body: BoardEvent }>(
      'SELECT body FROM events WHERE board_id = $1 AND revision > $2 ORDER BY revision LIMIT $3',
      [boardId, since, limit === undefined ? null : Math.max(0, limit)]
    );
    return rows.map((r) => r.body);
  }

  async findOp(boardId: BoardId, opId: OpId): Promise<BoardEvent[]> {
    const { rows } = await this.#db().query<{ body: BoardEvent }>(
      'SELECT body FROM events WHERE board_id = $1 AND op_id = $2 ORDER BY revision',
      [boardId, opId]
    );
    return rows.map((r) => r.body);
  }

  async findCode(code: Code): Promise<CodeOwner | null> {
    const { rows } = await this.#db().query<{ kind: CodeOwner['kind']; board_id: string; item_id: string | null }>(
      'SELECT kind, board_id, item_id FROM codes WHERE code = $1',
      [code]
    );
    const row = rows[0];
    if (!row) return null;
    const boardId = row.board_id as BoardId;
    switch (row.kind) {
      case 'board':
        return { kind: 'board', boardId };
      case 'column':
        return { kind: 'column', boardId, columnId: row.item_id ?? '' };
      case 'card':
        return { kind: 'card', boardId, cardId: row.item_id ?? '' };
    }
  }

  /**
   * Calls `listener` for each append that another server (another PostgresStorage) commits
   * to this database, until the returned function is called or the store closes. PostgreSQL
   * sends the notice at commit, so none is lost to the appending server dying; if this
   * server's listening connection breaks, it reconnects and then reports every board once,
   * since notices sent meanwhile are gone.
   */
  async watchAppends(listener: AppendListener): Promise<() => Promise<void>> {
    this.#db();
    const watcher = new AppendWatcher(
      this.connection,
      (n) => {
        if (n.n !== this.#node) listener(n.b as BoardId, n.r);
      },
      async () => {
        for (const board of await this.listBoards()) listener(board.id, board.revision);
      }
    );
    await watcher.start();
    this.#watchers.add(watcher);
    return async () => {
      this.#watchers.delete(watcher);
      await watcher.stop();
    };
  }

  #db(): pg.Pool {
    if (this.#phase !== 'open' || !this.#pool) throw new Error('storage is not open');
    return this.#pool;
  }
}

interface SummaryRow {
  id: string;
  code: string;
  name: string;
  revision: number;
  created_at: string;
  updated_at: string;
  card_count: number;
}

/**
 * The board's state: its snapshot plus the events after it, read in one statement (so from
 * one database snapshot). Inside an append's transaction it includes the events just inserted.
 */
async function fold(db: pg.Pool | pg.PoolClient, boardId: BoardId): Promise<BoardState | null> {
  const { rows } = await db.query<{ snapshot: BoardState; tail: BoardEvent[] }>(
    `SELECT b.snapshot, coalesce((SELECT json_agg(e.body ORDER BY e.revision) FROM events e
       WHERE e.board_id = b.id AND e.revision > b.snapshot_revision), '[]') AS tail
     FROM boards b WHERE b.id = $1`,
    [boardId]
  );
  const row = rows[0];
  // evolve checks that each event follows the last: a gap here would throw, not load silently.
  return row ? replay(boardId, row.tail, row.snapshot) : null;
}

async function insertEvents(client: pg.PoolClient, boardId: BoardId, events: BoardEvent[]): Promise<void> {
  await client.query(
    `INSERT INTO events (board_id, revision, op_id, body)
     SELECT $1, (e ->> 'revision')::integer, e ->> 'opId', e FROM jsonb_array_elements($2::jsonb) AS e`,
    [boardId, JSON.stringify(events)]
  );
}

/** Runs `fn` in a transaction on one pooled connection; rolls back if it throws. */
async function transaction(pool: pg.Pool, fn: (client: pg.PoolClient) => Promise<void>): Promise<void> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    await fn(client);
    await client.query('COMMIT');
  } catch (e) {
    // A connection that cannot even roll back is closed rather than reused.
    await client.query('ROLLBACK').catch((err: Error) => (broken = err));
    throw e;
  } finally {
    client.release(broken);
  }
}

/**
 * Throws (before anything is written) unless `events` continue `revision` gaplessly, belong
 * to `boardId`, and have boardCreated at revision 1 and only there: the rules of BoardTable.
 */
function checkContinues(boardId: BoardId, revision: number, events: readonly BoardEvent[]): void {
  let expected = revision + 1;
  for (const e of events) {
    if (e.boardId !== boardId) throw new Error(`an event of board ${e.boardId} cannot be appended to board ${boardId}`);
    if (e.revision !== expected) throw new RevisionConflict(boardId, expected, e.revision);
    if ((e.type === 'boardCreated') !== (e.revision === 1)) {
      throw new Error(`board ${boardId}: revision 1, and only revision 1, is the boardCreated event (got ${e.type} at ${e.revision})`);
    }
    expected++;
  }
}

/** Live (listed) cards: exactly those in `order`. */
function liveCards(state: BoardState): number {
  let count = 0;
  for (const ids of Object.values(state.order)) count += ids.length;
  return count;
}

/**
 * How the batch changes the live card count, or null when that depends on the state:
 * removing a column drops whatever it still held (decide only removes empty columns, but
 * the store does not rely on it).
 */
function liveCardDelta(events: readonly BoardEvent[]): number | null {
  let delta = 0;
  for (const e of events) {
    if (e.type === 'cardCreated' || e.type === 'cardRestored') delta++;
    else if (e.type === 'cardArchived') delta--;
    else if (e.type === 'columnRemoved') return null;
  }
  return delta;
}

function renamedTo(events: readonly BoardEvent[]): string | null {
  let name: string | null = null;
  for (const e of events) if (e.type === 'boardRenamed') name = e.name;
  return name;
}

function itemOf(owner: CodeOwner): string | null {
  switch (owner.kind) {
    case 'board':
      return null;
    case 'column':
      return owner.columnId;
    case 'card':
      return owner.cardId;
  }
}

/**
 * One LISTEN connection of its own (outside the pool: it is held for as long as the watch
 * lasts). On a lost connection it retries every second, and once back calls `resync`.
 */
class AppendWatcher {
  #client: pg.Client | null = null;
  #stopped = false;
  #retry: NodeJS.Timeout | null = null;

  constructor(
    private readonly config: pg.ClientConfig,
    private readonly onNotice: (n: Notice) => void,
    private readonly resync: () => Promise<void>
  ) {}

  async start(): Promise<void> {
    await this.#connect();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#retry) clearTimeout(this.#retry);
    const client = this.#client;
    this.#client = null;
    await client?.end().catch(() => undefined);
  }

  async #connect(): Promise<void> {
    const client = new pg.Client(this.config);
    client.on('notification', (msg) => {
      if (msg.channel !== CHANNEL || !msg.payload) return;
      try {
        this.onNotice(JSON.parse(msg.payload) as Notice);
      } catch (e) {
        console.error(`kanbridge: a change notice could not be handled: ${message(e)}`);
      }
    });
    client.on('error', () => this.#lost(client));
    client.on('end', () => this.#lost(client));
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANNEL}`);
    } catch (e) {
      await client.end().catch(() => undefined);
      throw e;
    }
    if (this.#stopped) {
      await client.end().catch(() => undefined);
      return;
    }
    this.#client = client;
  }

  #lost(client: pg.Client): void {
    if (this.#stopped || this.#client !== client) return;
    this.#client = null;
    void client.end().catch(() => undefined);
    console.error("kanbridge: lost the PostgreSQL connection that listens for other servers' changes; reconnecting");
    const again = () => {
      this.#retry = setTimeout(() => {
        this.#connect().then(
          () => this.resync().catch((e: unknown) => console.error(`kanbridge: re-reading board revisions failed: ${message(e)}`)),
          again
        );
      }, 1_000);
    };
    again();
  }
}

function positive(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 1) throw new Error(`${name} must be a positive integer, got ${value}`);
  return value;
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function errorCode(e: unknown): string | undefined {
  return typeof e === 'object' && e !== null && 'code' in e ? String((e as { code: unknown }).code) : undefined;
}
