/**
 * Aging work in progress: how long each card now in an in-progress column has been going,
 * against the 85th percentile of recent cycle times (a card older than that is already slower
 * than 85 % of finished work, and worth talking about at stand-up).
 */
import type { CardFlow } from './flow';
import { elapsedDays, roundDays } from './time';
import type { FlowColumn } from './workflow';

export interface AgingItem {
  cardId: string;
  code: string;
  title: string;
  columnId: string;
  column: string;
  /** Days since the card first started. */
  days: number;
  /** Older than the 85th percentile of cycle times. */
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
      const item: AgingItem = { cardId: c.id, code: c.code, title: c.title, columnId: c.columnId, column: columns[i].name, days, over: p85 !== null && days > p85 };
      return { item, i };
    })
    .sort((a, b) => a.i - b.i || b.item.days - a.item.days)
    .map(({ item }) => item);
}
