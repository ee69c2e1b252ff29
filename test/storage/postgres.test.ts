/**
 * PostgresStorage: the storage contract on an embedded PostgreSQL (one server for this file,
 * one database per test), then what only a shared database has to get right: migrations run
 * by servers starting together, snapshots, two stores racing on one board, the notices that
 * tell a server about other servers' appends, and two board services sharing one database.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import {
  decide,
  evolve,
  newCardId,
  newColumnId,
  newOpId,
  randomCode,
  replay,
  type BoardEvent,
  type BoardId,
  type CardId
} from '../../src/lib/domain';
import { BoardService } from '../../server/board-service';
import { scaleOut, type ScaleOut } from '../../server/scale';
import { createStorage } from '../../server/storage/index';
import { MIGRATIONS, migrate, type Migration } from '../../server/storage/migrations';
import { PostgresStorage, type PostgresOptions } from '../../server/storage/postgres';
import { RevisionConflict } from '../../server/storage/types';
import { startPostgres, type TestPostgres } from '../helpers/postgres';
import { ScriptedBoard } from './board-events';
import { storageContract, type StorageHarness } from './contract';

let server: TestPostgres;
const opened: PostgresStorage[] = [];

beforeAll(async () => {
  server = await startPostgres();
});
afterAll(async () => {
  await server?.stop();
});
afterEach(async () => {
  for (const s of opened.splice(0)) await s.close();
});

async function openStore(url: string, options?: PostgresOptions): Promise<PostgresStorage> {
  const storage = new PostgresStorage(url, options);
  await storage.open();
  opened.push(storage);
  return storage;
}

function harness(options?: PostgresOptions): () => Promise<StorageHarness> {
  return async () => {
    const url = await server.createDatabase();
    let current = await openStore(url, options);
    return {
      storage: current,
      reopen: async () => {
        await current.close();
        current = await openStore(url, options);
        return current;
      },
      cleanup: async () => current.close()
    };
  };
}

storageContract('postgres', harness(), { durable: true, shared: true, pipelined: false });
// Snapshots every few events, so that loading runs through snapshot plus tail, and appends
// through the refold that writes a snapshot.
storageContract('postgres, snapshot every 7 events', harness({ snapshotEvery: 7 }), { durable: true, shared: true, pipelined: false });

/** A board with `moves` moves of one card after it was created. */
function busyBoard(moves: number): ScriptedBoard {
  const board = new ScriptedBoard();
  board.addCard('Busy');
  const card = board.lastCardId();
  for (let i = 0; i < moves; i++) board.move(card, (i % 2) + 1);
  return board;
}

async function appendEach(storage: PostgresStorage, board: ScriptedBoard): Promise<void> {
  for (const e of board.events) await storage.append(board.id, [e]);
}

describe('postgres schema migrations', () => {
  it('creates the schema once when several servers start together', async () => {
    const url = await server.createDatabase();
    const stores = Array.from({ length: 5 }, () => new PostgresStorage(url));
    await Promise.all(stores.map((s) => s.open()));
    opened.push(...stores);

    const versions = await server.query<{ version: number }>('SELECT version FROM kanbridge_migrations ORDER BY version', [], url);
    expect(versions.map((v) => v.version)).toEqual(MIGRATIONS.map((m) => m.version));
    // Every one of them works on the same tables.
    const board = busyBoard(3);
    await appendEach(stores[0], board);
    for (const s of stores) expect(await s.loadBoard(board.id)).toEqual(board.state);
  });

  it('applies pending migrations all or nothing, and each only once', async () => {
    const url = await server.createDatabase();
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const first: Migration = { version: 1, name: 'a table', sql: 'CREATE TABLE first_table (x integer)' };
      const broken: Migration = { version: 2, name: 'a typo', sql: 'CREATE TABLE second_table (x integr)' };
      await expect(migrate(client, [first, broken])).rejects.toThrow('schema migration 2 (a typo) failed, nothing was changed');
      const tables = async () => (await client.query<{ t: string | null }>("SELECT to_regclass('first_table')::text AS t")).rows[0].t;
      expect(await tables()).toBeNull();

      expect(await migrate(client, [first])).toEqual([1]);
      expect(await tables()).toBe('first_table');
      const fixed: Migration = { ...broken, sql: 'CREATE TABLE second_table (x integer)' };
      expect(await migrate(client, [first, fixed])).toEqual([2]);
      expect(await migrate(client, [first, fixed])).toEqual([]);
    } finally {
      await client.end();
    }
  });

  it('refuses a database migrated by a newer Kanbridge', async () => {
    const url = await server.createDatabase();
    await (await openStore(url)).close();
    const future = Math.max(...MIGRATIONS.map((m) => m.version)) + 1;
    await server.query("INSERT INTO kanbridge_migrations (version, name) VALUES ($1, 'from the future')", [future], url);
    await expect(new PostgresStorage(url).open()).rejects.toThrow(`schema version ${future}, but this Kanbridge knows only up to`);
  });

  it('says which database it cannot open', async () => {
    const url = (await server.createDatabase()).replace(/\/t_\w+$/, '/no_such_database');
    await expect(new PostgresStorage(url).open()).rejects.toThrow(/cannot open the PostgreSQL database: .*no_such_database/);
  });
});

