/**
 * Write cost per move on a small and a huge board (in process, durable LowdbStorage): an
 * append must not depend on the board's size.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { BoardService } from '../server/board-service';
import { LowdbStorage } from '../server/storage/lowdb';
import { newOpId, type CardId, type ColumnId } from '../src/lib/domain';
import { seedBoard } from './seed';

export async function moveCost(cards: number, moves = 2_000): Promise<number> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'kanbridge-bench-cost-'));
  const storage = new LowdbStorage(dir, { compactEvery: 1_000_000 });
  await storage.open();
  const state = await seedBoard(storage, cards);
  const service = new BoardService(storage);
  const cardIds = Object.keys(state.cards) as CardId[];
  const columns = state.columns.map((c) => c.id as ColumnId);
  const actor = { id: 'bench', name: 'Bench' };
  const run = async (n: number, offset: number) => {
    for (let i = 0; i < n; i++) {
      const r = await service.execute(state.id, { type: 'moveCard', opId: newOpId(), cardId: cardIds[((i + offset) * 7919) % cardIds.length], toColumnId: columns[(i + offset) % columns.length] }, { actor, source: 'api' });
      if (!r.ok) throw new Error(r.rejection.message);
    }
  };
  await run(200, 0); // warm-up: load, JIT
  const t0 = performance.now();
  await run(moves, 200);
  const perMove = (performance.now() - t0) / moves;
  await storage.close();
  await fs.rm(dir, { recursive: true, force: true });
  return perMove;
}
