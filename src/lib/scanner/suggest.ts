/**
 * Suggestions for the manual code field: cards by code (from the first character) and by
 * title (any word), columns by code and name, best matches first. What is picked is entered
 * as its code, so typing does exactly what scanning does.
 */
import type { ColumnView } from '../domain';

export interface Suggestion {
  kind: 'card' | 'column';
  code: string;
  label: string;
  /** For a card, the column it is in. */
  detail: string;
}

const MAX = 8;

/** Case and accents do not matter: "resume" finds "Résumé". */
function fold(s: string): string {
  return s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase();
}

/** Crockford look-alikes, as normaliseCode reads them: o → 0, i and l → 1. */
function codeFold(s: string): string {
  return s.trim().toUpperCase().replace(/O/g, '0').replace(/[IL]/g, '1').replace(/-/g, '');
}

export function suggest(query: string, columns: readonly ColumnView[]): Suggestion[] {
  const q = fold(query.trim());
  if (!q) return [];
  const code = codeFold(query);
  const scored: { s: Suggestion; score: number }[] = [];
  const score = (itemCode: string, name: string): number => {
    if (code && itemCode === code) return 0;
    if (code && itemCode.startsWith(code)) return 1;
    const n = fold(name);
    if (n.startsWith(q)) return 2;
    if (n.split(/\s+/).some((w) => w.startsWith(q))) return 3;
    return n.includes(q) ? 4 : -1;
  };
  for (const column of columns) {
    const c = score(column.code, column.name);
    if (c >= 0) scored.push({ s: { kind: 'column', code: column.code, label: column.name, detail: 'Column sign' }, score: c });
    for (const card of column.cards) {
      const k = score(card.code, card.title);
      if (k >= 0) scored.push({ s: { kind: 'card', code: card.code, label: card.title, detail: column.name }, score: k });
    }
  }
  // Stable sort: equal scores keep board order.
  return scored
    .sort((a, b) => a.score - b.score)
    .slice(0, MAX)
    .map((x) => x.s);
}
