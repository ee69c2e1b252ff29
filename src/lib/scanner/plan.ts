/**
 * Turns a `move` effect (cards in scan order, one target column) into the moves to send,
 * against the board as this phone sees it. Pure: no I/O, no ids made here.
 *
 * - Cards already in the column are left alone (walking the wall re-scans them all).
 * - Each card goes to the end of the column, one after the other, so the column ends in
 *   scan order.
 * - WIP limits are counted as the batch fills the column: the moves past a soft limit are
 *   marked `override` and the plan says so (`over`), so the scanner asks ONCE per batch; the
 *   moves past a hard limit are not planned (`blocked`). The server decides again anyway;
 *   this only lets the question come at scan time.
 * - Each move records where the card stood (its column and neighbours), for undo.
 */
import type { Card, CardId, ColumnId, ColumnView } from '../domain';
import type { Picked, Via } from './modes';

export interface PlannedMove {
  card: Card;
  fromColumnId: ColumnId;
  toColumnId: ColumnId;
  via: Via;
  /** The cards just above and below it in the column it leaves (for undo). */
  above?: CardId;
  below?: CardId;
  override: boolean;
}

export interface MovePlan {
  to: ColumnView;
  moves: PlannedMove[];
  already: Card[];
  /** Picked cards no longer live on the board (archived or deleted since the scan). */
  gone: string[];
  blocked: Card[];
  /** Some moves go past the column's soft limit: `count` cards are in it before the batch. */
  over: { limit: number; count: number; extra: number } | null;
}

export function planMoves(columns: readonly ColumnView[], picks: readonly Picked[], toColumnId: string): MovePlan | null {
  const to = columns.find((c) => c.id === toColumnId);
  if (!to) return null;
  const where = new Map<string, { card: Card; column: ColumnView; index: number }>();
  for (const column of columns) column.cards.forEach((card, index) => where.set(card.id, { card, column, index }));

  const plan: MovePlan = { to, moves: [], already: [], gone: [], blocked: [], over: null };
  let count = to.count;
  const seen = new Set<string>();
  for (const pick of picks) {
    if (seen.has(pick.cardId)) continue;
    seen.add(pick.cardId);
    const at = where.get(pick.cardId);
    if (!at) {
      plan.gone.push(pick.cardId);
      continue;
    }
    const { card, column, index } = at;
    if (column.id === to.id) {
      plan.already.push(card);
      continue;
    }
    const past = to.wipLimit !== null && count + 1 > to.wipLimit;
    if (past && to.wipHard) {
      plan.blocked.push(card);
      continue;
    }
    if (past && to.wipLimit !== null) {
      plan.over ??= { limit: to.wipLimit, count: to.count, extra: 0 };
      plan.over.extra++;
    }
    count++;
    plan.moves.push({
      card,
      fromColumnId: column.id,
      toColumnId: to.id,
      via: pick.via,
      ...neighbours(column.cards, index),
      override: past
    });
  }
  return plan;
}

function neighbours(cards: readonly Card[], index: number): { above?: CardId; below?: CardId } {
  const above = cards[index - 1];
  const below = cards[index + 1];
  return { ...(above ? { above: above.id } : {}), ...(below ? { below: below.id } : {}) };
}
