/**
 * The move plan, run through the real domain rules (decide + evolve): the board ends up
 * matching the wall, unseen cards never move, the plan is minimal, and any subset of it, run in
 * any order, still leaves every card that moved in the wall's order.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { newOpId, type BoardState, type CardId, type ColumnId } from '../../src/lib/domain';
import { longestIncreasing, placement, planMoves } from '../../src/lib/wall/plan';
import { makeBoard, run } from '../domain/fixtures';

function board(columns: number, cardsPer: number[]): BoardState {
  const { state } = makeBoard(Array.from({ length: columns }, (_, i) => ({ name: `Col ${i}` })));
  cardsPer.forEach((n, c) => {
    for (let i = 0; i < n; i++) run(state, { type: 'createCard', opId: newOpId(), title: `c${c}.${i}`, columnId: state.columns[c].id });
  });
  return state;
}

const ids = (state: BoardState, col: number) => state.order[state.columns[col].id] ?? [];

function move(state: BoardState, cardId: CardId, toColumnId: ColumnId, where: { beforeCardId?: CardId; afterCardId?: CardId }) {
  run(state, { type: 'moveCard', opId: newOpId(), cardId, toColumnId, ...where });
}

/** Length of a longest strictly increasing subsequence, the slow and obvious way. */
function lisLength(keys: number[]): number {
  const best = keys.map(() => 1);
  for (let i = 0; i < keys.length; i++) for (let j = 0; j < i; j++) if (keys[j] < keys[i]) best[i] = Math.max(best[i], best[j] + 1);
  return Math.max(0, ...best);
}

describe('plan, examples', () => {
  it('moves cards between columns and fixes the order, anchored on the cards that stay', () => {
    const state = board(3, [4, 2, 0]);
    const [a, , c, d] = ids(state, 0); // the second card is not in the photo
    const [e, f] = ids(state, 1);
    const [col0, col1, col2] = state.columns.map((x) => x.id);
    // The wall: column 0 shows d, a, c (b is not in the photo), column 1 shows e, column 2 shows f.
    const wall = new Map<ColumnId, CardId[]>([
      [col0, [d, a, c]],
      [col1, [e]],
      [col2, [f]]
    ]);
    const { moves, staying } = planMoves(state, wall);
    // col0: a, c keep their order (the longest run), d moves above a. col1: e stays. f → col2.
    expect([...staying].sort()).toEqual([a, c, e].sort());
    expect(moves).toEqual([
      { cardId: d, fromColumnId: col0, toColumnId: col0, beforeCardId: a },
      { cardId: f, fromColumnId: col1, toColumnId: col2 }
    ]);
  });

  it('the board already agreeing plans nothing', () => {
    const state = board(2, [3, 2]);
    const wall = new Map(state.columns.map((c) => [c.id, [...(state.order[c.id] ?? [])]]));
    expect(planMoves(state, wall).moves).toEqual([]);
  });

  it('placement: after the nearest card above that is in place, else before the nearest below, else the end', () => {
    const lane = ['a', 'b', 'c', 'd'] as CardId[];
    expect(placement('c' as CardId, lane, (id) => id === 'a')).toEqual({ afterCardId: 'a' });
    expect(placement('a' as CardId, lane, (id) => id === 'd')).toEqual({ beforeCardId: 'd' });
    expect(placement('b' as CardId, lane, () => false)).toEqual({});
  });

  it('longest increasing run', () => {
    expect(longestIncreasing([3, 1, 2, 5, 4, 6], (x) => x)).toEqual([1, 2, 4, 6]);
    expect(longestIncreasing([], (x: number) => x)).toEqual([]);
  });
});

