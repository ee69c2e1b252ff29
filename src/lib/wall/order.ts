/**
 * Top-to-bottom order of the cards in one lane, in wall coordinates (y down).
 *
 * A narrow lane is one stack and the order is simply by height. A wide lane may hold cards
 * side by side; those form a row when their codes are less than a code's height apart
 * vertically (cards hanging a little crooked or a little off do not break a row, while the
 * next card down a stack is always at least a card's height lower), and a row reads left to
 * right, like text.
 */

export interface Positioned<T> {
  item: T;
  x: number;
  y: number;
}

export function readingOrder<T>(cards: readonly Positioned<T>[], rowTolerance: number): T[] {
  const byHeight = [...cards].sort((a, b) => a.y - b.y || a.x - b.x);
  const rows: Positioned<T>[][] = [];
  for (const c of byHeight) {
    const row = rows[rows.length - 1];
    if (row && c.y - row[0].y < rowTolerance) row.push(c);
    else rows.push([c]);
  }
  return rows.flatMap((row) => row.sort((a, b) => a.x - b.x).map((c) => c.item));
}
