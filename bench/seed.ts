/** Builds a board of N cards through the real domain rules and appends it to a storage in batches. */
import {
  decide,
  decideCreateBoard,
  emptyBoard,
  evolve,
  newBoardId,
  newCardId,
  newColumnId,
  type BoardEvent,
  type BoardState,
  type Code,
  type DecideContext,
  type EventBody,
  type OpId
} from '../src/lib/domain';
import type { Storage } from '../server/storage/types';

let n = 0;
const ctx: DecideContext = {
  newCardId,
  newColumnId,
  // Sequential codes keep seeding cheap; they are valid Crockford codes and unique per run.
  newCode: () =>
    (n++).toString(32).toUpperCase().replace(/I/g, 'X').replace(/L/g, 'Y').replace(/O/g, 'Z').replace(/U/g, 'W').padStart(7, '0') as Code
};

export async function seedBoard(storage: Storage, cards: number, columns = 5): Promise<BoardState> {
  const state = emptyBoard(newBoardId());
  const created = decideCreateBoard(
    `Bench ${cards}`,
    Array.from({ length: columns }, (_, i) => ({ name: `Column ${i + 1}` })),
    ctx
  );
  if (!created.ok) throw new Error(created.rejection.message);
  let batch: BoardEvent[] = [];
  const push = async (bodies: EventBody[]) => {
    for (const body of bodies) {
      const e = {
        ...body,
        boardId: state.id,
        revision: state.revision + 1,
        at: new Date().toISOString(),
        source: 'import',
        actor: { id: 'bench', name: 'Bench' },
        opId: `seed-${state.revision + 1}` as OpId
      } as BoardEvent;
      evolve(state, e);
      batch.push(e);
    }
    if (batch.length >= 2_000) {
      await storage.append(state.id, batch);
      batch = [];
    }
  };
  await push(created.events);
  for (let i = 0; i < cards; i++) {
    const d = decide(
      state,
      {
        type: 'createCard',
        opId: 'x' as OpId,
        title: `Card ${i} of the benchmark board`,
        columnId: state.columns[i % columns].id,
        tags: ['bench']
      },
      ctx
    );
    if (!d.ok) throw new Error(d.rejection.message);
    await push(d.events);
  }
  if (batch.length) await storage.append(state.id, batch);
  return state;
}
