/**
 * The moves that make the board match the wall, and where each lands.
 *
 * Invariants:
 * - Only cards the photo saw move; a card it did not see keeps its column and its place among
 *   the other unseen cards.
 * - After all moves, each column holds the cards seen in its lane in the wall's order.
 * - The plan is minimal: a card moves if it hangs in another column, or if it must to put its
 *   column in the wall's order. Of the seen cards already in the right column, the largest set
 *   already in the right relative order stays (a longest increasing subsequence), so the
 *   plan moves |seen| − |that set| cards per column, and no fewer can do it.
 *
 * Placement: a moving card lands right after the nearest card above it on the wall that is
 * already in place (it stayed, or moved earlier in the same batch), or else right before the
 * nearest one below it that is, or else at the end of the column. Since that rule only looks at
 * cards in place, it holds up when the user unticks some moves, when a move is refused, or when
 * the batch runs in another order: the cards that do land always keep the wall's order.
 */
import type { Placement } from '../domain/commands';
import type { CardId, ColumnId } from '../domain/ids';
import type { BoardState } from '../domain/types';
import type { PlannedMove } from './types';

/** Per column, the live cards of this board seen in its lane, top to bottom. */
export type WallLanes = ReadonlyMap<ColumnId, readonly CardId[]>;

export interface Plan {
  moves: PlannedMove[];
  /** Seen cards that stay where they are (the board agrees). */
  staying: Set<CardId>;
}

export function planMoves(state: BoardState, wall: WallLanes): Plan {
  const moves: PlannedMove[] = [];
  const staying = new Set<CardId>();
  // Board order of columns, so the plan reads like the board.
  for (const column of state.columns) {
    const seen = wall.get(column.id) ?? [];
    const boardIndex = new Map((state.order[column.id] ?? []).map((id, i) => [id, i]));
    const already = seen.filter((id) => boardIndex.has(id));
    for (const id of longestIncreasing(already, (id) => boardIndex.get(id)!)) staying.add(id);
    const moved = new Set<CardId>();
    const placed = (id: CardId) => staying.has(id) || moved.has(id);
    for (const id of seen) {
      if (staying.has(id)) continue;
      moves.push({ cardId: id, fromColumnId: state.cards[id].columnId, toColumnId: column.id, ...placement(id, seen, placed) });
      moved.add(id);
    }
  }
  return { moves, staying };
}

/** Where `cardId` lands among `lane` (its column's seen cards, top to bottom); see the module note. */
export function placement(cardId: CardId, lane: readonly CardId[], inPlace: (id: CardId) => boolean): Placement {
  const at = lane.indexOf(cardId);
  for (let i = at - 1; i >= 0; i--) if (inPlace(lane[i])) return { afterCardId: lane[i] };
  for (let i = at + 1; i < lane.length; i++) if (inPlace(lane[i])) return { beforeCardId: lane[i] };
  return {};
}

/** A longest subsequence of `items` whose keys strictly increase (patience sorting). */
export function longestIncreasing<T>(items: readonly T[], key: (t: T) => number): T[] {
  const tails: number[] = []; // index into items of the smallest tail of each length
  const prev: number[] = new Array<number>(items.length).fill(-1);
  items.forEach((item, i) => {
    const k = key(item);
    let lo = 0,
      hi = tails.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (key(items[tails[mid]]) < k) lo = mid + 1;
      else hi = mid;
    }
    if (lo > 0) prev[i] = tails[lo - 1];
    tails[lo] = i;
  });
  const out: T[] = [];
  for (let i = tails.length ? tails[tails.length - 1] : -1; i >= 0; i = prev[i]) out.push(items[i]);
  return out.reverse();
}
