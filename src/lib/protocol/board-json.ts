/** The board as the HTTP API returns it (a stable contract): cards in board order. */
import { archivedCards, cardsInOrder, type BoardState, type Card } from '../domain';

export interface BoardJson {
  id: string;
  code: string;
  name: string;
  revision: number;
  createdAt: string;
  updatedAt: string;
  columns: { id: string; name: string; code: string; wipLimit: number | null; wipHard: boolean; count: number }[];
  cards: Card[];
  archivedCards: Card[];
}

export function boardJson(state: BoardState): BoardJson {
  return {
    id: state.id,
    code: state.code,
    name: state.name,
    revision: state.revision,
    createdAt: state.createdAt,
    updatedAt: state.updatedAt,
    columns: state.columns.map((c) => ({ ...c, count: state.order[c.id]?.length ?? 0 })),
    cards: cardsInOrder(state),
    archivedCards: archivedCards(state)
  };
}
