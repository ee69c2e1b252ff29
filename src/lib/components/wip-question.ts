/** The WIP question the board and card pages ask before a card goes past a soft limit. */
import type { Question } from './live-board.svelte';

const cards = (n: number) => `${n} card${n === 1 ? '' : 's'}`;

/**
 * Worded from the rejection's details (column name, limit, how many cards it holds now), so
 * it says what is true: "at its WIP limit" when it is full, "over" when it already holds more.
 */
export function wipQuestion(details: Record<string, unknown> | undefined): Question {
  const d = details ?? {};
  const column = typeof d.columnName === 'string' && d.columnName ? d.columnName : 'This column';
  const limit = typeof d.wipLimit === 'number' ? d.wipLimit : null;
  const count = typeof d.count === 'number' ? d.count : null;
  const keep = 'Finishing work before starting more keeps the board flowing. Go over the limit anyway?';
  const base = { confirmLabel: 'Go over the limit', cancelLabel: 'Keep it where it was' };
  if (limit === null || count === null) {
    return { ...base, title: `${column} is at its WIP limit`, message: `${column} is full. ${keep}` };
  }
  const over = count > limit;
  return {
    ...base,
    title: `${column} is ${over ? 'over' : 'at'} its WIP limit`,
    message: `${column} holds ${count} of ${limit}; this card would make it ${cards(count + 1)}. ${keep}`
  };
}
