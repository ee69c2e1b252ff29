/**
 * Print requests: which layout, and which cards (or signs) a print job holds.
 *
 * A selection is a short text, so it fits a query string and a link:
 *   all                  every live card, in board order
 *   column:<columnId>    the live cards of one column, top to bottom
 *   cards:<id>,<id>,…    these cards, in the order given (archived ones too: asked for by id)
 *   new                  live cards never printed (printedRevision === null)
 *   reprint              live cards changed since they were printed (needsReprint)
 *
 * Errors are typed so the HTTP layer can answer 400 for a malformed request
 * (PrintRequestError) and say plainly when a well-formed request selects nothing
 * (NothingToPrintError, e.g. "reprint" when every card is up to date).
 */
import { ID_PATTERN, cardsInOrder, needsReprint, type BoardState, type Card, type CardId, type Column, type ColumnId } from '../domain';
import { LAYOUTS, LAYOUT_IDS, isLayoutId, type LayoutId } from './layouts';

export type Selection =
  { kind: 'all' } | { kind: 'column'; columnId: ColumnId } | { kind: 'cards'; cardIds: CardId[] } | { kind: 'new' } | { kind: 'reprint' };

export type PrintRequestErrorCode = 'UNKNOWN_LAYOUT' | 'INVALID_SELECTION' | 'NOT_FOUND';

/** The request itself is wrong: an unknown layout, a malformed selection, an id not on the board. */
export class PrintRequestError extends Error {
  constructor(
    readonly code: PrintRequestErrorCode,
    message: string,
    readonly details?: Record<string, unknown>
  ) {
    super(message);
    this.name = 'PrintRequestError';
  }
}

/** The request is fine but selects nothing. */
export class NothingToPrintError extends Error {
  readonly code = 'NOTHING_TO_PRINT';
  constructor(message: string) {
    super(message);
    this.name = 'NothingToPrintError';
  }
}

const SELECTION_HELP = 'all, column:<columnId>, cards:<id>,<id>…, new or reprint';

export function parseLayout(text: string): LayoutId {
  const id = text.trim().toLowerCase();
  if (isLayoutId(id)) return id;
  throw new PrintRequestError('UNKNOWN_LAYOUT', `Unknown layout "${clip(text)}"; choose one of ${LAYOUT_IDS.join(', ')}`, {
    layouts: [...LAYOUT_IDS]
  });
}

export function parseSelection(text: string): Selection {
  const s = text.trim();
  const colon = s.indexOf(':');
  const keyword = (colon < 0 ? s : s.slice(0, colon)).toLowerCase();
  const arg = colon < 0 ? null : s.slice(colon + 1).trim();
  const invalid = (why: string) =>
    new PrintRequestError('INVALID_SELECTION', `${why}; a selection is ${SELECTION_HELP}`, { selection: clip(text) });

  if (keyword === 'all' || keyword === 'new' || keyword === 'reprint') {
    if (arg !== null) throw invalid(`"${keyword}" takes no argument`);
    return { kind: keyword };
  }
  if (keyword === 'column') {
    if (!arg) throw invalid('"column:" needs a column id');
    if (!ID_PATTERN.test(arg)) throw invalid(`"${clip(arg)}" is not a column id`);
    return { kind: 'column', columnId: arg as ColumnId };
  }
  if (keyword === 'cards') {
    const ids = (arg ?? '')
      .split(',')
      .map((id) => id.trim())
      .filter(Boolean);
    const bad = ids.find((id) => !ID_PATTERN.test(id));
    if (bad !== undefined) throw invalid(`"${clip(bad)}" is not a card id`);
    return { kind: 'cards', cardIds: [...new Set(ids)] as CardId[] };
  }
  throw invalid(s ? `Unknown selection "${clip(s)}"` : 'No selection given');
}

/** The cards a selection holds, in print order. Throws when it holds none. */
export function selectCards(board: BoardState, selection: Selection): Card[] {
  const live = () => cardsInOrder(board);
  switch (selection.kind) {
    case 'all':
      return nonEmpty(live(), 'the board has no cards');
    case 'new':
      return nonEmpty(
        live().filter((c) => c.printedRevision === null),
        'every card has been printed already'
      );
    case 'reprint':
      return nonEmpty(live().filter(needsReprint), 'no printed card has changed since it was printed');
    case 'column': {
      const column = findColumn(board, selection.columnId);
      const cards = (board.order[column.id] ?? []).map((id) => board.cards[id]);
      return nonEmpty(cards, `the column “${column.name}” has no cards`);
    }
    case 'cards': {
      const missing = selection.cardIds.filter((id) => !board.cards[id]);
      if (missing.length) {
        throw new PrintRequestError(
          'NOT_FOUND',
          `${missing.length === 1 ? 'A card is' : `${missing.length} cards are`} not on this board: ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', …' : ''}`,
          {
            cardIds: missing
          }
        );
      }
      return nonEmpty(
        selection.cardIds.map((id) => board.cards[id]),
        'no cards were chosen'
      );
    }
  }
}

export interface PrintPlan {
  layout: LayoutId;
  /** Cards to print, in order (card layouts). */
  cards: Card[];
  /** Columns to make signs for (`column-signs`). */
  columns: Column[];
}

/**
 * Turns a request's layout and selection texts into a print job for `renderPdf`.
 * Card layouts take any selection; column signs take `all` or `column:<id>`; the board sign
 * takes `all` (there is one sign per board).
 */
export function planPrint(board: BoardState, layoutText: string, selectionText = 'all'): PrintPlan {
  const layout = parseLayout(layoutText);
  const selection = parseSelection(selectionText);
  const kind = LAYOUTS[layout].kind;
  if (kind === 'cards') return { layout, cards: selectCards(board, selection), columns: [] };
  if (kind === 'column-signs') {
    if (selection.kind === 'all') return { layout, cards: [], columns: nonEmpty(board.columns, 'the board has no columns') };
    if (selection.kind === 'column') return { layout, cards: [], columns: [findColumn(board, selection.columnId)] };
    throw new PrintRequestError('INVALID_SELECTION', 'Column signs are printed for "all" columns or one "column:<columnId>"', {
      selection: clip(selectionText)
    });
  }
  if (selection.kind !== 'all') {
    throw new PrintRequestError('INVALID_SELECTION', 'The board sign is one page per board: use the selection "all"', {
      selection: clip(selectionText)
    });
  }
  return { layout, cards: [], columns: [] };
}

function findColumn(board: BoardState, columnId: ColumnId): Column {
  const column = board.columns.find((c) => c.id === columnId);
  if (!column) throw new PrintRequestError('NOT_FOUND', `No column ${columnId} on this board`, { columnId });
  return column;
}

function nonEmpty<T>(items: T[], why: string): T[] {
  if (items.length === 0) throw new NothingToPrintError(`Nothing to print: ${why}`);
  return items;
}

/** User text echoed in a message, kept short. */
function clip(s: string): string {
  return s.length > 60 ? `${s.slice(0, 57)}…` : s;
}
