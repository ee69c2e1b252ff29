/**
 * Completion rate and due-date hit rate for a period.
 *
 * Completion: of the work the team had committed to during the period — cards started (or
 * finished) by its end that were neither finished nor archived before it began (carried in or
 * started in it) — the share finished within it and still finished at its end. Bounded by 0 and 1, and work abandoned (archived unfinished)
 * counts against it.
 *
 * Due dates: of the cards finished in the period that had a due date then, the share finished
 * on or before that date (days in UTC).
 */
import type { CardFlow } from './flow';
import type { Period } from './period';
import { dayEnd, dayOf, dayStart } from './time';

export interface Rate {
  hits: number;
  of: number;
  /** hits / of, or null when there is nothing to measure. */
  rate: number | null;
}

const rate = (hits: number, of: number): Rate => ({ hits, of, rate: of === 0 ? null : hits / of });

export function completionRate(cards: readonly CardFlow[], period: Period): Rate {
  const from = dayStart(period.from);
  const to = dayEnd(period.to);
  let committed = 0;
  let done = 0;
  for (const c of cards) {
    const entered = c.firstStart ?? c.finishedAt;
    if (entered === null || entered > to) continue;
    if (c.finishedAt !== null && c.finishedAt < from) continue;
    if (c.finishedAt === null && c.archivedAt !== null && c.archivedAt < from) continue;
    committed++;
    if (c.finishedAt !== null && c.finishedAt <= to) done++;
  }
  return rate(done, committed);
}

export function dueDateHitRate(finished: readonly CardFlow[]): Rate {
  const withDue = finished.filter((c) => c.dueAtDone !== null);
  return rate(withDue.filter((c) => dayOf(c.finishedAt!) <= c.dueAtDone!).length, withDue.length);
}
