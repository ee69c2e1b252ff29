/**
 * Card order inside a column: fractional index keys, so a move writes one card and never
 * renumbers a column. Keys compare as plain strings (code units, not locale); equal keys,
 * which only a hand-edited import could produce, break by card id.
 */
import { generateKeyBetween } from 'fractional-indexing';
import type { Card } from './types';
import type { CardId } from './ids';

export function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function compareCards(a: Pick<Card, 'rank' | 'id'>, b: Pick<Card, 'rank' | 'id'>): number {
  return compareKeys(a.rank, b.rank) || compareKeys(a.id, b.id);
}

/** A key strictly between `before` and `after` (either may be null for an open end). */
export function keyBetween(before: string | null, after: string | null): string {
  return generateKeyBetween(before, after);
}

/**
 * Index at which a card with `card`'s rank and id belongs in `ids` (sorted by compareCards),
 * found by binary search so that a move stays cheap on a very long column.
 */
export function sortedIndex(
  ids: readonly CardId[],
  cards: Record<string, Pick<Card, 'rank' | 'id'>>,
  card: Pick<Card, 'rank' | 'id'>
): number {
  let lo = 0;
  let hi = ids.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareCards(cards[ids[mid]], card) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
