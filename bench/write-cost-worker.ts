/** One board in one process for bench/write-cost.ts: seeds it, then runs moves on request. */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { BoardService } from '../server/board-service';
import { LowdbStorage } from '../server/storage/lowdb';
import { newOpId, type CardId, type ColumnId } from '../src/lib/domain';
import { seedBoard } from './seed';

const cards = Number(process.argv[2]);
const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'kanbridge-bench-cost-'));
const storage = new LowdbStorage(dir, { compactEvery: 1_000_000 });
await storage.open();
const state = await seedBoard(storage, cards);
const service = new BoardService(storage);
const cardIds = Object.keys(state.cards) as CardId[];
const columns = state.columns.map((c) => c.id as ColumnId);
const actor = { id: 'bench', name: 'Bench' };
let i = 0;
async function run(n: number) {
  for (let k = 0; k < n; k++, i++) {
    const r = await service.execute(
      state.id,
      { type: 'moveCard', opId: newOpId(), cardId: cardIds[(i * 7919) % cardIds.length], toColumnId: columns[i % columns.length] },
      { actor, source: 'api' }
    );
    if (!r.ok) throw new Error(r.rejection.message);
  }
}
await run(300); // warm-up: load, JIT
console.log('ready');
for await (const line of createInterface({ input: process.stdin })) {
  const n = Number(line);
  const t0 = performance.now();
  await run(n);
  console.log(String((performance.now() - t0) / n));
}
await storage.close();
await fs.rm(dir, { recursive: true, force: true });
