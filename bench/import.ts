/**
 * Import benchmark: the server's answers while it imports a maximum-size file (a Kanbridge
 * export at MAX_IMPORT_CARDS cards and MAX_IMPORT_EVENTS events, the largest file the limits
 * allow of that kind), beside the same answers with no import running, measured in the same
 * run on the same server: latency of `GET /api/health` and of a card move (Socket.IO
 * `board:command`, acknowledged once durable), p50/p99/max, and the server's RSS.
 * The bench server is the production bundle on lowdb storage (bench-server.ts), in its own
 * process, with a 1,000-card board the moves go to.
 */
import http from 'node:http';
import { kanbridgeExport, trelloExport } from '../test/import/big-files';
import { MAX_IMPORT_CARDS, MAX_IMPORT_EVENTS } from '../server/import/limits';
import { LightClient } from './light-client';
import { percentile } from './stats';
import { rssMb, startServer } from './sync';

export interface Latencies {
  p50: number;
  p99: number;
  max: number;
  n: number;
}

export interface ImportFigures {
  file: 'kanbridge' | 'trello';
  fileMb: number;
  importSeconds: number;
  status: number;
  health: { idle: Latencies; importing: Latencies };
  move: { idle: Latencies; importing: Latencies };
  rss: { before: number; peak: number; after: number };
}

/** A GET on a connection of its own (a kept-alive one can be closed by the server just as it is reused). */
function get(url: string): Promise<void> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent: false }, (res) => {
        res.resume();
        res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`${url}: ${res.statusCode}`))));
      })
      .on('error', reject);
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const figures = (xs: number[]): Latencies => ({ p50: percentile(xs, 50), p99: percentile(xs, 99), max: Math.max(...xs), n: xs.length });

/** Probes the server until `until` resolves: health and moves, one at a time each, paced. */
async function probe(url: string, client: LightClient, boardId: string, cardIds: string[], columnIds: string[], until: Promise<unknown>) {
  let done = false;
  void until.finally(() => (done = true));
  const health: number[] = [];
  const moves: number[] = [];
  let i = 0;
  const healthLoop = async () => {
    while (!done) {
      const t = performance.now();
      await get(`${url}/api/health`);
      health.push(performance.now() - t);
      await sleep(10);
    }
  };
  const moveLoop = async () => {
    while (!done) {
      const n = i++;
      const msg = {
        boardId,
        opId: `bench-import-${Date.now()}-${n}`,
        type: 'moveCard',
        cardId: cardIds[(n * 7919) % cardIds.length],
        toColumnId: columnIds[n % columnIds.length],
        source: 'api'
      };
      const t = performance.now();
      const r = await client.emitWithAck<{ ok: boolean; error?: { message: string } }>('board:command', msg);
      if (!r.ok) throw new Error(`move refused: ${r.error?.message}`);
      moves.push(performance.now() - t);
      await sleep(20);
    }
  };
  await Promise.all([healthLoop(), moveLoop()]);
  return { health: figures(health), move: figures(moves) };
}

export async function runImportBench(file: 'kanbridge' | 'trello' = 'kanbridge', idleSeconds = 5): Promise<ImportFigures> {
  const body = Buffer.from(
    JSON.stringify(file === 'kanbridge' ? kanbridgeExport(MAX_IMPORT_CARDS, MAX_IMPORT_EVENTS) : trelloExport(MAX_IMPORT_CARDS))
  );
  const server = await startServer('kanbridge', 1_000);
  const url = `http://127.0.0.1:${server.port}`;
  const client = new LightClient(url, { name: 'Bench', clientId: 'bench-import' });
  try {
    await client.ready;
    await client.emitWithAck('board:join', { boardId: server.boardId, since: 1e9 });
    const idle = await probe(url, client, server.boardId, server.cardIds, server.columnIds, sleep(idleSeconds * 1000));
    const before = await rssMb(server.pid);
    let peak = before;
    let importing = true;
    const sampler = (async () => {
      while (importing) {
        peak = Math.max(peak, await rssMb(server.pid));
        await sleep(50);
      }
    })();
    const started = performance.now();
    const upload = fetch(`${url}/api/import?format=${file}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: url },
      body
    });
    const busy = await probe(url, client, server.boardId, server.cardIds, server.columnIds, upload);
    const res = await upload;
    const reply = await res.text();
    const importSeconds = (performance.now() - started) / 1000;
    importing = false;
    await sampler;
    if (res.status !== 201) throw new Error(`import answered ${res.status}: ${reply.slice(0, 300)}`);
    await sleep(2_000);
    const after = await rssMb(server.pid);
    return {
      file,
      fileMb: body.length / 1024 / 1024,
      importSeconds,
      status: res.status,
      health: { idle: idle.health, importing: busy.health },
      move: { idle: idle.move, importing: busy.move },
      rss: { before, peak, after }
    };
  } finally {
    client.close();
    server.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await runImportBench((process.argv[2] as 'trello') ?? 'kanbridge'), null, 2));
  process.exit(0);
}
