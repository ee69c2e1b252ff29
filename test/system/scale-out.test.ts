/**
 * Several real Kanbridge servers (build/kanbridge.js, as `npm start` runs it) on one
 * PostgreSQL database: clients on one server see moves made through another, concurrent
 * moves through both form one gapless revision sequence, and when a server is killed with
 * SIGKILL mid-stream, every move it acknowledged is in the database and its clients carry on
 * from another server, catching up from the revision they had.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io as connect, type Socket } from 'socket.io-client';
import { newOpId, replay, type BoardEvent, type BoardId } from '../../src/lib/domain';
import { api, startServer, type RunningServer } from '../helpers/server';
import { startPostgres, type TestPostgres } from '../helpers/postgres';

interface BoardJson {
  id: BoardId;
  revision: number;
  columns: { id: string }[];
  cards: { id: string; columnId: string }[];
}

type Ack = { ok: true; revision: number; events: BoardEvent[] } | { ok: false; error: { code: string; message: string } };

let db: TestPostgres;
let url: string;
const servers: RunningServer[] = [];
const sockets: Socket[] = [];

beforeAll(async () => {
  db = await startPostgres();
  url = await db.createDatabase();
});
afterAll(async () => {
  for (const s of sockets) s.disconnect();
  for (const s of servers) await s.stop();
  await db?.stop();
});

async function kanbridge(): Promise<RunningServer> {
  const server = await startServer({ demo: false, env: { DATABASE_URL: url } });
  servers.push(server);
  return server;
}

/** A client that records every board event it receives, in arrival order. */
function client(server: RunningServer) {
  const socket = connect(server.url, { transports: ['websocket'], reconnection: false, auth: { name: 'Tester' } });
  sockets.push(socket);
  const received: BoardEvent[] = [];
  socket.on('board:events', (msg: { events: BoardEvent[] }) => received.push(...msg.events));
  return {
    socket,
    received,
    join: (boardId: BoardId, since: number) =>
      socket.timeout(15_000).emitWithAck('board:join', { boardId, since }) as Promise<{ ok: boolean; revision: number }>,
    move: (boardId: BoardId, cardId: string, toColumnId: string, opId: string = newOpId(), timeoutMs = 15_000) =>
      socket
        .timeout(timeoutMs)
        .emitWithAck('board:command', { boardId, opId, type: 'moveCard', cardId, toColumnId, source: 'api' }) as Promise<Ack>
  };
}

async function newBoard(server: RunningServer, cards: number): Promise<BoardJson> {
  const created = await api<BoardJson>(server.url, 'POST', '/api/boards', {
    name: 'Scale',
    columns: [{ name: 'A' }, { name: 'B' }, { name: 'C' }]
  });
  expect(created.status).toBe(201);
  for (let i = 0; i < cards; i++) {
    const card = await api(server.url, 'POST', `/api/boards/${created.body.id}/cards`, { title: `Card ${i}` });
    expect(card.status).toBe(201);
  }
  return (await api<BoardJson>(server.url, 'GET', `/api/boards/${created.body.id}`)).body;
}

/** The board's events as stored in the database, oldest first. */
async function stored(boardId: BoardId): Promise<BoardEvent[]> {
  const rows = await db.query<{ body: BoardEvent }>('SELECT body FROM events WHERE board_id = $1 ORDER BY revision', [boardId], url);
  return rows.map((r) => r.body);
}

function expectGapless(events: BoardEvent[]): void {
  expect(events.map((e) => e.revision)).toEqual(events.map((_, i) => i + 1));
}

/** Revisions received, each exactly once, and all of from+1..to. */
function expectEachOnce(received: BoardEvent[], from: number, to: number): void {
  const revisions = received.map((e) => e.revision).sort((x, y) => x - y);
  expect(revisions).toEqual(Array.from({ length: to - from }, (_, i) => from + i + 1));
}

/** Each card's column, from a folded state (of a client's events) or from the API's view. */
const columnsOf = (cards: Iterable<{ id: string; columnId: string; archived?: boolean }>) =>
  Object.fromEntries([...cards].filter((c) => !c.archived).map((c) => [c.id, c.columnId]));

