/**
 * Aging work in progress: each card's *work item age* (now − start, in fractional days) for the
 * cards now in an in-progress column, against the 85th percentile of the period's cycle times
 * (a card older than that is already slower than 85 % of finished work, and worth talking about
 * at stand-up). With fewer than `AGING_MIN_FINISHED` cycle times that percentile says nothing,
 * so no card is called aging until the board has that much history.
 */
import type { CardFlow } from './flow';
import { elapsedDays, roundDays } from './time';
import type { FlowColumn } from './workflow';

/** Finished cards (with a cycle time) a board needs before a card can be called aging. */
export const AGING_MIN_FINISHED = 5;

export interface AgingItem {
  cardId: string;
  code: string;
  title: string;
  columnId: string;
  column: string;
  /** Work item age: days since the card started (fractional, two decimals). */
  days: number;
  /** Older than the 85th percentile of cycle times (never while there is not enough history). */
  over: boolean;
}

/** Open started cards in in-progress columns, in board order, oldest first within a column. */
export function agingWip(cards: readonly CardFlow[], columns: readonly FlowColumn[], asOf: number, p85: number | null): AgingItem[] {
  const index = new Map<string, number>(columns.map((c, i) => [c.id, i]));
  return cards
    .map((c) => ({ c, i: index.get(c.columnId) ?? -1 }))
    .filter(({ c, i }) => !c.archived && c.firstStart !== null && columns[i]?.stage === 'doing')
    .map(({ c, i }) => {
      const days = roundDays(elapsedDays(c.firstStart!, asOf));
      const item: AgingItem = {
        cardId: c.id,
        code: c.code,
        title: c.title,
        columnId: c.columnId,
        column: columns[i].name,
        days,
        over: p85 !== null && days > p85
      };
      return { item, i };
    })
    .sort((a, b) => a.i - b.i || b.item.days - a.item.days)
    .map(({ item }) => item);
}
