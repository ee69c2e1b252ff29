/**
 * The new-board form's rows (column name + WIP limit as typed) → the columns the API takes.
 * Shared by the page (which posts to the API) and the form action (the no-JavaScript path),
 * so both read the form the same way.
 */
export interface NewColumn {
	name: string;
	wipLimit: number | null;
}

export type ParsedColumns = { ok: true; columns: NewColumn[] } | { ok: false; message: string };

export function readColumns(names: readonly string[], limits: readonly string[]): ParsedColumns {
	const columns: NewColumn[] = [];
	for (const [i, raw] of names.entries()) {
		const name = raw.trim();
		if (!name) continue; // an empty row is a row the person did not use
		const limit = (limits[i] ?? '').trim();
		const wipLimit = limit === '' ? null : Number(limit);
		if (wipLimit !== null && !(Number.isInteger(wipLimit) && wipLimit >= 1 && wipLimit <= 999)) {
			return { ok: false, message: `The WIP limit of ${name} must be a whole number from 1 to 999, or empty for none.` };
		}
		columns.push({ name, wipLimit });
	}
	if (columns.length === 0) return { ok: false, message: 'A board needs at least one column.' };
	return { ok: true, columns };
}
