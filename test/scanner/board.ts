/** A board for the scanner tests, built through the real domain rules, seen as the scanner sees it. */
import {
  archivedCards,
  columnViews,
  newOpId,
  type BoardState,
  type Card,
  type CardId,
  type ColumnId,
  type ColumnView
} from '../../src/lib/domain';
import type { BoardIndex } from '../../src/lib/scanner/classify';
import { makeBoard, run } from '../domain/fixtures';

export interface ScanBoard {
  state: BoardState;
  columns: () => ColumnView[];
  index: () => BoardIndex;
  col: (name: string) => ColumnView;
  card: (title: string) => Card;
  move: (title: string, column: string) => void;
  archive: (title: string) => void;
}

/** Columns with optional WIP limits, and the cards in each (column name → titles, top to bottom). */
export function scanBoard(columns: { name: string; wipLimit?: number; wipHard?: boolean }[], cards: Record<string, string[]>): ScanBoard {
  const { state } = makeBoard(columns);
  const colId = (name: string) => {
    const c = state.columns.find((x) => x.name === name);
    if (!c) throw new Error(`no column ${name}`);
    return c.id;
  };
  for (const [column, titles] of Object.entries(cards)) {
    for (const title of titles) run(state, { type: 'createCard', opId: newOpId(), title, columnId: colId(column), override: true });
  }
  const cardId = (title: string) => {
    const c = Object.values(state.cards).find((x) => x.title === title);
    if (!c) throw new Error(`no card ${title}`);
    return c.id as CardId;
  };
  const columnsNow = () => columnViews(state);
  return {
    state,
    columns: columnsNow,
    index: () => ({ code: state.code, columns: columnsNow(), archived: archivedCards(state) }),
    col: (name) => columnsNow().find((c) => c.name === name)!,
    card: (title) => state.cards[cardId(title)],
    move: (title, column) =>
      void run(state, { type: 'moveCard', opId: newOpId(), cardId: cardId(title), toColumnId: colId(column) as ColumnId, override: true }),
    archive: (title) => void run(state, { type: 'archiveCard', opId: newOpId(), cardId: cardId(title) })
  };
}
