/**
 * CSV as spreadsheets read it (RFC 4180: commas, CRLF, quotes doubled). Text that starts like a
 * formula gets a leading apostrophe, so that opening an export can never run a formula someone
 * typed into a card title: its first non-whitespace character is = + - or @ (spreadsheets skip
 * leading spaces, so " =HYPERLINK(…)" is a formula too), or it starts with a tab or carriage return.
 */
export type Cell = string | number | boolean | null;

export interface Table {
  headers: string[];
  rows: Cell[][];
}

const FORMULA_START = /^(?:\s*[=+\-@]|[\t\r])/;

function cell(v: Cell): string {
  if (v === null) return '';
  if (typeof v !== 'string') return String(v);
  const safe = FORMULA_START.test(v) ? `'${v}` : v;
  return /[",\r\n]|^\s|\s$/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** Always well-formed UTF-16 (a lone surrogate in a name becomes U+FFFD), so it can be encoded into a file or a link. */
export function toCsv(table: Table): string {
  return ([table.headers, ...table.rows].map((row) => row.map(cell).join(',')).join('\r\n') + '\r\n').toWellFormed();
}
