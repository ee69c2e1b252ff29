/**
 * Board state: plain data, folded from events by `evolve`.
 *
 * Invariants (checked by the property tests):
 * - every card belongs to exactly one existing column (archived cards keep theirs);
 * - `order[columnId]` lists that column's live (non-archived) cards, sorted by (rank, id),
 *   and every rank in it is distinct;
 * - `revision` is the revision of the last event applied; events arrive gapless.
 */
import type { BoardId, CardId, Code, ColumnId } from './ids';

export interface Column {
  id: ColumnId;
  name: string;
  code: Code;
  /** Soft limit: a move past it needs confirmation. Hard limit: a move past it is refused. */
  wipLimit: number | null;
  wipHard: boolean;
}

export interface Card {
  id: CardId;
  code: Code;
  title: string;
  description: string;
  assignee: string;
  tags: string[];
  /** ISO date (YYYY-MM-DD) or null. */
  due: string | null;
  /** Story points or hours, as the team likes; null when not estimated. */
  estimate: number | null;
  columnId: ColumnId;
  rank: string;
  archived: boolean;
  createdAt: string;
  /** Revision of the last event that touched this card. */
  revision: number;
  /** Revision of the last change to a field that is printed on the card. */
  printedFieldsRevision: number;
  /** Revision at which the card was last printed, or null if never. */
  printedRevision: number | null;
  printedAt: string | null;
}

export interface BoardState {
  id: BoardId;
  /** The board sign's code (`/B/<CODE>`), unique in the install like card and column codes. */
  code: Code;
  name: string;
  revision: number;
  createdAt: string;
  updatedAt: string;
  columns: Column[];
  cards: Record<string, Card>;
  /** Live cards of each column in board order (derived from ranks; kept by evolve). */
  order: Record<string, CardId[]>;
}

export type Source =
  | 'drag'
  | 'keyboard'
  | 'scan'
  | 'scan-manual'
  | 'wall'
  | 'api'
  | 'import'
  | 'ui'
  | 'print'
  | 'system';

export const SOURCES: readonly Source[] = [
  'drag', 'keyboard', 'scan', 'scan-manual', 'wall', 'api', 'import', 'ui', 'print', 'system'
];

export interface Actor {
  id: string;
  name: string;
}

export const SYSTEM_ACTOR: Actor = { id: 'system', name: 'Kanbridge' };

export function emptyBoard(id: BoardId): BoardState {
  return { id, code: '' as Code, name: '', revision: 0, createdAt: '', updatedAt: '', columns: [], cards: {}, order: {} };
}
