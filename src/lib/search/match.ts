/**
 * Finding cards: one set of rules for the board's filter and for the search across boards.
 * Words match by prefix ("rel" finds "Release notes"), case and accents aside, in the title or
 * the description; a code matches exactly (read as a printed code is: any case, O for 0,
 * I or L for 1, dashes ignored). Tags and assignees match whole, case aside.
 */
import { normaliseCode } from '../domain/ids';
import type { Card } from '../domain/types';

/** Due-date filters: past due, due from today to Sunday of this week, or no due date. */
export const DUE_FILTERS = ['overdue', 'week', 'none'] as const;
export type DueFilter = (typeof DUE_FILTERS)[number];

export const DUE_LABELS: Record<DueFilter, string> = { overdue: 'Overdue', week: 'Due this week', none: 'No due date' };

/** The longest query read; the rest is ignored. */
export const MAX_QUERY = 200;

export interface CardFilter {
  /** Free text: words (prefixes) and codes. */
  q: string;
  tag: string | null;
  assignee: string | null;
  due: DueFilter | null;
}

export const NO_FILTER: CardFilter = { q: '', tag: null, assignee: null, due: null };

/** Lower case without accents, so "Café" and "cafe" are one word. */
export function fold(text: string): string {
  return text.normalize('NFKD').replace(/\p{M}/gu, '').toLocaleLowerCase('en');
}

/** The words of a text, folded: runs of letters and digits. */
export function words(text: string): string[] {
  return fold(text).match(/[\p{L}\p{N}]+/gu) ?? [];
}

/**
 * The query's terms, one per whitespace-separated piece: its words, and the code it reads
 * as, if any ("K7-Q2MM" is one code; "follow-up" is the words "follow" and "up").
 */
export interface Query {
  terms: { words: string[]; code: string | null }[];
}

export function parseQuery(q: string): Query {
  const terms: Query['terms'] = [];
  for (const piece of q.slice(0, MAX_QUERY).trim().split(/\s+/)) {
    const pieceWords = words(piece);
    if (pieceWords.length > 0) terms.push({ words: pieceWords, code: normaliseCode(piece) });
  }
  return { terms };
}

const SCORE = {
  code: 1000,
  titleExact: 12,
  titlePrefix: 8,
  descriptionExact: 3,
  descriptionPrefix: 2,
  titleStarts: 5
} as const;

function wordScore(word: string, title: string[], description: string[]): number {
  if (title.includes(word)) return SCORE.titleExact;
  if (title.some((t) => t.startsWith(word))) return SCORE.titlePrefix;
  if (description.includes(word)) return SCORE.descriptionExact;
  if (description.some((t) => t.startsWith(word))) return SCORE.descriptionPrefix;
  return 0;
}

/**
 * How well a card matches the query: 0 when it does not (every term must match: as the
 * card's code exactly, or each of its words as the prefix of a word in the title or
 * description), more for better matches: a code, then title words, whole words before
 * prefixes, a title that starts with the first word. An empty query matches every card
 * with score 1.
 */
export function scoreCard(card: Pick<Card, 'code' | 'title' | 'description'>, query: Query): number {
  if (query.terms.length === 0) return 1;
  const title = words(card.title);
  const description = words(card.description);
  let score = 0;
  for (const [i, term] of query.terms.entries()) {
    if (term.code !== null && term.code === card.code) {
      score += SCORE.code;
      continue;
    }
    for (const [j, word] of term.words.entries()) {
      const s = wordScore(word, title, description);
      if (s === 0) return 0;
      score += s + (i === 0 && j === 0 && title[0]?.startsWith(word) ? SCORE.titleStarts : 0);
    }
  }
  return score;
}

/** YYYY-MM-DD of a date, in local time. */
export function isoDay(date: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${p(date.getMonth() + 1)}-${p(date.getDate())}`;
}

/** The Sunday that ends the week (Monday to Sunday) holding `today` (YYYY-MM-DD). */
export function endOfWeek(today: string): string {
  const [y, m, d] = today.split('-').map(Number);
  const date = new Date(Date.UTC(y, m - 1, d));
  const toSunday = (7 - date.getUTCDay()) % 7;
  date.setUTCDate(date.getUTCDate() + toSunday);
  return date.toISOString().slice(0, 10);
}

export function matchesDue(due: string | null, filter: DueFilter, today: string): boolean {
  switch (filter) {
    case 'none':
      return due === null;
    case 'overdue':
      return due !== null && due < today;
    case 'week':
      return due !== null && due >= today && due <= endOfWeek(today);
  }
}

const same = (a: string, b: string) => fold(a.trim()) === fold(b.trim());

/** Whether a card passes every part of the filter. `today` is YYYY-MM-DD. */
export function cardMatches(card: Card, filter: CardFilter, today: string, query: Query = parseQuery(filter.q)): boolean {
  if (filter.tag !== null && !card.tags.some((t) => same(t, filter.tag!))) return false;
  if (filter.assignee !== null && !same(card.assignee, filter.assignee)) return false;
  if (filter.due !== null && !matchesDue(card.due, filter.due, today)) return false;
  return scoreCard(card, query) > 0;
}

export function isFiltering(filter: CardFilter): boolean {
  return filter.q.trim() !== '' || filter.tag !== null || filter.assignee !== null || filter.due !== null;
}

const DUE_ALIASES: Record<string, DueFilter> = {
  overdue: 'overdue',
  week: 'week',
  'this-week': 'week',
  thisweek: 'week',
  'this week': 'week',
  none: 'none'
};

/** The filter a URL asks for (`?q=…&tag=…&assignee=…&due=overdue|week|none`); unknown values are ignored. */
export function filterFromParams(params: URLSearchParams): CardFilter {
  const text = (name: string) => {
    const v = params.get(name)?.trim();
    return v ? v.slice(0, MAX_QUERY) : null;
  };
  const due = params.get('due');
  return {
    q: (params.get('q') ?? '').slice(0, MAX_QUERY),
    tag: text('tag'),
    assignee: text('assignee'),
    due: due ? (DUE_ALIASES[fold(due.trim())] ?? null) : null
  };
}

/** `params` with the filter's parameters set (and those not in use removed); others kept. */
export function filterToParams(filter: CardFilter, params: URLSearchParams = new URLSearchParams()): URLSearchParams {
  const out = new URLSearchParams(params);
  const put = (name: string, value: string | null) => (value ? out.set(name, value) : out.delete(name));
  put('q', filter.q.trim() ? filter.q : null);
  put('tag', filter.tag);
  put('assignee', filter.assignee);
  put('due', filter.due);
  return out;
}

export interface Ranked<T> {
  item: T;
  score: number;
}

/** The items that match, best first (ties keep their order), at most `limit`. */
export function rank<T>(items: Iterable<T>, score: (item: T) => number, limit: number): T[] {
  const hits: (Ranked<T> & { i: number })[] = [];
  let i = 0;
  for (const item of items) {
    const s = score(item);
    if (s > 0) hits.push({ item, score: s, i });
    i++;
  }
  hits.sort((a, b) => b.score - a.score || a.i - b.i);
  return hits.slice(0, limit).map((h) => h.item);
}
