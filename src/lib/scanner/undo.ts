/**
 * Undo for scan moves: for UNDO_MS after a batch moved, it can be moved back to where each
 * card stood. An undo is a new moveCard per card (the board's history keeps both moves),
 * placed between the card's old neighbours, and confirmed past a soft WIP limit: the card
 * stood there a moment ago. A card someone else moved on meanwhile is left where they put it.
 *
 * Pure: time and opIds are passed in.
 */
import type { ColumnView, Command, OpId } from '../domain';
import type { Via } from './modes';
import type { PlannedMove } from './plan';

export const UNDO_MS = 10_000;

export interface UndoEntry {
  id: number;
  /** When the batch moved (same clock as `now` below). */
  at: number;
  moves: readonly PlannedMove[];
}

export const undoOpen = (entry: UndoEntry, now: number): boolean => now - entry.at < UNDO_MS;

export interface UndoPlan {
  commands: { command: Extract<Command, { type: 'moveCard' }>; via: Via; title: string }[];
  /** Cards no longer in the column the scan put them in. */
  movedOn: string[];
}

export function undoPlan(entry: UndoEntry, columns: readonly ColumnView[], newOpId: () => OpId): UndoPlan {
  const columnOf = new Map<string, string>();
  for (const column of columns) for (const card of column.cards) columnOf.set(card.id, column.id);
  const plan: UndoPlan = { commands: [], movedOn: [] };
  for (const move of entry.moves) {
    if (columnOf.get(move.card.id) !== move.toColumnId) {
      plan.movedOn.push(move.card.id);
      continue;
    }
    plan.commands.push({
      via: move.via,
      title: move.card.title,
      command: {
        type: 'moveCard',
        opId: newOpId(),
        cardId: move.card.id,
        toColumnId: move.fromColumnId,
        ...(move.below ? { beforeCardId: move.below } : {}),
        ...(move.above ? { afterCardId: move.above } : {}),
        override: true
      }
    });
  }
  return plan;
}