describe('postgres storage', () => {
  it('keeps the snapshot at most snapshotEvery events behind, and loads from it', async () => {
    const url = await server.createDatabase();
    const storage = await openStore(url, { snapshotEvery: 10 });
    const board = busyBoard(36);
    await appendEach(storage, board);
    const [row] = await server.query<{ revision: number; snapshot_revision: number }>(
      'SELECT revision, snapshot_revision FROM boards',
      [],
      url
    );
    expect(row.revision).toBe(38);
    // Written with the board (revision 1), then whenever 10 events followed: 11, 21, 31.
    expect(row.snapshot_revision).toBe(31);
    // Take away the events the snapshot covers: the state must come from the snapshot plus
    // events 32..38, not from replaying everything.
    await server.query('DELETE FROM events WHERE revision <= 31 AND board_id = $1', [board.id], url);
    expect(await storage.loadBoard(board.id)).toEqual(board.state);
  });

  it('writes a new board whole in one append, snapshot included', async () => {
    const url = await server.createDatabase();
    const storage = await openStore(url);
    const board = new ScriptedBoard('Bulk');
    for (let i = 0; i < 50; i++) board.addCard(`Card ${i}`, i % 3);
    await storage.append(board.id, board.events);
    const [row] = await server.query<{ snapshot_revision: number; card_count: number }>(
      'SELECT snapshot_revision, card_count FROM boards',
      [],
      url
    );
    expect(row).toEqual({ snapshot_revision: 51, card_count: 50 });
    expect(await storage.loadBoard(board.id)).toEqual(board.state);
  });

  it('lets two stores on one database race for a revision: one wins, the other changes nothing', async () => {
    const url = await server.createDatabase();
    const [a, b] = [await openStore(url), await openStore(url)];
    const board = busyBoard(2);
    await appendEach(a, board);
    for (let round = 0; round < 20; round++) {
      // Two different next events for the same revision, one through each store.
      const mine = board.move(board.lastCardId(), round % 3);
      const theirs = { ...mine[0], opId: newOpId() };
      const results = await Promise.allSettled([a.append(board.id, mine), b.append(board.id, [theirs])]);
      const won = results.filter((r) => r.status === 'fulfilled');
      expect(won).toHaveLength(1);
      for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(RevisionConflict);
      const stored = await b.eventsSince(board.id, board.state.revision - 1);
      expect(stored).toHaveLength(1);
      // Keep the model in step with whichever event won.
      if (results[1].status === 'fulfilled') board.events[board.events.length - 1] = theirs;
      expect(stored[0]).toEqual(board.events[board.events.length - 1]);
    }
    const events = await a.eventsSince(board.id, 0);
    expect(events.map((e) => e.revision)).toEqual(events.map((_, i) => i + 1));
    expect(await b.loadBoard(board.id)).toEqual(replay(board.id, events));
  });

  it('lets only one of two stores create the same board', async () => {
    const url = await server.createDatabase();
    const [a, b] = [await openStore(url), await openStore(url)];
    for (let round = 0; round < 10; round++) {
      const one = new ScriptedBoard('One');
      const two = new ScriptedBoard('Two', undefined, one.id);
      const results = await Promise.allSettled([a.append(one.id, [one.created]), b.append(two.id, [two.created])]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const lost = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
      expect(lost.reason).toBeInstanceOf(RevisionConflict);
      expect(lost.reason).toMatchObject({ boardId: one.id, expected: 2, got: 1 });
      const winner = results[0].status === 'fulfilled' ? one : two;
      expect(await a.eventsSince(one.id, 0)).toEqual([winner.created]);
      // The loser's codes were not kept.
      const loser = winner === one ? two : one;
      expect(await b.findCode(loser.state.code)).toBeNull();
    }
  });

  it('keeps codes unique across stores', async () => {
    const url = await server.createDatabase();
    const [a, b] = [await openStore(url), await openStore(url)];
    const holder = new ScriptedBoard();
    await a.append(holder.id, [holder.created]);
    const thief = new ScriptedBoard();
    const stolen = { ...thief.created, code: holder.state.code } as typeof thief.created;
    await expect(b.append(thief.id, [stolen])).rejects.toThrow(
      `a code is already in use in this install: Key (code)=(${holder.state.code}) already exists`
    );
    expect(await b.loadBoard(thief.id)).toBeNull();
    expect(await a.findCode(holder.state.code)).toEqual({ kind: 'board', boardId: holder.id });
  });

  it('finds the events of an opId, on any store of the database', async () => {
    const url = await server.createDatabase();
    const [a, b] = [await openStore(url), await openStore(url)];
    const board = new ScriptedBoard();
    await a.append(board.id, [board.created]);
    const several = board.run({ type: 'addColumn', name: 'Later' });
    const move = board.addCard('Card');
    await a.append(board.id, several);
    await a.append(board.id, move);
    expect(await b.findOp(board.id, move[0].opId)).toEqual(move);
    expect(await b.findOp(board.id, several[0].opId)).toEqual(several);
    expect(await b.findOp(board.id, newOpId())).toEqual([]);
    expect(await b.findOp(new ScriptedBoard().id, move[0].opId)).toEqual([]);
  });

  it("tells a watcher about other stores' appends, not its own", async () => {
    const url = await server.createDatabase();
    const [a, b] = [await openStore(url), await openStore(url)];
    const seen: [BoardId, number][] = [];
    await b.watchAppends((boardId, revision) => seen.push([boardId, revision]));
    const board = busyBoard(3);
    await a.append(board.id, board.events.slice(0, 2));
    await b.append(board.id, board.events.slice(2, 4));
    await a.append(board.id, board.events.slice(4));

    await expect.poll(() => seen.length).toBe(2);
    await new Promise((resolve) => setTimeout(resolve, 100)); // b's own notice would come as fast
    expect(seen).toEqual([
      [board.id, 2],
      [board.id, 5]
    ]);
  });

  it('after losing its listening connection, reconnects and reports every board once', async () => {
    const url = await server.createDatabase();
    const [a, b] = [await openStore(url), await openStore(url)];
    const seen: [BoardId, number][] = [];
    await b.watchAppends((boardId, revision) => seen.push([boardId, revision]));
    const boards = [busyBoard(1), busyBoard(2)];
    for (const board of boards) await appendEach(a, board);
    await expect.poll(() => seen.length).toBe(7);
    seen.length = 0;

    const killed = await server.query<{ ok: boolean }>(
      "SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE query = 'LISTEN kanbridge_appends'",
      [],
      url
    );
    expect(killed).toEqual([{ ok: true }]);
    const more = boards[0].move(boards[0].lastCardId(), 0);
    await a.append(boards[0].id, more); // sent while nobody listens: only the resync tells

    await expect.poll(() => seen.length, { timeout: 10_000 }).toBe(2);
    expect(seen.sort()).toEqual(boards.map((x): [BoardId, number] => [x.id, x.state.revision]).sort());
    // And it listens again.
    await a.append(boards[1].id, boards[1].move(boards[1].lastCardId(), 0));
    await expect.poll(() => seen.length).toBe(3);
    expect(seen[2]).toEqual([boards[1].id, boards[1].state.revision]);
  });

  it('is what createStorage picks when DATABASE_URL is set', async () => {
    const url = await server.createDatabase();
    const storage = createStorage({ dataDir: '/nonexistent', databaseUrl: url });
    expect(storage).toBeInstanceOf(PostgresStorage);
    expect(storage.kind).toBe('postgres');
    expect(storage.capabilities).toEqual({ shared: true, pipelined: false });
    await storage.open();
    opened.push(storage as PostgresStorage);
    expect(await storage.listBoards()).toEqual([]);
  });
});

describe('two board services on one database', () => {
  const ctx = { actor: { id: 'u1', name: 'Ann' }, source: 'drag' as const };

  /** A server's core: its own store, board service and scale-out wiring, on a shared database. */
  async function node(url: string) {
    const storage = await openStore(url);
    const service = new BoardService(storage);
    const scale = await scaleOut(storage, service);
    if (!scale) throw new Error('PostgreSQL storage should scale out');
    scales.push(scale);
    return service;
  }
  const scales: ScaleOut[] = [];
  afterEach(async () => {
    for (const s of scales.splice(0)) await s.close();
  });

  async function boardWithCards(service: BoardService, cards: number) {
    const created = await service.createBoard({ name: 'Shared', columns: [{ name: 'A' }, { name: 'B' }, { name: 'C' }] }, ctx);
    if (!created.ok) throw new Error('board not created');
    const board = created.board;
    const cardIds: CardId[] = [];
    for (let i = 0; i < cards; i++) {
      const r = await service.execute(
        board.id,
        { type: 'createCard', opId: newOpId(), title: `Card ${i}`, columnId: board.columns[0].id },
        ctx
      );
      if (!r.ok || r.events[0].type !== 'cardCreated') throw new Error('card not created');
      cardIds.push(r.events[0].card.id);
    }
    return { boardId: board.id, columnIds: board.columns.map((c) => c.id), cardIds };
  }

  it("keeps a board cached on one server up to date with the other's moves", async () => {
    const url = await server.createDatabase();
    const [a, b] = [await node(url), await node(url)];
    const { boardId, columnIds, cardIds } = await boardWithCards(a, 3);
    expect((await b.getBoard(boardId))?.revision).toBe(4); // now cached on b

    for (let i = 0; i < 10; i++) {
      const r = await a.execute(
        boardId,
        { type: 'moveCard', opId: newOpId(), cardId: cardIds[i % 3], toColumnId: columnIds[(i % 2) + 1] },
        ctx
      );
      expect(r.ok).toBe(true);
    }
    // b runs no command: only the append notices can bring its copy forward.
    await expect.poll(async () => (await b.getBoard(boardId))?.revision).toBe(14);
    expect(await b.getBoard(boardId)).toEqual(await a.getBoard(boardId));
    expect(await b.eventsSince(boardId, 10)).toEqual(await a.storage.eventsSince(boardId, 10));
  });

  it('answers an opId resent to the other server with its first result, however late', async () => {
    const url = await server.createDatabase();
    const [a, b] = [await node(url), await node(url)];
    const { boardId, columnIds, cardIds } = await boardWithCards(a, 2);
    await b.getBoard(boardId);
    const move = { type: 'moveCard' as const, opId: newOpId(), cardId: cardIds[0], toColumnId: columnIds[2] };
    const first = await a.execute(boardId, move, ctx);
    expect(first.ok).toBe(true);
    // Later moves, so the resent one is neither the last event nor fresh in anyone's memory.
    for (let i = 0; i < 5; i++)
      await b.execute(boardId, { type: 'moveCard', opId: newOpId(), cardId: cardIds[1], toColumnId: columnIds[i % 3] }, ctx);
    const revision = (await b.getBoard(boardId))?.revision;

    // Resent to b (a's ack was lost), and to a fresh server that has nothing in memory.
    expect(await b.execute(boardId, move, ctx)).toEqual(first);
    const c = await node(url);
    expect(await c.execute(boardId, move, ctx)).toEqual(first);
    const events = await a.storage.eventsSince(boardId, 0);
    expect(events.filter((e) => e.opId === move.opId)).toHaveLength(1);
    expect(events).toHaveLength(revision ?? -1);
  });

  it('turns concurrent commands through both servers into one gapless sequence', async () => {
    const url = await server.createDatabase();
    const [a, b] = [await node(url), await node(url)];
    const { boardId, columnIds, cardIds } = await boardWithCards(a, 6);
    const start = (await a.getBoard(boardId))?.revision ?? 0;
    const commands = Array.from({ length: 120 }, (_, i) => ({
      type: 'moveCard' as const,
      opId: newOpId(),
      cardId: cardIds[i % 6],
      toColumnId: columnIds[(i * 7) % 3]
    }));

    // Four callers per server, each sending its share one after another.
    const outcomes = await Promise.all(
      [a, b].flatMap((service, s) =>
        [0, 1, 2, 3].map(async (caller) => {
          const mine = commands.filter((_, i) => i % 8 === s * 4 + caller);
          const results = [];
          for (const command of mine) results.push({ command, outcome: await service.execute(boardId, command, ctx) });
          return results;
        })
      )
    );

    const all = outcomes.flat();
    const events = await a.storage.eventsSince(boardId, 0);
    expect(events.map((e) => e.revision)).toEqual(events.map((_, i) => i + 1));
    const applied = new Map<string, number>();
    for (const e of events.slice(start)) applied.set(e.opId, (applied.get(e.opId) ?? 0) + 1);
    for (const { command, outcome } of all) {
      if (!outcome.ok) throw new Error(`${command.opId} refused: ${outcome.rejection.code}`);
      // Each acknowledged command is in the log exactly as answered; a no-op move (the card
      // was already there) has no events.
      for (const e of outcome.events) expect(events[e.revision - 1]).toEqual(e);
      expect(applied.get(command.opId) ?? 0).toBe(outcome.events.length);
    }
    expect(events.length - start).toBe(all.reduce((n, x) => n + (x.outcome.ok ? x.outcome.events.length : 0), 0));
    const final = await a.storage.loadBoard(boardId);
    for (const service of [a, b]) {
      // Whichever server appended last, the other one hears of it a moment later.
      await expect.poll(async () => (await service.getBoard(boardId))?.revision).toBe(final?.revision);
      expect(await service.getBoard(boardId)).toEqual(final);
    }
  });
});

describe('postgres appendDecided', () => {
  it("hands decide what others appended after the caller's revision, and appends nothing on null", async () => {
    const url = await server.createDatabase();
    const [a, b] = [await openStore(url), await openStore(url)];
    const board = busyBoard(2);
    await appendEach(a, board);
    const seenAt = board.state.revision;
    const theirs = board.move(board.lastCardId(), 0);
    await a.append(board.id, theirs);

    const calls: BoardEvent[][] = [];
    await b.appendDecided(board.id, seenAt, (missed) => (calls.push(missed), null));
    expect(calls).toEqual([theirs]);
    expect((await b.loadBoard(board.id))?.revision).toBe(board.state.revision);

    const mine = board.move(board.lastCardId(), 2);
    await b.appendDecided(board.id, seenAt, (missed) => (calls.push(missed), mine));
    expect(calls[1]).toEqual(theirs);
    expect(await a.eventsSince(board.id, 0)).toEqual(board.events);
    await b.appendDecided(board.id, board.state.revision, (missed) => (calls.push(missed), null));
    expect(calls[2]).toEqual([]);
  });

  it('never loses a race: decisions through two stores on one board form one gapless sequence', async () => {
    const url = await server.createDatabase();
    const stores = [await openStore(url), await openStore(url)];
    const board = busyBoard(0);
    await appendEach(stores[0], board);
    const card = board.lastCardId();
    // Each writer keeps its own copy and decides one command at a time, as a server does.
    const writers = stores.map((store) => ({ store, state: structuredClone(board.state) }));
    let moves = 0;
    await Promise.all(
      writers.map(async (w) => {
        for (let k = 0; k < 45; k++) {
          await w.store.appendDecided(board.id, w.state.revision, (missed) => {
            for (const e of missed) evolve(w.state, e);
            const decision = decide(
              w.state,
              { type: 'moveCard', opId: newOpId(), cardId: card, toColumnId: w.state.columns[(w.state.revision % 2) + 1].id },
              { newCardId, newColumnId, newCode: () => randomCode(8) }
            );
            if (!decision.ok || decision.events.length !== 1) throw new Error('the move should change the board');
            const e = {
              ...decision.events[0],
              boardId: board.id,
              revision: w.state.revision + 1,
              at: new Date().toISOString(),
              source: 'api',
              actor: { id: 'u', name: 'U' },
              opId: newOpId()
            } as BoardEvent;
            evolve(w.state, e);
            moves++;
            return [e];
          });
        }
      })
    );
    const events = await stores[0].eventsSince(board.id, 0);
    expect(moves).toBe(90);
    expect(events.map((e) => e.revision)).toEqual(events.map((_, i) => i + 1));
    expect(events).toHaveLength(board.events.length + 90);
    expect(await stores[1].loadBoard(board.id)).toEqual(replay(board.id, events));
  });
});
