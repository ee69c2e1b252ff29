/**
 * Events: what happened, in the board's order. Each carries the revision it produced
 * (1, 2, 3, … without gaps), when, from which source, by whom, and the opId of the command
 * that caused it. Events name the ids they touch, so a client can highlight them.
 */
import type { BoardId, CardId, Code, ColumnId, OpId } from './ids';
import type { CardFields } from './commands';
import type { Actor, Card, Column, ProjectFigures, Source, Stage } from './types';

/** A card let into a column past its soft WIP limit because someone confirmed it: the limit, and how many cards the column then held. */
export interface OverLimit {
  limit: number;
  count: number;
}

export type EventBody =
  | { type: 'boardCreated'; name: string; code: Code; columns: Column[] }
  | { type: 'boardRenamed'; name: string }
  | {
      type: 'cardCreated';
      card: Omit<Card, 'revision' | 'printedFieldsRevision' | 'printedRevision' | 'printedAt' | 'createdAt' | 'archived'>;
      overLimit?: OverLimit;
    }
  | { type: 'cardUpdated'; cardId: CardId; changes: Partial<CardFields> }
  | { type: 'cardArchived'; cardId: CardId; columnId: ColumnId }
  | { type: 'cardRestored'; cardId: CardId; toColumnId: ColumnId; rank: string; overLimit?: OverLimit }
  | { type: 'cardMoved'; cardId: CardId; fromColumnId: ColumnId; toColumnId: ColumnId; rank: string; overLimit?: OverLimit }
  | { type: 'columnAdded'; column: Column; index: number }
  | { type: 'columnRenamed'; columnId: ColumnId; name: string }
  | { type: 'columnMoved'; columnId: ColumnId; toIndex: number }
  | { type: 'columnRemoved'; columnId: ColumnId }
  | { type: 'wipLimitSet'; columnId: ColumnId; wipLimit: number | null; hard: boolean }
  | { type: 'cardsPrinted'; cardIds: CardId[]; layout: string }
  | { type: 'columnStageSet'; columnId: ColumnId; stage: Stage }
  | { type: 'projectSet'; project: ProjectFigures | null };

export interface EventMeta {
  boardId: BoardId;
  revision: number;
  at: string;
  source: Source;
  actor: Actor;
  opId: OpId;
}

export type BoardEvent = EventBody & EventMeta;
export type EventType = BoardEvent['type'];
export type EventOf<T extends EventType> = Extract<BoardEvent, { type: T }>;

/** Every event type, so that what arrives from outside (a log line, a socket message) can be told apart from one this build does not know. */
export const EVENT_TYPES: Readonly<Record<EventType, true>> = {
  boardCreated: true,
  boardRenamed: true,
  cardCreated: true,
  cardUpdated: true,
  cardArchived: true,
  cardRestored: true,
  cardMoved: true,
  columnAdded: true,
  columnRenamed: true,
  columnMoved: true,
  columnRemoved: true,
  wipLimitSet: true,
  cardsPrinted: true,
  columnStageSet: true,
  projectSet: true
};

export function isEventType(type: unknown): type is EventType {
  return typeof type === 'string' && Object.hasOwn(EVENT_TYPES, type);
}

/** The card ids an event touches (for highlights, card history and STALE checks). */
export function touchedCards(e: EventBody): CardId[] {
  switch (e.type) {
    case 'cardCreated':
      return [e.card.id];
    case 'cardUpdated':
    case 'cardArchived':
    case 'cardRestored':
    case 'cardMoved':
      return [e.cardId];
    case 'cardsPrinted':
      return e.cardIds;
    case 'boardCreated':
    case 'boardRenamed':
    case 'columnAdded':
    case 'columnRenamed':
    case 'columnMoved':
    case 'columnRemoved':
    case 'wipLimitSet':
    case 'columnStageSet':
    case 'projectSet':
      return [];
    default:
      return assertNever(e);
  }
}

/** Every board, card and column id an event names: what is checked where stored events are read back. */
export function eventIds(e: BoardEvent): string[] {
  switch (e.type) {
    case 'boardCreated':
      return [e.boardId, ...e.columns.map((c) => c.id)];
    case 'cardCreated':
      return [e.boardId, e.card.id, e.card.columnId];
    case 'cardUpdated':
      return [e.boardId, e.cardId];
    case 'cardArchived':
      return [e.boardId, e.cardId, e.columnId];
    case 'cardRestored':
      return [e.boardId, e.cardId, e.toColumnId];
    case 'cardMoved':
      return [e.boardId, e.cardId, e.fromColumnId, e.toColumnId];
    case 'columnAdded':
      return [e.boardId, e.column.id];
    case 'columnRenamed':
    case 'columnMoved':
    case 'columnRemoved':
    case 'wipLimitSet':
    case 'columnStageSet':
      return [e.boardId, e.columnId];
    case 'cardsPrinted':
      return [e.boardId, ...e.cardIds];
    case 'boardRenamed':
    case 'projectSet':
      return [e.boardId];
    default:
      return assertNever(e);
  }
}

export function assertNever(x: never): never {
  throw new Error(`unexpected value: ${JSON.stringify(x)}`);
}
