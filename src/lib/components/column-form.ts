/** The column settings form and the commands it stands for (only what changed is sent). */
import { newColumnId, newOpId, type Column, type Command } from '../domain';

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

export type ParsedColumn = { ok: true; name: string; wipLimit: number | null; hard: boolean } | { ok: false; message: string };

export function readColumnForm(v: ColumnFormValues): ParsedColumn {
	const name = v.name.trim();
	if (!name) return { ok: false, message: 'A column needs a name' };
	const raw = v.wipLimit.trim();
	if (raw === '') return { ok: true, name, wipLimit: null, hard: false };
	const wipLimit = Number(raw);
	if (!Number.isInteger(wipLimit) || wipLimit < 1 || wipLimit > 999) {
		return { ok: false, message: 'A WIP limit is a whole number from 1 to 999 (or empty for none)' };
	}
	return { ok: true, name, wipLimit, hard: v.hard };
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
