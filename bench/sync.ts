/**
 * Live-board benchmark: acknowledged durable moves per second on one board with 50 connected
 * clients, each move fanned out to all 50, and the latency from a move's ack to its arrival
 * at every client. Baselines in the same run: raw Socket.IO echo-broadcast (no storage) and a
 * naive lowdb store that rewrites the whole file per move.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import { build } from 'esbuild';
import { LightClient, opIdsIn } from './light-client';
import { percentile } from './stats';

interface Server {
  port: number;
  boardId: string;
  pid: number;
  cardIds: string[];
  columnIds: string[];
  stop: () => void;
}

/** The bench server bundled like the production server, so its RSS is comparable. */
async function bundle(): Promise<string> {
  const out = 'bench/results/bench-server.mjs';
  await build({
    entryPoints: ['bench/bench-server.ts'],
    outfile: out,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    logLevel: 'warning'
  });
  return out;
}

export async function startServer(mode: string, cards: number): Promise<Server> {
  const child = spawn(
    process.execPath,
    [...(process.env.BENCH_SERVER_NODE_ARGS?.split(' ').filter(Boolean) ?? []), await bundle(), mode, String(cards)],
    { stdio: ['ignore', 'pipe', 'inherit'] }
  );
  const line = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const m = /ready .*\n/.exec(out);
      if (m) resolve(m[0]);
    });
    child.once('exit', (code) => reject(new Error(`bench server ${mode} exited ${code}`)));
  });
  const [, port, boardId, idsFile] = line.trim().split(' ');
  const ids = JSON.parse(await fs.readFile(idsFile, 'utf8')) as { cardIds: string[]; columnIds: string[] };
  return { port: Number(port), boardId, pid: child.pid!, ...ids, stop: () => child.kill('SIGTERM') };
}

export async function rssMb(pid: number): Promise<number> {
  const status = await fs.readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024;
}

export interface SyncFigures {
  pacedFanoutP50: number;
  pacedFanoutP99: number;
  pacedSendToAllP50: number;
  pacedSendToAllP99: number;
  rssLoadedMb: number;
  movesPerSec: number;
  ackP50: number;
  fanoutP50: number;
  fanoutP99: number;
  sendToAllP50: number;
  sendToAllP99: number;
  moves: number;
  rssMb: number;
}

export async function runSync(
  mode: 'kanbridge' | 'raw' | 'naive',
  options: { cards: number; clients: number; moves: number; maxSeconds: number; pacedMoves: number }
): Promise<SyncFigures> {
  const server = await startServer(mode, options.cards);
  const sockets: LightClient[] = [];
  try {
    const url = `http://127.0.0.1:${server.port}`;
    for (let i = 0; i < options.clients; i++) sockets.push(new LightClient(url, { name: `Bench ${i}`, clientId: `bench${i}` }));
    await Promise.all(sockets.map((s) => s.ready));
    await Promise.all(sockets.map((s) => s.emitWithAck('board:join', { boardId: server.boardId, since: 1e9 })));
    await new Promise((r) => setTimeout(r, 300)); // let presence broadcasts settle
    const rssLoadedMb = await rssMb(server.pid);
    const arrivals = new Map<string, { count: number; last: number }>();
    for (const s of sockets) {
      s.onEvents((text) => {
        const now = performance.now();
        for (const opId of opIdsIn(text)) {
          const a = arrivals.get(opId) ?? { count: 0, last: 0 };
          a.count++;
          a.last = now;
          arrivals.set(opId, a);
        }
      });
    }
    const sent = new Map<string, { send: number; ack: number }>();
    let next = 0;
    let done = 0;
    const started = performance.now();
    const deadline = started + options.maxSeconds * 1000;
    // One move in flight per client: 50 concurrent movers, like a busy stand-up.
    await Promise.all(
      sockets.map(async (s, ci) => {
        while (next < options.moves && performance.now() < deadline) {
          const i = next++;
          const opId = `bench-${mode}-${i}-${ci}`;
          const msg = {
            boardId: server.boardId,
            opId,
            type: 'moveCard',
            cardId: server.cardIds[(i * 7919) % server.cardIds.length],
            toColumnId: server.columnIds[i % server.columnIds.length],
            source: 'api'
          };
          const t0 = performance.now();
          const r = await s.emitWithAck<{ ok: boolean; error?: { message: string } }>('board:command', msg);
          if (!r.ok) throw new Error(`move refused: ${r.error?.message}`);
          sent.set(opId, { send: t0, ack: performance.now() });
          done++;
        }
      })
    );
    const elapsed = (performance.now() - started) / 1000;
    await new Promise((r) => setTimeout(r, 500)); // last fan-outs
    // Paced phase: one move at a time, so latency is measured without a queue in front of it.
    const paced = new Map<string, { send: number; ack: number }>();
    for (let i = 0; i < options.pacedMoves; i++) {
      const s = sockets[i % sockets.length];
      const opId = `bench-paced-${mode}-${i}`;
      const msg = {
        boardId: server.boardId,
        opId,
        type: 'moveCard',
        cardId: server.cardIds[(i * 104729) % server.cardIds.length],
        toColumnId: server.columnIds[(i + 1) % server.columnIds.length],
        source: 'api'
      };
      const t0 = performance.now();
      await s.emitWithAck('board:command', msg);
      paced.set(opId, { send: t0, ack: performance.now() });
      while ((arrivals.get(opId)?.count ?? 0) < options.clients) await new Promise((r) => setImmediate(r));
    }
    const pacedFanout: number[] = [];
    const pacedSendToAll: number[] = [];
    for (const [opId, t] of paced) {
      const a = arrivals.get(opId)!;
      pacedFanout.push(Math.max(0, a.last - t.ack));
      pacedSendToAll.push(a.last - t.send);
    }
    const fanout: number[] = [];
    const sendToAll: number[] = [];
    const ack: number[] = [];
    for (const [opId, t] of sent) {
      const a = arrivals.get(opId);
      ack.push(t.ack - t.send);
      if (!a || a.count < options.clients) continue;
      fanout.push(Math.max(0, a.last - t.ack));
      sendToAll.push(a.last - t.send);
    }
    if (fanout.length < sent.size * 0.99)
      throw new Error(`${mode}: only ${fanout.length} of ${sent.size} moves reached all ${options.clients} clients`);
    return {
      pacedFanoutP50: percentile(pacedFanout, 50),
      pacedFanoutP99: percentile(pacedFanout, 99),
      pacedSendToAllP50: percentile(pacedSendToAll, 50),
      pacedSendToAllP99: percentile(pacedSendToAll, 99),
      movesPerSec: done / elapsed,
      ackP50: percentile(ack, 50),
      fanoutP50: percentile(fanout, 50),
      fanoutP99: percentile(fanout, 99),
      sendToAllP50: percentile(sendToAll, 50),
      sendToAllP99: percentile(sendToAll, 99),
      moves: done,
      rssLoadedMb,
      rssMb: await rssMb(server.pid)
    };
  } finally {
    for (const s of sockets) s.close();
    server.stop();
  }
}
