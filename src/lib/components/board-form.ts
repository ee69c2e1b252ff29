/**
 * The new-board form's rows (column name + WIP limit as typed) → the columns the API takes.
 * Shared by the page (which posts to the API) and the form action (the no-JavaScript path),
 * so both read the form the same way.
 */
import { LIMITS } from '../domain';
import type { FieldErrors } from './card-form';
import { parseWipLimit } from './column-form';

export interface NewColumn {
  name: string;
  wipLimit: number | null;
}

/** What is wrong with one column row, by its field. */
export type RowErrors = FieldErrors<'name' | 'wip'>;

export interface BoardFormErrors {
  /** The board name. */
  name?: string;
  /** By row index (as typed, empty rows included). */
  rows: Record<number, RowErrors>;
  /** About the columns as a whole (none given, too many). */
  columns?: string;
}

export type ParsedColumns = { ok: true; columns: NewColumn[] } | { ok: false; message: string; errors: BoardFormErrors };

/**
 * Checks every row the same way. A row left wholly empty is one the person did not use; a row
 * with a WIP limit but no name is an error, so what was typed is never dropped unseen.
 */
export function readColumns(names: readonly string[], limits: readonly string[]): ParsedColumns {
  const columns: NewColumn[] = [];
  const errors: BoardFormErrors = { rows: {} };
  const count = Math.max(names.length, limits.length);
  for (let i = 0; i < count; i++) {
    const name = (names[i] ?? '').trim();
    const limit = limits[i] ?? '';
    if (!name && !limit.trim()) continue;
    const row: RowErrors = {};
    if (!name) row.name = 'Give this column a name, or clear its WIP limit.';
    else if (name.length > LIMITS.columnName) row.name = `A column name has at most ${LIMITS.columnName} characters.`;
    const wipLimit = parseWipLimit(limit);
    if (wipLimit === undefined)
      row.wip = `The WIP limit of ${name || `column ${i + 1}`} must be a whole number from 1 to ${LIMITS.wipLimit}, or empty for none.`;
    if (row.name || row.wip) errors.rows[i] = row;
    else columns.push({ name, wipLimit: wipLimit ?? null });
  }
  const rowProblems = Object.values(errors.rows).flatMap((r) => [r.name, r.wip].filter((m): m is string => !!m));
  if (!rowProblems.length && columns.length === 0) errors.columns = 'A board needs at least one column.';
  else if (columns.length > LIMITS.columns) errors.columns = `A board has at most ${LIMITS.columns} columns.`;
  const problems = [...rowProblems, ...(errors.columns ? [errors.columns] : [])];
  return problems.length ? { ok: false, message: problems.join(' '), errors } : { ok: true, columns };
}

/** The whole form: the board's name as well as its columns. */
export function readBoardForm(name: string, names: readonly string[], limits: readonly string[]): ParsedColumns & { name: string } {
  const boardName = name.trim();
  const parsed = readColumns(names, limits);
  const nameError = !boardName
    ? 'Give the board a name.'
    : boardName.length > LIMITS.boardName
      ? `A board name has at most ${LIMITS.boardName} characters.`
      : undefined;
  if (!nameError) return { ...parsed, name: boardName };
  const errors = parsed.ok ? { rows: {} } : parsed.errors;
  return {
    ok: false,
    name: boardName,
    message: [nameError, parsed.ok ? '' : parsed.message].filter(Boolean).join(' '),
    errors: { ...errors, name: nameError }
  };
}
