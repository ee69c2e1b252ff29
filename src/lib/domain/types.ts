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
  /**
   * Where the column sits in the flow, for flow metrics. Absent on columns made before stages
   * existed: read it through `columnStage`, which derives a default.
   */
  stage?: Stage;
}

/** A column's place in the flow: not started yet, in progress, or finished. */
export type Stage = 'todo' | 'doing' | 'done';
export const STAGES: readonly Stage[] = ['todo', 'doing', 'done'];

/** Names that usually mean "not started": a queue in front of the work. */
const TODO_NAME = /^(product |sprint )?(backlog|ready|to ?-?do|inbox|icebox|ideas?|queue|next( up)?|planned|new|open)$/i;

/**
 * The stage a column gets when nobody chose one: the last column of a board is done, columns
 * named like a queue (Backlog, Ready, To do, Inbox…) are todo, the rest are in progress.
 */
export function defaultStage(name: string, isLast: boolean): Stage {
  if (isLast) return 'done';
  return TODO_NAME.test(name.replace(/\s+/g, ' ').trim()) ? 'todo' : 'doing';
}

/** A column's stage: the one set on it, or the default for its name and place. */
export function columnStage(columns: readonly Pick<Column, 'name' | 'stage'>[], index: number): Stage {
  const col = columns[index];
  return col.stage ?? defaultStage(col.name, columns.length > 1 && index === columns.length - 1);
}

/**
 * A board's project figures, entered by the PMO, for earned value. Money is in one currency
 * (a label only); dates are plain days (YYYY-MM-DD). `thresholds` set the red/amber/green
 * status: an index (SPI, CPI) at or above `green` is green, at or above `amber` amber, else red.
 */
export interface ProjectFigures {
  budget: number;
  currency: string;
  plannedStart: string;
  plannedEnd: string;
  actualCost: number;
  thresholds: { green: number; amber: number };
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
  /** Project figures for earned value; absent until the PMO sets them. */
  project?: ProjectFigures | null;
}

export type Source = 'drag' | 'keyboard' | 'scan' | 'scan-manual' | 'wall' | 'api' | 'import' | 'ui' | 'form' | 'print' | 'system';

export const SOURCES: readonly Source[] = [
  'drag',
  'keyboard',
  'scan',
  'scan-manual',
  'wall',
  'api',
  'import',
  'ui',
  'form',
  'print',
  'system'
];

export interface Actor {
  id: string;
  name: string;
}

export const SYSTEM_ACTOR: Actor = { id: 'system', name: 'Kanbridge' };

export function emptyBoard(id: BoardId): BoardState {
  return { id, code: '' as Code, name: '', revision: 0, createdAt: '', updatedAt: '', columns: [], cards: dict(), order: dict() };
}

/**
 * A record keyed by id, without a prototype: whatever an id is, it is only ever an own key, never
 * `Object.prototype` or one of its methods. `entries` (say, parsed JSON) are copied in.
 */
export function dict<T>(entries?: Readonly<Record<string, T>>): Record<string, T> {
  const out = Object.create(null) as Record<string, T>;
  if (entries) for (const key of Object.keys(entries)) out[key] = entries[key];
  return out;
}

/** The card with this id, or undefined: only the board's own cards, never an inherited property. */
export function cardById(state: Pick<BoardState, 'cards'>, id: string): Card | undefined {
  return Object.hasOwn(state.cards, id) ? state.cards[id] : undefined;
}

/** A column's live cards in order, or undefined when the board holds no such column. */
export function orderOf(state: Pick<BoardState, 'order'>, columnId: string): CardId[] | undefined {
  return Object.hasOwn(state.order, columnId) ? state.order[columnId] : undefined;
}

/**
 * Gives a board state that came through JSON or `structuredClone` (which both make plain
 * objects) its prototype-free records again. In place; returns the state.
 */
export function reviveBoard<S extends Pick<BoardState, 'cards' | 'order'>>(state: S): S {
  if (Object.getPrototypeOf(state.cards) !== null) state.cards = dict(state.cards);
  if (Object.getPrototypeOf(state.order) !== null) state.order = dict(state.order);
  return state;
}
