/** The column settings form and the commands it stands for (only what changed is sent). */
import { LIMITS, newColumnId, newOpId, type Column, type Command } from '../domain';
import type { FieldErrors } from './card-form';

export interface ColumnFormValues {
  name: string;
  /** Empty: no limit. */
  wipLimit: string;
  hard: boolean;
}

export const columnFormValues = (c?: Column): ColumnFormValues => ({
  name: c?.name ?? '',
  wipLimit: c?.wipLimit == null ? '' : String(c.wipLimit),
  hard: c?.wipHard ?? false
});

export type ParsedColumn =
  | { ok: true; name: string; wipLimit: number | null; hard: boolean }
  | { ok: false; message: string; errors: FieldErrors<'name' | 'wipLimit'> };

export const WIP_LIMIT_MESSAGE = `A WIP limit is a whole number from 1 to ${LIMITS.wipLimit}, or empty for none.`;

/** Reads a WIP limit as typed: null for none, undefined when it is not one. */
export function parseWipLimit(raw: string): number | null | undefined {
  const t = raw.trim();
  if (t === '') return null;
  const n = Number(t);
  return /^\d+$/.test(t) && n >= 1 && n <= LIMITS.wipLimit ? n : undefined;
}

/** Every field is checked (not just the first wrong one), each with its own message. */
export function readColumnForm(v: ColumnFormValues): ParsedColumn {
  const errors: FieldErrors<'name' | 'wipLimit'> = {};
  const name = v.name.trim();
  if (!name) errors.name = 'A column needs a name.';
  else if (name.length > LIMITS.columnName) errors.name = `A column name has at most ${LIMITS.columnName} characters.`;
  const wipLimit = parseWipLimit(v.wipLimit);
  if (wipLimit === undefined) errors.wipLimit = WIP_LIMIT_MESSAGE;
  const problems = Object.values(errors);
  if (problems.length || wipLimit === undefined) return { ok: false, message: problems.join(' '), errors };
  return { ok: true, name, wipLimit, hard: wipLimit === null ? false : v.hard };
}

export function addColumnCommand(p: Extract<ParsedColumn, { ok: true }>): Command {
  return { type: 'addColumn', opId: newOpId(), columnId: newColumnId(), name: p.name, wipLimit: p.wipLimit, wipHard: p.hard };
}

export function editColumnCommands(column: Column, p: Extract<ParsedColumn, { ok: true }>): Command[] {
  const out: Command[] = [];
  if (p.name !== column.name) out.push({ type: 'renameColumn', opId: newOpId(), columnId: column.id, name: p.name });
  if (p.wipLimit !== column.wipLimit || p.hard !== column.wipHard) {
    out.push({ type: 'setWipLimit', opId: newOpId(), columnId: column.id, wipLimit: p.wipLimit, hard: p.hard });
  }
  return out;
}
