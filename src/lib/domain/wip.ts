/** Work-in-progress limits: how full a column is, and whether a card may enter it. */
import { orderOf, type BoardState, type Column } from './types';
import type { ColumnId } from './ids';
import { reject, type Rejection } from './rejections';

export type WipStatus = 'none' | 'under' | 'full' | 'over';

export function columnCount(state: BoardState, columnId: ColumnId): number {
  return orderOf(state, columnId)?.length ?? 0;
}

export function wipStatus(column: Column, count: number): WipStatus {
  if (column.wipLimit === null) return 'none';
  if (count > column.wipLimit) return 'over';
  if (count === column.wipLimit) return 'full';
  return 'under';
}

/**
 * May one more card enter `column`? A soft limit lets it in when the user confirmed
 * (`override`); a hard limit never does.
 */
export function checkEntry(state: BoardState, column: Column, override: boolean): Rejection | null {
  if (column.wipLimit === null) return null;
  const count = columnCount(state, column.id);
  if (count + 1 <= column.wipLimit) return null;
  const details = { columnId: column.id, columnName: column.name, wipLimit: column.wipLimit, count };
  // Lowering a limit can leave a column holding more than it: then it is over, not at, its limit.
  const where =
    count > column.wipLimit
      ? `over its ${column.wipHard ? 'hard ' : ''}limit of ${column.wipLimit} (it holds ${count})`
      : `at its ${column.wipHard ? 'hard ' : ''}limit of ${column.wipLimit}`;
  if (column.wipHard) return reject('WIP_LIMIT_HARD', `${column.name} is ${where}`, details);
  if (override) return null;
  return reject('WIP_LIMIT', `${column.name} is ${where}; confirm to go over`, details);
}

/**
 * What letting one more card into `column` goes past: its soft limit and the count it would
 * then hold, or undefined when it stays within (or has no, or a hard) limit.
 */
export function overLimitOnEntry(state: BoardState, column: Column): { limit: number; count: number } | undefined {
  if (column.wipLimit === null || column.wipHard) return undefined;
  const count = columnCount(state, column.id) + 1;
  return count > column.wipLimit ? { limit: column.wipLimit, count } : undefined;
}
