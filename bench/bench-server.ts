/**
 * A server process for the sync benchmark: `kanbridge` (board service on LowdbStorage),
 * `naive` (board service on a store that rewrites its file per move) or `raw` (Socket.IO
 * echo-broadcast, no storage). Prints `ready <port> <boardId> <cardIds file>` when listening.
 */
import { execFileSync } from 'node:child_process';
import http from 'node:http';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { createApp } from '../server/app';
import { LowdbStorage } from '../server/storage/lowdb';
import { MemoryStorage } from '../server/storage/memory';
import type { Storage } from '../server/storage/types';
import type { BoardId } from '../src/lib/domain';
import { NaiveLowdbStorage } from './naive-store';
import { seedBoard } from './seed';

const [mode, cardsArg, dirArg] = process.argv.slice(2);
const cards = Number(cardsArg ?? 10_000);
const dir = dirArg ?? (await fs.mkdtemp(path.join(os.tmpdir(), `kanbridge-bench-${mode}-`)));

if (mode === 'seed') {
  // Seeding runs in its own process so that the server's RSS is that of a loaded board,
  // not of the garbage left by building it.
  const storage = new LowdbStorage(dir);
  await storage.open();
  const state = await seedBoard(storage, cards);
  await storage.close();
  console.log(JSON.stringify({ boardId: state.id, cardIds: Object.keys(state.cards), columnIds: state.columns.map((c) => c.id) }));
  process.exit(0);
}
const server = http.createServer();
let boardId = 'raw-board';
let cardIds: string[];
let columnIds: string[];

if (mode === 'raw') {
  const io = new Server(server, { serveClient: false });
  let revision = 0;
  io.on('connection', (s) => {
    s.on('board:join', (msg: { boardId: string }, ack: (r: unknown) => void) => {
      void s.join(msg.boardId);
      ack({ ok: true, revision });
    });
    s.on('board:command', (msg: { boardId: string; opId: string }, ack: (r: unknown) => void) => {
      const events = [{ ...msg, revision: ++revision }];
      io.to(msg.boardId).emit('board:events', { boardId: msg.boardId, events });
      ack({ ok: true, revision, events });
    });
  });
  cardIds = Array.from({ length: cards }, (_, i) => `c_${i}`);
  columnIds = ['l_1', 'l_2', 'l_3', 'l_4', 'l_5'];
} else {
  let storage: Storage;
  if (mode === 'naive') {
    storage = new NaiveLowdbStorage(dir);
    await storage.open();
    const state = await seedBoard(storage, cards);
    [boardId, cardIds, columnIds] = [state.id, Object.keys(state.cards), state.columns.map((c) => c.id)];
  } else {
    const seeded = JSON.parse(
      execFileSync(process.execPath, [...process.execArgv, process.argv[1], 'seed', String(cards), dir], { encoding: 'utf8' })
    );
    [boardId, cardIds, columnIds] = [seeded.boardId, seeded.cardIds, seeded.columnIds];
    storage = mode === 'memory' ? new MemoryStorage() : new LowdbStorage(dir);
  }
  const app = await createApp({ storage });
  // Load the board now, as the first browser would.
  await app.service.getBoard(boardId as BoardId);
  server.on('request', (req, res) => void app.handleApi(req, res).then((h) => h || res.writeHead(404).end()));
  app.attach(server);
}

const idsFile = path.join(dir, 'ids.json');
await fs.writeFile(idsFile, JSON.stringify({ cardIds, columnIds }));
server.listen(0, '127.0.0.1', () => {
  console.log(`ready ${(server.address() as AddressInfo).port} ${boardId} ${idsFile}`);
});
process.on('SIGTERM', () => process.exit(0));
