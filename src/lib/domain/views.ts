/** Read-only views of a board for pages and the API (board order, counts, WIP). */
import { orderOf, type BoardState, type Card, type Column } from './types';
import { wipStatus, type WipStatus } from './wip';

export interface ColumnView extends Column {
  cards: Card[];
  count: number;
  wip: WipStatus;
}

export function columnViews(state: BoardState): ColumnView[] {
  return state.columns.map((col) => {
    const cards = (orderOf(state, col.id) ?? []).map((id) => state.cards[id]);
    return { ...col, cards, count: cards.length, wip: wipStatus(col, cards.length) };
  });
}

/** Live cards in board order: column by column, top to bottom. */
export function cardsInOrder(state: BoardState): Card[] {
  return state.columns.flatMap((col) => (orderOf(state, col.id) ?? []).map((id) => state.cards[id]));
}

export function archivedCards(state: BoardState): Card[] {
  return Object.values(state.cards).filter((c) => c.archived);
}

/** Whether a printed card no longer matches what is on the wall. */
export function needsReprint(card: Card): boolean {
  return card.printedRevision !== null && card.printedFieldsRevision > card.printedRevision;
}