const scenarioArb = fc
  .record({ columns: fc.integer({ min: 1, max: 5 }), cardsPer: fc.array(fc.integer({ min: 0, max: 7 }), { minLength: 5, maxLength: 5 }) })
  .chain(({ columns, cardsPer }) => {
    const total = cardsPer.slice(0, columns).reduce((a, b) => a + b, 0);
    return fc.record({
      columns: fc.constant(columns),
      cardsPer: fc.constant(cardsPer.slice(0, columns)),
      // Per card: not seen (-1) or the column it hangs in; plus a sort key for its height on the wall.
      where: fc.array(fc.integer({ min: -1, max: columns - 1 }), { minLength: total, maxLength: total }),
      height: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: total, maxLength: total }),
      chosen: fc.array(fc.boolean(), { minLength: total, maxLength: total }),
      order: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: total, maxLength: total })
    });
  });

type Scenario = typeof scenarioArb extends fc.Arbitrary<infer T> ? T : never;

function setUp(s: Scenario) {
  const state = board(s.columns, s.cardsPer);
  const all = state.columns.flatMap((c) => state.order[c.id] ?? []);
  const wall = new Map<ColumnId, CardId[]>();
  state.columns.forEach((c, ci) => {
    const lane = all
      .map((id, i) => ({ id, i }))
      .filter(({ i }) => s.where[i] === ci)
      .sort((x, y) => s.height[x.i] - s.height[y.i]);
    if (lane.length)
      wall.set(
        c.id,
        lane.map((x) => x.id)
      );
  });
  const seen = new Set([...wall.values()].flat());
  const before = new Map(all.map((id) => [id, state.cards[id].columnId]));
  const unseenOrder = state.columns.map((c) => (state.order[c.id] ?? []).filter((id) => !seen.has(id)));
  return { state, all, wall, seen, before, unseenOrder };
}

describe('plan, property', () => {
  it('applied in full, the board matches the wall; unseen cards keep column and order; the plan is minimal', () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const { state, wall, seen, before, unseenOrder } = setUp(s);
        const minimal = state.columns.reduce((sum, c) => {
          const lane = wall.get(c.id) ?? [];
          const index = new Map((state.order[c.id] ?? []).map((id, i) => [id, i]));
          return sum + lane.length - lisLength(lane.filter((id) => index.has(id)).map((id) => index.get(id)!));
        }, 0);
        const { moves } = planMoves(state, wall);
        expect(moves).toHaveLength(minimal);
        for (const m of moves) {
          expect(seen.has(m.cardId)).toBe(true);
          move(state, m.cardId, m.toColumnId, m);
        }
        state.columns.forEach((c, ci) => {
          const order = state.order[c.id] ?? [];
          expect(order.filter((id) => seen.has(id))).toEqual(wall.get(c.id) ?? []);
          expect(order.filter((id) => !seen.has(id))).toEqual(unseenOrder[ci]);
        });
        for (const [id, col] of before) if (!seen.has(id)) expect(state.cards[id].columnId).toBe(col);
      }),
      { numRuns: 500 }
    );
  });

  it('any subset of the moves, in any order, keeps the wall’s order among the cards in place and moves nothing else', () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const { state, all, wall, before } = setUp(s);
        const { moves, staying } = planMoves(state, wall);
        const index = new Map(all.map((id, i) => [id, i]));
        const kept = moves
          .filter((m) => s.chosen[index.get(m.cardId)!])
          .sort((a, b) => s.order[index.get(a.cardId)!] - s.order[index.get(b.cardId)!]);
        const applied = new Set<CardId>();
        for (const m of kept) {
          const lane = wall.get(m.toColumnId)!;
          const inPlace = (id: CardId) => state.cards[id].columnId === m.toColumnId && (staying.has(id) || applied.has(id));
          move(state, m.cardId, m.toColumnId, placement(m.cardId, lane, inPlace));
          applied.add(m.cardId);
        }
        for (const m of kept) expect(state.cards[m.cardId].columnId).toBe(m.toColumnId);
        for (const id of all) if (!applied.has(id)) expect(state.cards[id].columnId).toBe(before.get(id));
        for (const c of state.columns) {
          const inPlace = (state.order[c.id] ?? []).filter((id) => staying.has(id) || applied.has(id));
          expect(inPlace).toEqual((wall.get(c.id) ?? []).filter((id) => inPlace.includes(id)));
        }
      }),
      { numRuns: 500 }
    );
  });
});
