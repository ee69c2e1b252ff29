/** Cycle and lead times of the cards finished in a period. */
import type { CardFlow } from './flow';
import type { Period } from './period';
import { percentiles, type Percentiles } from './percentile';
import { dayEnd, dayStart, elapsedDays, roundDays } from './time';

export interface TimeItem {
  cardId: string;
  code: string;
  title: string;
  /** When the clock started: first start (cycle time) or creation (lead time), ISO. */
  from: string;
  /** Finished (the last entry into done), ISO. */
  done: string;
  days: number;
}

export interface TimeReport {
  items: TimeItem[];
  percentiles: Percentiles;
}

/** Cards finished in the period (and still finished at its end), by finish time. */
export function finishedIn(cards: readonly CardFlow[], period: Period): CardFlow[] {
  const from = dayStart(period.from);
  const to = dayEnd(period.to);
  return cards
    .filter((c) => c.finishedAt !== null && c.finishedAt >= from && c.finishedAt <= to)
    .sort((a, b) => a.finishedAt! - b.finishedAt!);
}

function report(cards: readonly CardFlow[], clockStart: (c: CardFlow) => number): TimeReport {
  const exact = cards.map((c) => elapsedDays(clockStart(c), c.finishedAt!));
  const items = cards.map((c, i) => ({
    cardId: c.id,
    code: c.code,
    title: c.title,
    from: new Date(clockStart(c)).toISOString(),
    done: new Date(c.finishedAt!).toISOString(),
    days: roundDays(exact[i])
  }));
  const p = percentiles(exact);
  const r = (v: number | null) => (v === null ? null : roundDays(v));
  return { items, percentiles: { count: p.count, p50: r(p.p50), p70: r(p.p70), p85: r(p.p85), p95: r(p.p95) } };
}

/**
 * Finish − start, in fractional days, for the finished cards that started: a card that never
 * stood in an in-progress column (created straight into done, or moved there from a queue)
 * has no cycle time.
 */
export const cycleTimes = (finished: readonly CardFlow[]): TimeReport =>
  report(
    finished.filter((c) => c.firstStart !== null && c.firstStart <= c.finishedAt!),
    (c) => c.firstStart!
  );

/** Creation to finish, for finished cards that were not created straight into done. */
export const leadTimes = (finished: readonly CardFlow[]): TimeReport =>
  report(
    finished.filter((c) => c.finishedAt !== c.createdAt),
    (c) => c.createdAt
  );

export interface Bin {
  from: number;
  to: number;
  count: number;
}

/**
 * Counts of values in bins of equal width from 0, a bin holding [from, to). One-day bins, or
 * wider ones when that would make more than `maxBins` bars.
 */
export function histogram(values: readonly number[], maxBins = 30): Bin[] {
  if (values.length === 0) return [];
  const max = Math.max(...values);
  const width = Math.max(1, Math.ceil((max + 1e-9) / maxBins));
  const bins: Bin[] = Array.from({ length: Math.floor(max / width) + 1 }, (_, i) => ({ from: i * width, to: (i + 1) * width, count: 0 }));
  for (const v of values) bins[Math.floor(v / width)].count++;
  return bins;
}
