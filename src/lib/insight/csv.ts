/**
 * CSV as spreadsheets read it (RFC 4180: commas, CRLF, quotes doubled). Text that starts like a
 * formula (= + - @) gets a leading apostrophe, so that opening an export can never run a formula
 * someone typed into a card title.
 */
export type Cell = string | number | boolean | null;

export interface Table {
  headers: string[];
  rows: Cell[][];
}

function cell(v: Cell): string {
  if (v === null) return '';
  if (typeof v !== 'string') return String(v);
  const safe = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
  return /[",\r\n]|^\s|\s$/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** Always well-formed UTF-16 (a lone surrogate in a name becomes U+FFFD), so it can be encoded into a file or a link. */
export function toCsv(table: Table): string {
  return ([table.headers, ...table.rows].map((row) => row.map(cell).join(',')).join('\r\n') + '\r\n').toWellFormed();
}