describe('Kanbridge servers sharing one PostgreSQL database', () => {
  let a: RunningServer;
  let b: RunningServer;

  beforeAll(async () => {
    [a, b] = await Promise.all([kanbridge(), kanbridge()]);
  });

  it("runs on PostgreSQL, and clients on each server see each other's moves, each once", async () => {
    for (const server of [a, b]) {
      expect((await api<{ storage: string }>(server.url, 'GET', '/api/health')).body.storage).toBe('postgres');
    }
    const board = await newBoard(a, 2);
    const [onA, onB] = [client(a), client(b)];
    expect((await onA.join(board.id, board.revision)).ok).toBe(true);
    expect((await onB.join(board.id, board.revision)).ok).toBe(true);

    const fromA = await onA.move(board.id, board.cards[0].id, board.columns[1].id);
    const fromB = await onB.move(board.id, board.cards[1].id, board.columns[2].id);
    if (!fromA.ok || !fromB.ok) throw new Error('a move was refused');
    expect([fromA.revision, fromB.revision]).toEqual([board.revision + 1, board.revision + 2]);

    for (const c of [onA, onB]) await expect.poll(() => c.received.length).toBe(2);
    await new Promise((resolve) => setTimeout(resolve, 300)); // a repeat would come as fast
    for (const c of [onA, onB]) expect(c.received).toEqual([...fromA.events, ...fromB.events]);
    // Reads on either server show both moves: neither keeps a stale copy of the board.
    for (const server of [a, b]) {
      await expect
        .poll(async () => (await api<BoardJson>(server.url, 'GET', `/api/boards/${board.id}`)).body.revision)
        .toBe(fromB.revision);
    }
  });

  it('turns concurrent moves on one board through both servers into one gapless sequence', async () => {
    const board = await newBoard(b, 8);
    const clients = [a, a, a, a, b, b, b, b].map(client);
    for (const c of clients) expect((await c.join(board.id, board.revision)).ok).toBe(true);

    // Each client moves its own card back and forth, one move in flight per client.
    const acks = await Promise.all(
      clients.map(async (c, i) => {
        const answers: Ack[] = [];
        for (let k = 0; k < 20; k++) answers.push(await c.move(board.id, board.cards[i].id, board.columns[(k % 2) + 1].id));
        return answers;
      })
    );

    const events = await stored(board.id);
    expectGapless(events);
    for (const answers of acks) {
      for (const ack of answers) {
        if (!ack.ok) throw new Error(`a move was refused: ${ack.error.code}`);
        expect(ack.events).toHaveLength(1);
        expect(events[ack.revision - 1]).toEqual(ack.events[0]);
      }
    }
    const last = board.revision + 160;
    expect(events).toHaveLength(last);
    // Every client, on either server, receives every move exactly once.
    for (const c of clients) {
      await expect.poll(() => c.received.length).toBe(160);
      expectEachOnce(c.received, board.revision, last);
    }
    const final = columnsOf(Object.values(replay(board.id, events).cards));
    for (const server of [a, b]) {
      await expect.poll(async () => (await api<BoardJson>(server.url, 'GET', `/api/boards/${board.id}`)).body.revision).toBe(last);
      expect(columnsOf((await api<BoardJson>(server.url, 'GET', `/api/boards/${board.id}`)).body.cards)).toEqual(final);
    }
  });

  it('keeps every move a SIGKILLed server acknowledged, and its clients resume on another server', async () => {
    const doomed = await kanbridge();
    const board = await newBoard(doomed, 3);
    const watcher = client(b); // on a surviving server all along
    expect((await watcher.join(board.id, board.revision)).ok).toBe(true);
    const movers = [0, 1, 2].map(() => client(doomed));
    for (const m of movers) expect((await m.join(board.id, 0)).ok).toBe(true);

    const acked = new Map<string, number>();
    const unanswered: { opId: string; cardId: string; toColumnId: string }[] = [];
    let killed: Promise<number | null> | null = null;
    await Promise.all(
      movers.map(async (m, i) => {
        for (let k = 0; ; k++) {
          const move = { opId: newOpId(), cardId: board.cards[i].id, toColumnId: board.columns[(k % 2) + 1].id };
          try {
            const ack = await m.move(board.id, move.cardId, move.toColumnId, move.opId, 3_000);
            if (!ack.ok) throw new Error(`a move was refused: ${ack.error.code}`);
            acked.set(move.opId, ack.revision);
          } catch (e) {
            if (!killed) throw e;
            unanswered.push(move); // in flight when the server died: applied or not, unknown
            return;
          }
          if (acked.size === 60) killed ??= doomed.stop('SIGKILL');
        }
      })
    );
    expect(await killed).toBeNull();
    expect(doomed.child.signalCode).toBe('SIGKILL');
    expect(unanswered).toHaveLength(3);

    // Every acknowledged move is in the database, at the revision it was acknowledged with.
    let events = await stored(board.id);
    expectGapless(events);
    for (const [opId, revision] of acked) expect(events[revision - 1]?.opId).toBe(opId);

    // The clients reconnect to another server with the revision they had and catch up, then
    // resend the move they never heard back about: applied at most once, wherever it landed.
    const resumed: { had: BoardEvent[]; again: ReturnType<typeof client> }[] = [];
    for (const [i, m] of movers.entries()) {
      // What it had, each once; like a real client it resumes from the last revision it
      // has without a gap before it.
      const had = [...m.received];
      const revisions = new Set(had.map((e) => e.revision));
      expect(revisions.size).toBe(had.length);
      let since = 0;
      while (revisions.has(since + 1)) since++;
      const again = client(i === 0 ? a : b);
      expect((await again.join(board.id, since)).ok).toBe(true);
      const resend = unanswered.find((u) => board.cards[i].id === u.cardId);
      if (!resend) throw new Error('no move in flight for this client');
      const ack = await again.move(board.id, resend.cardId, resend.toColumnId, resend.opId);
      if (!ack.ok) throw new Error(`the resent move was refused: ${ack.error.code}`);
      resumed.push({ had, again });
    }

    events = await stored(board.id);
    expectGapless(events);
    for (const u of unanswered) expect(events.filter((e) => e.opId === u.opId)).toHaveLength(1);
    const last = events.length;
    const view = (await api<BoardJson>(b.url, 'GET', `/api/boards/${board.id}`)).body;
    expect(view.revision).toBe(last);
    for (const { had, again } of resumed) {
      // An event broadcast while a client joins may come both live and in its catch-up; the
      // client keeps one by revision (SyncCore does the same). Nothing may be missing.
      const byRevision = () => new Map([...had, ...again.received].map((e) => [e.revision, e]));
      await expect.poll(() => byRevision().size).toBe(last);
      for (const e of again.received) expect(e).toEqual(byRevision().get(e.revision));
      const all = [...byRevision().values()].sort((x, y) => x.revision - y.revision);
      expectGapless(all);
      expect(columnsOf(Object.values(replay(board.id, all).cards))).toEqual(columnsOf(view.cards));
    }
    // The client on a surviving server saw the dead server's moves as they happened, each
    // once. Only what that server committed but had no time to broadcast is missing: a real
    // client fetches it at the next gap, as done here.
    await new Promise((resolve) => setTimeout(resolve, 300));
    // A broadcast sent just before the watcher joined can still be on its way through the
    // database when it joins (the client skips what it already has, by revision): only what
    // came after the revision it joined at counts here.
    const broadcast = watcher.received.map((e) => e.revision).filter((r) => r > board.revision);
    expect(new Set(broadcast).size).toBe(broadcast.length);
    let contiguous = board.revision;
    while (broadcast.includes(contiguous + 1)) contiguous++;
    expect(last - board.revision - broadcast.length).toBeLessThanOrEqual(unanswered.length);
    const fetched = (await watcher.socket.timeout(15_000).emitWithAck('board:events-since', { boardId: board.id, since: contiguous })) as {
      ok: boolean;
      events: BoardEvent[];
    };
    expect(fetched.ok).toBe(true);
    const seen = new Set([...broadcast, ...fetched.events.map((e) => e.revision)]);
    expect([...seen].sort((x, y) => x - y)).toEqual(Array.from({ length: last - board.revision }, (_, i) => board.revision + i + 1));
  });
});
