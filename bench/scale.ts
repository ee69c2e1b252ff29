/**
 * Scale-out benchmark: production servers (build/kanbridge.js) on one embedded PostgreSQL
 * with its fsync on, measured with the sync benchmark's light clients.
 *
 * - one board, 40 clients spread over one or two servers, each with one move in flight:
 *   acknowledged moves per second, and fan-out (ack → the move reached all 40 clients) p99,
 *   under that load and one move at a time;
 * - 100 boards at once, two clients per board (on two servers: one on each): moves per second.
 *
 * The one-server figures are the baseline for the two-server ones, measured in the same run.
 * Run alone with `node --import tsx bench/scale.ts`.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { PostgresStorage } from '../server/storage/postgres';
import { startPostgres, type TestPostgres } from '../test/helpers/postgres';
import { LightClient, opIdsIn } from './light-client';
import { seedBoard } from './seed';
import { percentile, round } from './stats';

interface Kanbridge {
  url: string;
  stop: () => void;
}

interface Board {
  boardId: string;
  cardIds: string[];
  columnIds: string[];
  clients: LightClient[];
  /** Moves sent to this board so far: picks the next card and column. */
  sent: number;
}

interface Arrival {
  count: number;
  last: number;
}

const ONE_BOARD = { cards: 1_000, clients: 40, moves: 3_000, maxSeconds: 20, pacedMoves: 200 };
const MANY_BOARDS = { boards: 100, cards: 20, moves: 6_000, maxSeconds: 20 };

export async function benchScale(): Promise<Record<string, number>> {
  if (!existsSync('build/kanbridge.js')) throw new Error('build/kanbridge.js is missing: run `npm run build` first');
  const pg = await startPostgres({ durable: true });
  try {
    const one = await oneBoard(pg, 1);
    const two = await oneBoard(pg, 2);
    const manyOne = await manyBoards(pg, 1);
    const manyTwo = await manyBoards(pg, 2);
    return {
      'moves/s, one board, 40 clients, 1 server': one.movesPerSec,
      'moves/s, one board, 40 clients, 2 servers': two.movesPerSec,
      'fan-out p99 ms, saturated, 1 server': one.fanoutP99,
      'fan-out p99 ms, saturated, 2 servers': two.fanoutP99,
      'fan-out p99 ms, one move at a time, 1 server': one.pacedFanoutP99,
      'fan-out p99 ms, one move at a time, 2 servers': two.pacedFanoutP99,
      'moves/s, 100 boards at once, 1 server': manyOne.movesPerSec,
      'moves/s, 100 boards at once, 2 servers': manyTwo.movesPerSec
    };
  } finally {
    await pg.stop();
  }
}

async function oneBoard(pg: TestPostgres, serverCount: number) {
  const url = await pg.createDatabase();
  const [seeded] = await seed(url, 1, ONE_BOARD.cards);
  const servers = await Promise.all(Array.from({ length: serverCount }, () => kanbridge(url)));
  const board: Board = { ...seeded, clients: [], sent: 0 };
  try {
    for (let i = 0; i < ONE_BOARD.clients; i++)
      board.clients.push(new LightClient(servers[i % serverCount].url, { name: `Bench ${i}`, clientId: `bench${i}` }));
    await joinAll([board]);
    const arrivals = track([board]);
    const saturated = await drive([board], arrivals, ONE_BOARD.moves, ONE_BOARD.maxSeconds);
    // One move at a time, through each server in turn: latency without a queue in front.
    const paced: number[] = [];
    for (let i = 0; i < ONE_BOARD.pacedMoves; i++) {
      const opId = `paced-${serverCount}-${i}`;
      const ack = await move(board, board.clients[i % board.clients.length], opId);
      while ((arrivals.get(opId)?.count ?? 0) < board.clients.length) await new Promise((resolve) => setImmediate(resolve));
      paced.push(Math.max(0, (arrivals.get(opId)?.last ?? ack) - ack));
    }
    return { ...saturated, pacedFanoutP99: percentile(paced, 99) };
  } finally {
    for (const c of board.clients) c.close();
    for (const s of servers) s.stop();
  }
}

async function manyBoards(pg: TestPostgres, serverCount: number) {
  const url = await pg.createDatabase();
  const seeded = await seed(url, MANY_BOARDS.boards, MANY_BOARDS.cards);
  const servers = await Promise.all(Array.from({ length: serverCount }, () => kanbridge(url)));
  const boards: Board[] = seeded.map((b, i) => ({
    ...b,
    sent: 0,
    clients: [0, 1].map((k) => new LightClient(servers[k % serverCount].url, { name: `Bench ${i}.${k}`, clientId: `bench${i}x${k}` }))
  }));
  try {
    await joinAll(boards);
    return await drive(boards, track(boards), MANY_BOARDS.moves, MANY_BOARDS.maxSeconds);
  } finally {
    for (const b of boards) for (const c of b.clients) c.close();
    for (const s of servers) s.stop();
  }
}

