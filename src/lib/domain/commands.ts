/**
 * Commands: what a client asks the board to do. Each carries a client-made `opId`, so that a
 * repeat (a resend after a lost ack, a double click, a replayed offline queue) is recognised
 * and answered with the first result.
 */
import type { CardId, ColumnId, OpId } from './ids';
import type { ProjectFigures, Stage } from './types';

export interface CardFields {
  title: string;
  description: string;
  assignee: string;
  tags: string[];
  due: string | null;
  estimate: number | null;
}

export interface Placement {
  /** The card the moved card lands just before (below it: the neighbour after). */
  beforeCardId?: CardId;
  /** The card the moved card lands just after (above it). */
  afterCardId?: CardId;
}

export type Command =
  | ({ type: 'createCard'; opId: OpId; cardId?: CardId; columnId?: ColumnId; override?: boolean } & Partial<CardFields> & {
        title: string;
      } & Placement)
  | { type: 'updateCard'; opId: OpId; cardId: CardId; changes: Partial<CardFields> }
  | { type: 'archiveCard'; opId: OpId; cardId: CardId }
  | { type: 'restoreCard'; opId: OpId; cardId: CardId; toColumnId?: ColumnId; override?: boolean }
  | ({ type: 'moveCard'; opId: OpId; cardId: CardId; toColumnId: ColumnId; override?: boolean } & Placement)
  | {
      type: 'addColumn';
      opId: OpId;
      columnId?: ColumnId;
      name: string;
      wipLimit?: number | null;
      wipHard?: boolean;
      index?: number;
      stage?: Stage;
    }
  | { type: 'renameColumn'; opId: OpId; columnId: ColumnId; name: string }
  | { type: 'moveColumn'; opId: OpId; columnId: ColumnId; toIndex: number }
  | { type: 'removeColumn'; opId: OpId; columnId: ColumnId }
  | { type: 'setWipLimit'; opId: OpId; columnId: ColumnId; wipLimit: number | null; hard?: boolean }
  | { type: 'renameBoard'; opId: OpId; name: string }
  | { type: 'markPrinted'; opId: OpId; cardIds: CardId[]; layout: string }
  | { type: 'setColumnStage'; opId: OpId; columnId: ColumnId; stage: Stage }
  /** Sets (or with null, clears) the board's project figures. */
  | { type: 'setProject'; opId: OpId; project: ProjectFigures | null };

export type CommandType = Command['type'];
export type CommandOf<T extends CommandType> = Extract<Command, { type: T }>;

/** Every field a card update may change. */
export const CARD_FIELDS: readonly (keyof CardFields)[] = ['title', 'description', 'assignee', 'tags', 'due', 'estimate'];

/** Fields printed on a card: a change to one of these puts a printed card in the reprint queue. */
export const PRINTED_FIELDS: readonly (keyof CardFields)[] = ['title', 'assignee', 'tags', 'due', 'estimate'];