/** Boards of `cards` cards each, written straight into the database before any server starts. */
async function seed(url: string, boards: number, cards: number): Promise<Omit<Board, 'clients' | 'sent'>[]> {
  const storage = new PostgresStorage(url);
  await storage.open();
  try {
    const out = [];
    for (let i = 0; i < boards; i++) {
      const state = await seedBoard(storage, cards);
      out.push({ boardId: state.id, cardIds: Object.keys(state.cards), columnIds: state.columns.map((c) => c.id) });
    }
    return out;
  } finally {
    await storage.close();
  }
}

async function joinAll(boards: Board[]): Promise<void> {
  await Promise.all(boards.flatMap((b) => b.clients.map((c) => c.ready)));
  for (const b of boards) await Promise.all(b.clients.map((c) => c.emitWithAck('board:join', { boardId: b.boardId, since: 1e9 })));
  await new Promise((resolve) => setTimeout(resolve, 500)); // let presence broadcasts settle
}

/** When each opId reached how many of its board's clients, and when the last of them. */
function track(boards: Board[]): Map<string, Arrival> {
  const arrivals = new Map<string, Arrival>();
  for (const b of boards) {
    for (const c of b.clients) {
      c.onEvents((text) => {
        const now = performance.now();
        for (const opId of opIdsIn(text)) {
          const a = arrivals.get(opId) ?? { count: 0, last: 0 };
          a.count++;
          a.last = now;
          arrivals.set(opId, a);
        }
      });
    }
  }
  return arrivals;
}

/**
 * Sends one move and resolves with the time of its acknowledgement. Cards take turns, and a
 * card's next column differs from its last one (cards + 1 is not a multiple of the column
 * count), so every move changes the board and has events to fan out.
 */
async function move(board: Board, client: LightClient, opId: string): Promise<number> {
  const k = board.sent++;
  const n = board.cardIds.length;
  const msg = {
    boardId: board.boardId,
    opId,
    type: 'moveCard',
    source: 'api',
    cardId: board.cardIds[k % n],
    toColumnId: board.columnIds[(k + Math.floor(k / n) + 1) % board.columnIds.length]
  };
  const r = await client.emitWithAck<{ ok: boolean; error?: { message: string } }>('board:command', msg);
  if (!r.ok) throw new Error(`move refused: ${r.error?.message}`);
  return performance.now();
}

/** Every client keeps one move in flight until `moves` are acknowledged or time is up. */
async function drive(boards: Board[], arrivals: Map<string, Arrival>, moves: number, maxSeconds: number) {
  const acked = new Map<string, { ack: number; expected: number }>();
  let next = 0;
  const started = performance.now();
  const deadline = started + maxSeconds * 1_000;
  await Promise.all(
    boards.flatMap((board) =>
      board.clients.map(async (client) => {
        while (next < moves && performance.now() < deadline) {
          const i = next++;
          const opId = `scale-${i}-${Math.random().toString(36).slice(2, 8)}`;
          acked.set(opId, { ack: await move(board, client, opId), expected: board.clients.length });
        }
      })
    )
  );
  const seconds = (performance.now() - started) / 1_000;
  await new Promise((resolve) => setTimeout(resolve, 500)); // the last fan-outs
  const fanout: number[] = [];
  for (const [opId, { ack, expected }] of acked) {
    const a = arrivals.get(opId);
    if (a && a.count >= expected) fanout.push(Math.max(0, a.last - ack));
  }
  if (fanout.length < acked.size) throw new Error(`only ${fanout.length} of ${acked.size} moves reached every client of their board`);
  return { movesPerSec: acked.size / seconds, fanoutP99: percentile(fanout, 99) };
}

/** The production server on `databaseUrl`, on a free port. */
async function kanbridge(databaseUrl: string): Promise<Kanbridge> {
  const dataDir = await mkdtemp(join(tmpdir(), 'kanbridge-bench-scale-'));
  const child = spawn(process.execPath, ['build/kanbridge.js'], {
    env: {
      ...process.env,
      NODE_ENV: 'production',
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      DATABASE_URL: databaseUrl,
      KANBRIDGE_DEMO: '0'
    },
    stdio: ['ignore', 'pipe', 'inherit']
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const m = /listening on (\S+)\n/.exec(out);
      if (m) resolve(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`kanbridge exited (${code}) before listening:\n${out}`)));
  });
  child.stdout.resume();
  return {
    url,
    stop: () => {
      child.kill('SIGTERM');
      child.once('exit', () => void rm(dataDir, { recursive: true, force: true }));
    }
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  for (const [figure, value] of Object.entries(await benchScale())) console.log(`[scale] ${figure}: ${round(value)}`);
}
